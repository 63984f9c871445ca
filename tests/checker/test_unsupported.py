"""Statements about the evidence base that the source does not support: small studies, no studies found."""

from __future__ import annotations

from evisynth.check import check_text

#: Cochrane review CD000259 (audit and feedback), abstract: many studies, no participant count,
#: moderate-certainty evidence, no word about small studies or imprecision.
AUDIT_SOURCE = (
    "We included 292 studies with 678 arms; 133 (46%) had a low risk of bias. Meta-analyses of these studies, "
    "weighting by effective sample size accounting for clustering, found a mean absolute increase in desired "
    "practice of 6.2% (95% confidence interval (CI) 4.1 to 8.2; moderate-certainty evidence) and an OR of 1.47 "
    "(95% CI 1.31 to 1.64; moderate-certainty evidence)."
)
#: Cochrane review CD015536 (entecavir for chronic hepatitis B), authors' conclusions.
ENTECAVIR_SOURCE = (
    "Given the issues of risk of bias and insufficient power of the included trials and the very low certainty of "
    "the available evidence, we could not determine the effect of entecavir versus no treatment or placebo on "
    "critical outcomes such as all-cause mortality and serious adverse events. There is a lack of data on "
    "health-related quality of life."
)


def _unsupported(summary: str, source: str) -> list[tuple[str, str]]:
    result = check_text(summary, source)
    return [
        (f.severity, result.text[f.start : f.end])
        for f in result.findings
        if f.kind == "not_in_source" and f.start is not None
    ]


def test_very_small_studies_against_many_moderate_certainty_studies() -> None:
    summary = (
        "We have little confidence in the evidence because it is possible that people in the studies were aware of "
        "which treatment they were getting, and because the studies were very small."
    )
    assert _unsupported(summary, AUDIT_SOURCE) == [("warning", "the studies were very small")]


def test_small_studies_are_supported_by_imprecision_or_low_certainty() -> None:
    summary = "The studies were very small."
    assert _unsupported(summary, AUDIT_SOURCE.replace("moderate-certainty", "low-certainty")) == []
    assert _unsupported(summary, AUDIT_SOURCE + " We downgraded for imprecision.") == []


def test_no_studies_of_the_comparison_when_the_source_included_trials() -> None:
    summary = "We found no studies that compared entecavir to no treatment or placebo in adults with chronic hepatitis B."
    found = _unsupported(summary, ENTECAVIR_SOURCE)
    assert [severity for severity, _span in found] == ["error"]
    assert found[0][1].startswith("We found no studies that compared entecavir")


def test_no_studies_for_one_outcome_is_not_this_claim() -> None:
    summary = "No studies looked at health-related quality of life. No trials measured cardiovascular mortality."
    assert _unsupported(summary, ENTECAVIR_SOURCE) == []
    assert _unsupported("We found no studies that reported quality of life.", ENTECAVIR_SOURCE) == []


def test_no_studies_repeated_from_the_source_is_supported() -> None:
    # CD006405 (nasal high flow in preterm infants) says this of one comparison itself.
    source = "We included 13 studies (2540 infants). We found no studies examining this comparison."
    assert _unsupported("We found no studies comparing high flow with CPAP for weaning.", source) == []


def test_no_studies_is_left_alone_when_the_source_says_none_compared() -> None:
    source = "We included 3 studies (240 participants) of acupuncture, but none compared acupuncture with massage."
    assert _unsupported("We found no studies that compared acupuncture with massage.", source) == []


def test_a_source_with_no_studies_of_one_outcome_still_contradicts_no_studies_at_all() -> None:
    source = ENTECAVIR_SOURCE + " We included 22 trials (2940 participants). No trials reported quality of life."
    found = _unsupported("We found no studies that compared entecavir with placebo.", source)
    assert [severity for severity, _span in found] == ["error"]
