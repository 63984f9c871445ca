"""``evisynth check`` on the command line and the stable JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evisynth.cli.main import main

from .conftest import CORPUS

CLAIM_KEYS = [
    "start",
    "end",
    "text",
    "measure",
    "estimate",
    "ci_level",
    "ci_lower",
    "ci_upper",
    "p_value",
    "p_relation",
    "n_studies",
    "n_participants",
]
FINDING_KEYS = ["severity", "kind", "start", "end", "message", "claim"]


def test_clean_summary_exits_0_and_lists_claims(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(CORPUS / "rtms_clean.md"), "--against", str(CORPUS / "rtms_summary.json")])
    out = capsys.readouterr().out
    assert status == 0
    assert "6 claims; 0 errors, 0 warnings" in out
    assert '2. ok       "MD = -0.23, 95% CI -0.43 to -0.02, P = 0.03"' in out
    assert out.rstrip().endswith("Result: no errors")


def test_errors_exit_1_and_json_follows_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "s.txt"
    summary.write_text("rTMS significantly improved ADL (SMD = 0.31, 95% CI -0.06 to 0.67, P = 0.01).\n")
    out_json = tmp_path / "out.json"
    status = main(["check", str(summary), "--json", str(out_json)])
    report = capsys.readouterr().out
    assert status == 1
    assert "error (p_ci_mismatch)" in report and "error (significance_language)" in report
    data = json.loads(out_json.read_text())
    assert list(data) == ["claims", "findings"]
    claim = data["claims"][0]
    assert list(claim)[: len(CLAIM_KEYS)] == CLAIM_KEYS
    assert claim["measure"] == "SMD" and claim["ci_level"] == 0.95 and claim["p_relation"] == "="
    assert claim["n_studies"] is None and claim["verdict"] == "error"
    assert isinstance(claim["estimate"], float)
    for finding in data["findings"]:
        assert list(finding) == FINDING_KEYS
        assert finding["severity"] in ("error", "warning") and finding["claim"] == 0
    assert {f["kind"] for f in data["findings"]} == {"p_ci_mismatch", "significance_language"}


def test_json_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "s.html"
    summary.write_text("<p>MD &minus;0.<b>23</b> (95% CI &minus;0.43 to &minus;0.02)</p>")
    assert main(["check", str(summary), "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    claim = data["claims"][0]
    assert (claim["start"], claim["end"], claim["text"]) == (1, 33, "MD −0.23 (95% CI −0.43 to −0.02)")
    assert data["findings"] == []


def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err and "Traceback" not in err
    good = tmp_path / "s.txt"
    good.write_text("P = 0.03")
    bad_json = tmp_path / "src.json"
    bad_json.write_text("{not json")
    assert main(["check", str(good), "--against", str(bad_json)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["check", str(good), "--certainty", "medium"]) == 2
    assert main(["check", str(tmp_path)]) == 2


def test_import_evisynth_does_not_load_the_checker() -> None:
    code = (
        "import sys, evisynth, evisynth.report; "
        "print(any(m == 'evisynth.check' or m.startswith('evisynth.check.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )
    assert out.stdout.strip() == "False"


def test_python_api_result_is_frozen_and_serialisable() -> None:
    from dataclasses import FrozenInstanceError

    from evisynth.check import check_text

    result = check_text("MD = -0.23, 95% CI -0.43 to -0.02, P = 0.30")
    with pytest.raises(FrozenInstanceError):
        result.claims[0].estimate = 1.0  # type: ignore[misc]
    assert not result.ok and result.verdict(0) == "error"
    assert json.loads(json.dumps(result.to_dict()))["findings"][0]["kind"] == "p_ci_mismatch"
