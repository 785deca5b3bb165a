"""``hub routes test``: a municipality tests its routes offline, in its own CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HUB_YAML = """
routes:
  - name: fees-to-finance
    from: {domains: [permit], types: [PermitGranted]}
    filter: 'data.municipality.code == "2480" and data.fee.amountOre > 0'
    transform:
      caseNumber: data.caseNumber
      amountOre: data.fee.amountOre
      text: {template: "Bygglovsavgift {data.caseNumber}"}
      kind: {const: permit-fee}
      property: data.propertyDesignation
    sink: {type: http, config: {url: "http://ekonomi.kommun.local/invoices"}}
"""

EVENT = """
    type: PermitGranted
    source: /kommun/2480/bygglov
    data:
      caseNumber: BN 2026-000123
      municipality: {code: "2480", organisationNumber: 212000-2627}
      decidedOn: "2026-11-20"
      permitType: BUILDING_PERMIT
      decisionReference: BN § 412/2026
      decidedBy: DELEGATE
      propertyDesignation: Umeå Tegel 7:12
      measure: Nybyggnad av enbostadshus
      fee: {amountOre: %d, currency: SEK}
      technicalConsultationRequired: true
"""


def _run(tmp_path: Path, cases: dict[str, str]) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "hub.yaml"
    config.write_text(HUB_YAML)
    folder = tmp_path / "cases"
    folder.mkdir()
    for name, text in cases.items():
        (folder / name).write_text(text)
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "routes", "test", str(config), str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _case(name: str, fee: int, expect: str) -> str:
    return f"name: {name}\nroute: fees-to-finance\nevent:{EVENT % fee}expect:\n{expect}"


PAYLOAD = """  delivered: true
  payload:
    caseNumber: BN 2026-000123
    amountOre: 1250000
    text: Bygglovsavgift BN 2026-000123
    kind: permit-fee
    property: '***'
"""


def test_passing_cases(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        {
            "fee.yaml": _case("a fee goes to finance, property masked", 1250000, PAYLOAD),
            "free.yaml": _case("no fee, nothing to invoice", 0, "  delivered: false\n"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 0 failed" in result.stdout


def test_a_wrong_expectation_fails_and_says_where(tmp_path: Path) -> None:
    wrong = PAYLOAD.replace("amountOre: 1250000", "amountOre: 999")
    result = _run(tmp_path, {"fee.yaml": _case("wrong amount", 1250000, wrong)})
    assert result.returncode == 1
    assert "FAIL wrong amount" in result.stdout
    assert "payload.amountOre: expected 999, got 1250000" in result.stdout


def test_an_invalid_sample_event_is_reported(tmp_path: Path) -> None:
    broken = _case("bad sample", 100, "  delivered: true\n").replace(
        'decidedOn: "2026-11-20"', "decidedOn: yesterday"
    )
    result = _run(tmp_path, {"bad.yaml": broken})
    assert result.returncode == 1
    assert "the sample event is invalid" in result.stdout
    assert "decidedOn" in result.stdout


def test_a_filter_on_a_missing_field_is_refused_at_load(tmp_path: Path) -> None:
    config = tmp_path / "hub.yaml"
    config.write_text(HUB_YAML.replace("data.fee.amountOre > 0", "data.feeAmount > 0"))
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "validate", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "routes[0].filter" in result.stderr
    assert "fees-to-finance" in result.stderr or "data.feeAmount" in result.stderr
    assert "feeAmount" in result.stderr
