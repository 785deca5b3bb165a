"""Configuration problems are reported by their path: in hub.yaml when it is loaded, and in
the connector's config when the mapping does not fit the event catalog."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from connectors.sql_poll.config import SqlPollConfig
from connectors.sql_poll.source import SqlPollSource
from hub.config import ConfigError, load_config
from hub.events import Catalog
from hub.sdk import FatalError, Registry, SourceContext

URL = "postgresql+psycopg://diarium:pw-in-env@db.kommun.local/diarium"
ENV = {"DIARIUM_DB_URL": URL}


def _write(tmp_path: Path, config: str) -> Path:
    """A hub.yaml with one sql-poll connector ``diarium`` whose config is ``config``."""
    file = tmp_path / "hub.yaml"
    body = textwrap.indent(textwrap.dedent(config).strip(), " " * 6)
    file.write_text(
        f"connectors:\n  - name: diarium\n    type: sql-poll\n    config:\n{body}\n",
        encoding="utf-8",
    )
    return file


def _load(tmp_path: Path, config: str) -> Any:
    return load_config(_write(tmp_path, config), Registry.discover(), ENV)


def test_a_valid_config_loads_with_its_secret_url(tmp_path: Path) -> None:
    loaded = _load(
        tmp_path,
        """
        url: {env: DIARIUM_DB_URL}
        table: arende
        mode: timestamp+incrementing
        id_column: id
        timestamp_column: andrad
        delay_seconds: 5
        municipality_code: "2480"
        system: diarium
        mapping:
          event: CaseStatusChanged
          fields:
            caseNumber: diarienr
            municipality.code: {const: "2480"}
            municipality.organisationNumber: {const: "212000-2627"}
            changedAt: andrad
            status: {column: status, values: {O: OPEN, A: CLOSED}}
        """,
    )
    config = loaded.connector("diarium").config
    assert isinstance(config, SqlPollConfig)
    assert config.url.get_secret_value() == URL
    assert "pw-in-env" not in repr(config)
    assert "pw-in-env" not in str(config.model_dump())


def test_problems_are_named_by_their_path_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(
            tmp_path,
            """
            url: {env: NOT_SET}
            table: arende
            mode: timestamp
            municipality_code: "248"
            system: diarium
            batch_sise: 10
            mapping:
              event: CaseOpened
              fields:
                caseNumber: {colum: diarienr}
                title: {template: "{arendetyp}: {rubrik.upper}"}
            """,
        )
    problems = {p.dotted: p for p in caught.value.problems}
    prefix = "connectors[0].config"
    assert "environment variable NOT_SET is not set" in problems[f"{prefix}.url"].message
    assert "needs a timestamp_column" in problems[f"{prefix}.timestamp_column"].message
    assert f"{prefix}.municipality_code" in problems
    assert "Extra inputs" in problems[f"{prefix}.batch_sise"].message
    field = problems[f"{prefix}.mapping.fields.caseNumber"]
    assert "{column: NAME}" in field.message
    assert field.line == 14  # hub.yaml line 14: caseNumber: {colum: diarienr}
    template = next(
        p for d, p in problems.items() if d.startswith(f"{prefix}.mapping.fields.title")
    )
    assert "not a plain column name" in template.message
    assert "pw-in-env" not in str(caught.value)


def test_mapping_and_outbox_exclude_each_other(tmp_path: Path) -> None:
    common = textwrap.dedent(
        """
        url: {env: DIARIUM_DB_URL}
        table: outbox
        id_column: seq
        municipality_code: "2480"
        system: diarium
        """
    )
    with pytest.raises(ConfigError, match=r"connectors\[0\]\.config\.outbox: give a mapping"):
        _load(tmp_path, common)
    with pytest.raises(ConfigError, match="either mapping or outbox, not both"):
        _load(
            tmp_path, common + "mapping: {event: CaseOpened, fields: {caseNumber: nr}}\noutbox: {}"
        )
    with pytest.raises(ConfigError, match="delay_seconds needs a timestamp_column"):
        _load(tmp_path, common + "outbox: {}\ndelay_seconds: 3")
    with pytest.raises(ConfigError, match="not an SQLAlchemy URL"):
        load_config(
            _write(tmp_path, common.replace("{env: DIARIUM_DB_URL}", "{env: BAD}") + "outbox: {}"),
            Registry.discover(),
            {"BAD": "pw-secret-value"},
        )


def _open(catalog: Catalog, mapping: dict[str, Any]) -> None:
    config = SqlPollConfig.model_validate(
        {
            "url": URL,
            "table": "arende",
            "id_column": "id",
            "municipality_code": "2480",
            "system": "diarium",
            "mapping": mapping,
        }
    )
    SqlPollSource(config).open(SourceContext("diarium", catalog=catalog))


UMEA = {
    "municipality.code": {"const": "2480"},
    "municipality.organisationNumber": {"const": "212000-2627"},
}


def test_a_mapping_that_fits_its_event_opens(catalog: Catalog) -> None:
    _open(
        catalog,
        {
            "event": "se.kommun.hub.registry.CaseClosed.v1",
            "fields": {"caseNumber": "nr", **UMEA, "closedAt": "avslutad", "outcome": "utfall"},
        },
    )


def test_unknown_events_and_versions_name_their_config_path(catalog: Catalog) -> None:
    with pytest.raises(FatalError, match=r"config\.mapping\.event: .*no event 'CaseOpend'"):
        _open(catalog, {"event": "CaseOpend", "fields": {"caseNumber": "nr"}})
    with pytest.raises(FatalError, match=r"config\.mapping\.version: .*v7 of CaseOpened"):
        _open(catalog, {"event": "CaseOpened", "version": 7, "fields": {"caseNumber": "nr"}})


def test_every_field_problem_is_named_at_once(catalog: Catalog) -> None:
    with pytest.raises(FatalError) as caught:
        _open(
            catalog,
            {
                "event": "DocumentRegistered",
                "fields": {
                    "caseNumbr": "nr",
                    "municipality.code": {"const": 2480},
                    "municipality.organisationNumber": {"const": "212000-2627"},
                    "municipality.name": {"const": "Umeå"},
                    "documentNumber": {"template": "{lopnr}"},
                    "documentType.x": "typ",
                    "registeredAt": "registrerad",
                    "documentDate": "datum",
                    "status": {"column": "status"},
                    "secrecy": {"const": "HEMLIG"},
                },
            },
        )
    message = str(caught.value)
    assert message.startswith("connector diarium: the configuration does not fit")
    lines = message.splitlines()

    def line(path: str) -> str:
        return next(entry for entry in lines if entry.strip().startswith(path + ":"))

    assert "has no field 'caseNumbr'" in line("config.mapping.fields.caseNumbr")
    assert "caseNumber" in line("config.mapping.fields.caseNumbr")  # the fields it has
    assert "2480 is not a string" in line("config.mapping.fields.municipality.code")
    assert "no field 'name'" in line("config.mapping.fields.municipality.name")
    assert "a template makes text" in line("config.mapping.fields.documentNumber")
    assert "not a record" in line("config.mapping.fields.documentType.x")
    assert "'HEMLIG' is not a symbol of Secrecy" in line("config.mapping.fields.secrecy")
    needs = line("config.mapping.fields")
    assert needs.endswith(
        "DocumentRegistered v1 needs caseNumber, documentType (no default): map them"
    )
    assert "fix:" in lines[-1]


def test_the_catalog_must_be_given(catalog: Catalog) -> None:
    config = SqlPollConfig.model_validate(
        {
            "url": URL,
            "table": "outbox",
            "id_column": "seq",
            "municipality_code": "2480",
            "system": "diarium",
            "outbox": {},
        }
    )
    with pytest.raises(FatalError, match="no catalog"):
        SqlPollSource(config).open(SourceContext("diarium"))
