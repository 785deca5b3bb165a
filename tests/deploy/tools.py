"""System tools the deployment tests run, and how to install them when missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

INSTALL = {
    "promtool": "apt-get install prometheus",
    "prometheus": "apt-get install prometheus",
    "systemd-analyze": "apt-get install systemd",
}


def tool(name: str) -> str:
    """The path of a required tool; a missing one fails the test with the install command."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; install it with: {INSTALL[name]} (or make prereqs)")
    return path


def run(
    *args: str | Path, cwd: Path = ROOT, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run a command; its output is kept for the failure message."""
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"$ {' '.join(result.args)}\nexit {result.returncode}\n{result.stdout}{result.stderr}"
