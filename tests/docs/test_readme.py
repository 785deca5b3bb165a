"""The README's hub.yaml example is a valid configuration."""

from __future__ import annotations

import re
from pathlib import Path

from hub.config import load_config
from hub.events import Catalog
from hub.sdk import Registry

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_configuration_is_valid(tmp_path: Path, catalog: Catalog) -> None:
    block = re.search(r"```yaml\n(.*?)```", README.read_text(), re.S)
    assert block is not None
    config = tmp_path / "hub.yaml"
    config.write_text(block.group(1))
    loaded = load_config(config, Registry.discover(), {}, catalog)
    assert [c.spec.name for c in loaded.connectors] == ["payments"]
    assert [r.spec.name for r in loaded.routes] == ["payments-to-ledger"]
