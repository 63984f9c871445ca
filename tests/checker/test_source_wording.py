"""A dropped hedge: the source words a finding "may improve X" (GRADE: low certainty) or "probably
reduces X" (moderate) and the summary drops or strengthens it (issue #16, "a dropped qualifier")."""

from __future__ import annotations

from evisynth.check import check_text

SOURCE = ("Background: Community workers may improve access to care. "
          "Main results: Using community workers may improve the mental health of adults and children. "
          "Vitamin D probably reduces the risk of falls in older people.")


def _certainty(summary: str) -> list[tuple[str, str]]:
    result = check_text(summary, SOURCE)
    return [(f.severity, result.text[f.start:f.end]) for f in result.findings if f.kind == "certainty_language"]


def test_dropped_may_is_an_error_naming_the_source_wording() -> None:
    summary = "Using community workers improves the mental health of adults and children."
    result = check_text(summary, SOURCE)
    (f,) = [f for f in result.findings if f.kind == "certainty_language"]
    assert (f.severity, result.text[f.start:f.end]) == ("error", "improves")
    assert "'may improve the mental health of adults and children'" in f.message and "low certainty" in f.message


def test_probably_to_plain_verb_is_a_warning_and_to_clearly_an_error() -> None:
    assert _certainty("Vitamin D reduces the risk of falls in older people.") == [("warning", "reduces")]
    assert ("error", "clearly") in _certainty("Vitamin D clearly reduces the risk of falls in older people.")


def test_the_same_hedge_or_another_finding_is_not_flagged() -> None:
    assert _certainty("Using community workers may improve the mental health of adults.") == []
    assert _certainty("Vitamin D probably reduces the risk of falls.") == []
    assert _certainty("Exercise improves sleep quality in adults.") == []   # no hedged source statement about it


def test_hedges_in_the_source_background_do_not_rate_findings() -> None:
    assert _certainty("Community workers improve access to care.") == []
