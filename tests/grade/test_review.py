"""The review file and the risk-of-bias CSV: loading and error messages that name key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from evisynth.errors import InputError
from evisynth.grade.rob import read_rob
from evisynth.review.file import load_review, parse_review

from .helpers import DATA

GOOD = (DATA / "review.toml").read_text(encoding="utf-8")


def parse(text: str):
    return parse_review(text, DATA / "review.toml")


def test_fixture_loads():
    r = load_review(DATA / "review.toml")
    assert r.title == "Exercise for people after stroke"
    assert [o.name for o in r.outcomes] == ["Death", "Pain"]
    death = r.outcomes[0]
    assert death.measure == "RR" and death.analysis.method == "MH" and death.subgroups == ("risk",)
    assert death.prior is not None and death.prior.estimate == 0.8 and death.prior.studies == 8
    assert death.data == (DATA / "mortality.csv").resolve()
    assert r.risk_of_bias == (DATA / "rob.csv").resolve()
    assert death.line == 10


def test_missing_required_key_names_key_and_line():
    with pytest.raises(InputError, match=r"line 1: review.title: is required"):
        parse(GOOD.replace('title = "Exercise for people after stroke"\n', ""))


def test_unknown_key_names_key_and_line():
    text = GOOD.replace('follow_up = "12 months"', 'follow_up = "12 months"\nfolow_up = "x"')
    with pytest.raises(InputError, match=r"line 18: folow_up: unknown key in outcomes\[1\]"):
        parse(text)


def test_bad_measure():
    with pytest.raises(InputError, match=r"line 13: outcomes\[1\].measure: must be one of MD, SMD"):
        parse(GOOD.replace('measure = "RR"', 'measure = "HR"'))


def test_missing_data_file():
    with pytest.raises(InputError, match=r"line 29: outcomes\[2\].data: data file not found: nope.csv"):
        parse(GOOD.replace('data = "pain.csv"', 'data = "nope.csv"'))


def test_bad_assumed_control_risk_and_importance():
    with pytest.raises(InputError, match="assumed_control_risk: must be a proportion"):
        parse(GOOD.replace('importance = "important"', 'importance = "important"\nassumed_control_risk = 12'))
    with pytest.raises(InputError, match=r"importance: must be one of critical, important, limited"):
        parse(GOOD.replace('importance = "important"', 'importance = "vital"'))


def test_numeric_importance_maps_to_category():
    r = parse(GOOD.replace('importance = "important"', "importance = 5"))
    assert r.outcomes[1].importance == "important"


def test_override_needs_reason_and_known_judgement():
    base = GOOD + '\n[outcomes.grade]\n'
    r = parse(base + 'indirectness = { judgement = "serious", reason = "older people only" }\n')
    assert r.outcomes[1].overrides["indirectness"].levels == -1
    with pytest.raises(InputError, match=r"line 37: outcomes\[2\].grade.indirectness: needs a reason"):
        parse(base + 'indirectness = { judgement = "serious" }\n')
    with pytest.raises(InputError, match="judgement must be one of 'not serious', 'serious'"):
        parse(base + 'indirectness = { judgement = "bad", reason = "x" }\n')
    with pytest.raises(InputError, match="unknown GRADE domain"):
        parse(base + 'precision = { judgement = "serious", reason = "x" }\n')


def test_thresholds_table_validated():
    r = parse("[thresholds]\ni2_serious = 40\n" + GOOD)
    assert r.thresholds.i2_serious == 40.0
    with pytest.raises(InputError, match=r"line 2: \[thresholds\]: unknown threshold 'i2'"):
        parse("[thresholds]\ni2 = 40\n" + GOOD)
    with pytest.raises(InputError, match="pb_p must be a fraction"):
        parse("[thresholds]\npb_p = 5\n" + GOOD)


def test_toml_syntax_error_reports_position():
    with pytest.raises(InputError, match=r"not valid TOML: .*line 2"):
        parse('[review]\ntitle = "unclosed\n')


def test_prior_checks_interval():
    with pytest.raises(InputError, match="ci_lower <= estimate <= ci_upper"):
        parse(GOOD.replace("ci_lower = 0.65", "ci_lower = 0.85"))


def test_duplicate_outcome_names():
    with pytest.raises(InputError, match="outcome names must be unique"):
        parse(GOOD.replace('name = "Pain"', 'name = "Death"'))


def test_missing_review_file():
    with pytest.raises(InputError, match="review file not found"):
        load_review(DATA / "missing.toml")


# ---------------------------------------------------------------------------------------------------- RoB
def test_read_rob_and_derive_overall(tmp_path: Path):
    p = tmp_path / "rob.csv"
    p.write_text("Study,Outcome,D1,D2,D3,D4,D5,Overall\n"
                 "A,,Low,low,l,+,low,\n"
                 "B,,Low,Some concerns,low,low,low,\n"
                 "C,,low,low,High,low,low,\n"
                 "C,Pain,low,low,low,low,low,Low\n", encoding="utf-8")
    t = read_rob(p)
    general = t.for_outcome("Death")
    assert {k: v.overall for k, v in general.items()} == {"A": "low", "B": "some concerns", "C": "high"}
    assert general["A"].derived
    assert t.for_outcome("pain")["C"].overall == "low"


def test_rob_errors_name_row_and_column(tmp_path: Path):
    p = tmp_path / "rob.csv"
    p.write_text("study,overall\nA,low\nB,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rob.csv, row 2 \(line 3\), column 'overall': unknown judgement 'maybe'"):
        read_rob(p)
    p.write_text("name,overall\nA,low\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a 'study' column"):
        read_rob(p)
