"""Words against numbers: significance, "no effect", comparisons, direction and certainty."""

from __future__ import annotations

import pytest

from evisynth.check import check_text
from evisynth.errors import InputError


def _found(text: str, certainty=None) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    result = check_text(text, certainty=certainty)
    return [(f.severity, f.kind, result.text[f.start : f.end]) for f in result.findings]


def test_significant_said_of_a_ci_that_includes_no_effect() -> None:
    found = _found("rTMS significantly improved ADL (SMD 0.31, 95% CI -0.06 to 0.67, P = 0.10).")
    assert ("error", "significance_language", "significantly") in found
    assert ("error", "significance_language", "improved") in found


def test_negated_and_hedged_wording_is_fine_or_softer() -> None:
    assert _found("rTMS did not significantly improve ADL (SMD 0.31, 95% CI -0.06 to 0.67).") == []
    assert _found("A reduction that was not statistically significant (MD -0.2, 95% CI -0.5 to 0.1).") == []
    assert _found("There was little or no difference (RR 1.05, 95% CI 0.88 to 1.25).") == []
    assert _found("rTMS may improve ADL (SMD 0.31, 95% CI -0.06 to 0.67).") == [
        ("warning", "significance_language", "improve")
    ]


def test_wording_attaches_to_the_claim_in_its_own_clause() -> None:
    text = (
        "rTMS reduced spasticity (MD -0.23, 95% CI -0.43 to -0.02) but not ADL "
        "(SMD 0.31, 95% CI -0.06 to 0.67)."
    )
    assert _found(text) == []


def test_no_effect_for_non_significant_and_not_significant_for_significant() -> None:
    assert _found("rTMS had no effect on ADL (SMD 0.31, 95% CI -0.06 to 0.67).") == [
        ("error", "significance_language", "had no effect")
    ]
    assert _found("There was no difference in ADL (SMD 0.31, 95% CI -0.06 to 0.67).") == [
        ("warning", "significance_language", "no difference")
    ]
    assert _found("The difference was not significant (MD 4.2, 95% CI 1.1 to 7.3).") == [
        ("error", "significance_language", "not significant")
    ]


def test_direction_word_against_the_ci() -> None:
    found = _found("The drug reduced the risk of bleeding (RR 1.40, 95% CI 1.10 to 1.80).")
    assert found == [("warning", "direction_mismatch", "reduced")]


def test_incommensurable_and_subgroup_comparisons() -> None:
    mixed = (
        "Motor function improved (MD 2.46, 95% CI 1.54 to 3.38). The effect on ADL was even greater "
        "(SMD 0.61, 95% CI 0.26 to 0.97)."
    )
    assert _found(mixed) == [("error", "incommensurable_comparison", "even greater")]
    sub = (
        "The benefit was larger in women (RR 0.70, 95% CI 0.58 to 0.85) than in men "
        "(RR 0.90, 95% CI 0.78 to 0.99)."
    )
    assert _found(sub) == [("warning", "incommensurable_comparison", "larger in")]
    tested = sub + " The test for subgroup differences gave P = 0.04."
    assert _found(tested) == []


@pytest.mark.parametrize(
    ("text", "certainty", "expected"),
    [
        ("rTMS clearly reduces spasticity.", "moderate", [("error", "certainty_language", "clearly")]),
        ("rTMS reduces spasticity.", "moderate", [("warning", "certainty_language", "reduces")]),
        ("rTMS reduces spasticity.", "low", [("error", "certainty_language", "reduces")]),
        ("rTMS probably reduces spasticity.", "moderate", []),
        ("rTMS may reduce spasticity.", "low", []),
        ("rTMS may reduce spasticity.", "very low", [("warning", "certainty_language", "reduce")]),
        ("We are uncertain whether rTMS reduces spasticity.", "very low", []),
        ("rTMS reduces spasticity.", "high", []),
        ("rTMS clearly reduces spasticity.", None, []),
        (
            "rTMS reduces spasticity (low-certainty evidence).",
            None,
            [("error", "certainty_language", "reduces")],
        ),
    ],
)
def test_certainty_wording(text: str, certainty: str | None, expected: list) -> None:
    assert _found(text, certainty) == expected


def test_certainty_by_outcome_name() -> None:
    text = "rTMS reduces spasticity. rTMS improves motor function."
    found = _found(text, {"spasticity": "high", "motor function": "low"})
    assert found == [("error", "certainty_language", "improves")]


def test_bad_certainty_is_refused() -> None:
    with pytest.raises(InputError, match="certainty"):
        check_text("text", certainty="medium")


def test_background_and_methods_are_not_held_to_the_certainty() -> None:
    text = (
        "Background: Spasticity increases the risk of falls. Methods: We searched databases. "
        "Results: rTMS reduces spasticity (MD -0.23, 95% CI -0.43 to -0.02). "
        "Conclusions: rTMS reduces spasticity."
    )
    found = _found(text, "low")
    assert found == [("error", "certainty_language", "reduces")] * 2


@pytest.mark.parametrize(
    "text",
    [
        # the rTMS review's unaffected-hemisphere result: the upper limit rounds to the null
        "Stimulating the unaffected hemisphere was effective (SMD = -0.19, 95% CI -0.37 to -0.00, P = 0.05).",
        "The intervention reduced pain (MD -0.20, 95% CI -0.40 to 0.00, P = 0.05).",
    ],
)
def test_borderline_results_are_not_called_significance_errors(text):
    kinds = [f.kind for f in check_text(text).findings if f.severity == "error"]
    assert "significance_language" not in kinds


def test_significance_word_still_an_error_when_the_ci_clearly_includes_no_effect():
    res = check_text("Activities of daily living were significantly improved (SMD = 0.31, 95% CI -0.06 to 0.67, P = 0.10).")
    assert [f.kind for f in res.findings if f.severity == "error"].count("significance_language") == 2
