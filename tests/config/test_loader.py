"""``hub.yaml`` validation: every problem at once, each with its path and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from hub.config import ConfigError, Secret, load_config
from hub.sdk import Batch, ConnectorType, Registry, Source


class TableConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str
    password: Secret
    batch_size: int = 100


class NullSource(Source):
    def __init__(self, config: TableConfig) -> None:
        self.config = config

    def poll(self, position: object) -> Batch | None:
        return None


REGISTRY = Registry([ConnectorType("table", "source", "a test source", TableConfig, NullSource)])


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(text)
    return path


def test_valid_file_resolves_connectors_and_secrets(tmp_path: Path) -> None:
    (tmp_path / "pw.txt").write_text("from-file\n")
    path = _write(
        tmp_path,
        """
kafka:
  bootstrap_servers: kafka-1:9092
connectors:
  - name: diarium
    type: table
    config: {table: arende, password: {env: DIARIUM_PW}}
  - name: bygglov
    type: table
    config: {table: bygglov, password: {file: pw.txt}}
""",
    )
    loaded = load_config(path, REGISTRY, {"DIARIUM_PW": "s3cret"})
    configs = [c.config for c in loaded.connectors]
    assert [c.spec.name for c in loaded.connectors] == ["diarium", "bygglov"]
    assert isinstance(configs[0], TableConfig)
    assert configs[0].password.get_secret_value() == "s3cret"
    assert isinstance(configs[1], TableConfig)
    assert configs[1].password.get_secret_value() == "from-file"
    assert "s3cret" not in repr(configs[0])


def test_every_problem_is_reported_with_path_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """connectors:
  - name: ok
    type: table
    config: {table: t, password: {env: PW}}
  - name: Bad Name
    type: table
    config: {table: t, password: {env: PW}}
  - name: third
    type: table
    config:
      batch_size: lots
      password: {env: MISSING_PW}
  - name: fourth
    type: nosuchtype
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, REGISTRY, {"PW": "x"})
    text = str(caught.value)
    assert f"{path}:5: connectors[1].name:" in text
    assert f"{path}:10: connectors[2].config.table: Field required" in text
    assert f"{path}:11: connectors[2].config.batch_size:" in text
    assert "connectors[2].config.password: environment variable MISSING_PW is not set" in text
    assert f"{path}:14: connectors[3].type: unknown connector type 'nosuchtype'" in text
    assert len(caught.value.problems) == 5


ONLY_FILE = """connectors:
  - name: diarium
    type: table
    config: {table: arende, password: {env: DIARIUM_PW}}
  - name: bygglov
    type: table
    config: {table: bygglov, password: {env: BYGGLOV_PW}, batch_size: lots}
"""


def test_only_resolves_the_named_parts_and_needs_only_their_secrets(tmp_path: Path) -> None:
    path = _write(tmp_path, ONLY_FILE)
    loaded = load_config(path, REGISTRY, {"DIARIUM_PW": "s3cret"}, only=["diarium"])
    assert [c.spec.name for c in loaded.connectors] == ["diarium"]
    config = loaded.connectors[0].config
    assert isinstance(config, TableConfig)
    assert config.password.get_secret_value() == "s3cret"
    # Without ``only`` (as `hub validate` loads it) the other part's problems count.
    with pytest.raises(ConfigError) as caught:
        load_config(path, REGISTRY, {"DIARIUM_PW": "s3cret"})
    text = str(caught.value)
    assert "connectors[1].config.password: environment variable BYGGLOV_PW is not set" in text
    assert f"{path}:7: connectors[1].config.batch_size:" in text


def test_only_still_checks_its_own_parts(tmp_path: Path) -> None:
    path = _write(tmp_path, ONLY_FILE)
    with pytest.raises(ConfigError) as caught:
        load_config(path, REGISTRY, {}, only=["diarium"])
    problems = [p.dotted for p in caught.value.problems]
    assert problems == ["connectors[0].config.password"]


def test_only_names_an_unknown_part(tmp_path: Path) -> None:
    path = _write(tmp_path, ONLY_FILE)
    with pytest.raises(ConfigError) as caught:
        load_config(path, REGISTRY, {}, only=["diarium", "arkiv"])
    assert "no connector or route named arkiv (known: diarium, bygglov)" in str(caught.value)


def test_secret_values_never_appear_in_errors(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """connectors:
  - name: one
    type: table
    config: {table: 7, password: {env: PW}, batch_size: [hunter2-secret]}
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, REGISTRY, {"PW": "hunter2-secret"})
    assert "hunter2-secret" not in str(caught.value)


def test_duplicate_names_and_yaml_errors(tmp_path: Path) -> None:
    dup = _write(
        tmp_path,
        """connectors:
  - {name: same, type: table, config: {table: a, password: x}}
  - {name: same, type: table, config: {table: b, password: x}}
""",
    )
    with pytest.raises(ConfigError, match="connector name 'same' is used twice"):
        load_config(dup, REGISTRY, {})
    broken = tmp_path / "broken.yaml"
    broken.write_text("connectors: [\n  {name: x\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken, REGISTRY, {})
