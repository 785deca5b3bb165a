"""Where a demo run keeps its files: ``.hub/demo/`` in the checkout (git-ignored), or
``$HUB_HOME/demo``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hub.localkafka.paths import project_root


@dataclass(frozen=True)
class Layout:
    root: Path

    @classmethod
    def default(cls, env: Mapping[str, str], cwd: Path) -> Layout:
        if env.get("HUB_HOME"):
            return cls(Path(env["HUB_HOME"]) / "demo")
        return cls(project_root(cwd) / ".hub" / "demo")

    @property
    def hub_yaml(self) -> Path:
        """The run's configuration, kept after the run for ``hub dlq list``."""
        return self.root / "hub.yaml"

    @property
    def secrets(self) -> Path:
        """Per-run secrets (webhook key, database URLs), referenced as ``{file: ...}``."""
        return self.root / "secrets"

    @property
    def postgres(self) -> Path:
        """The legacy databases' PostgreSQL cluster, created anew for every run."""
        return self.root / "pg"

    @property
    def inbox(self) -> Path:
        """Where the bank drops BgMax files (``processed/`` and ``rejected/`` beneath)."""
        return self.root / "bgmax-inbox"

    @property
    def log(self) -> Path:
        return self.root / "hub.log"

    @property
    def state(self) -> Path:
        """The last run's topic prefix, so the next run can remove its topics."""
        return self.root / "last-run.json"
