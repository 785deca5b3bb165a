"""Where the local broker keeps things: a checkout's git-ignored folders by default."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

_POM = Path("deploy") / "kafka" / "pom.xml"


def project_root(cwd: Path) -> Path:
    """The checkout holding ``deploy/kafka/pom.xml``: the package's own, else ``cwd``."""
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / _POM).is_file():
        return package_root
    for folder in (cwd, *cwd.parents):
        if (folder / _POM).is_file():
            return folder
    return cwd


def default_home(env: Mapping[str, str], cwd: Path) -> Path:
    """``$HUB_HOME`` or ``.hub/kafka`` in the checkout: broker data, logs and state."""
    if env.get("HUB_HOME"):
        return Path(env["HUB_HOME"]) / "kafka"
    return project_root(cwd) / ".hub" / "kafka"


def default_cache(env: Mapping[str, str], cwd: Path) -> Path:
    """``$HUB_CACHE`` or ``.cache`` in the checkout: the Kafka jars fetched by Maven."""
    if env.get("HUB_CACHE"):
        return Path(env["HUB_CACHE"])
    return project_root(cwd) / ".cache"


def default_pom(cwd: Path) -> Path:
    return project_root(cwd) / _POM
