"""Garbled numbers in a sentence that reports statistics are reported (kind ``other``)."""

from __future__ import annotations

from evisynth.check import check_text


def _other(text: str) -> list[str]:
    result = check_text(text)
    return [result.text[f.start : f.end] for f in result.findings if f.kind == "other" and f.start is not None]


def test_a_sign_after_the_decimal_point_is_garbled() -> None:
    # Cochrane review CD006913 (psychological treatments for IBD), abstract, as published.
    text = "The results for anxiety were inconclusive (SMD \u20100.09; 95% CI 0.\u201064 to 0.46; 2 trials, 51 patients)."
    assert _other(text) == ["0.\u201064"]


def test_valid_numbers_and_ranges_are_not_garbled() -> None:
    assert _other("Pain fell (MD -0.64, 95% CI -1.2 to -0.1); doses of 0.5-1.0 mg were used.") == []
    assert _other("See section 2.-3 of the protocol.") == []


def test_two_counts_with_one_noun_in_a_result_are_a_slip() -> None:
    text = "Sleep improved (MD 0.40, 95% CI 0.10 to 0.70; 4 trials, 212 trials)."
    assert _other(text) == ["4 trials, 212 trials"]
    assert _other("Sleep improved (MD 0.40, 95% CI 0.10 to 0.70; 4 trials, 212 participants).") == []
    assert _other("We screened 40 studies, 12 studies were included.") == []
