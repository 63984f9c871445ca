"""A GRADE level stated in the summary against the source's rating of the same evidence."""

from __future__ import annotations

import pytest

from evisynth.check import check_text

SOURCE = "Exercise may reduce pain compared with usual care (MD -1.2, 95% CI -2.0 to -0.4; low-certainty evidence)."
TWO = ("Exercise probably reduces pain (MD -1.2, 95% CI -2.0 to -0.4; moderate-certainty evidence). "
       "Exercise may reduce falls (RR 0.80, 95% CI 0.66 to 0.97; low-certainty evidence).")


def _declared(result):
    return [f for f in result.findings if f.message.startswith("The summary states")]


@pytest.mark.parametrize("summary", [
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4). The certainty of the evidence was high.",
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4; high-certainty evidence).",
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4; moderate-quality evidence).",
])
def test_an_overstated_level_is_an_error(summary):
    (finding,) = _declared(check_text(summary, source=SOURCE))
    assert finding.severity == "error" and finding.kind == "certainty_language"
    assert "the source states low certainty" in finding.message and "overstated" in finding.message


@pytest.mark.parametrize("summary", [
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4; low-certainty evidence).",
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4; very low-certainty evidence).",  # understated: left
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4). More high-quality studies are needed.",
    "Exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4). The evidence was of low to moderate certainty.",
    "Methods: we rated the certainty of the evidence as high, moderate, low or very low with GRADE. "
    "Results: exercise may reduce pain (MD -1.2, 95% CI -2.0 to -0.4).",
])
def test_what_is_not_an_overstated_rating(summary):
    assert _declared(check_text(summary, source=SOURCE)) == []


def test_each_outcome_against_its_own_rating():
    ok = ("Exercise probably reduces pain (MD -1.2, 95% CI -2.0 to -0.4; moderate-certainty evidence) and may "
          "reduce falls (RR 0.80, 95% CI 0.66 to 0.97; low-certainty evidence).")
    assert _declared(check_text(ok, source=TWO)) == []
    wrong = ("Exercise probably reduces pain (MD -1.2, 95% CI -2.0 to -0.4; moderate-certainty evidence). "
             "Exercise reduces falls (RR 0.80, 95% CI 0.66 to 0.97; high-certainty evidence).")
    (finding,) = _declared(check_text(wrong, source=TWO))
    assert finding.severity == "error" and "low certainty" in finding.message


def test_the_callers_rating_applies_without_a_source():
    summary = "Exercise reduces pain (MD -1.2, 95% CI -2.0 to -0.4); the certainty of the evidence was high."
    (finding,) = _declared(check_text(summary, certainty="moderate"))
    assert "moderate certainty" in finding.message
    assert _declared(check_text(summary, certainty="high")) == []
    assert _declared(check_text(summary)) == []  # nothing to compare with
