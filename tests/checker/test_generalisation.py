"""Rules that generalise beyond the development texts (issue #16, second round).

Each test is a constructed text (not copied from the corpus) for one general behaviour:
outcome matching that ignores the intervention's name, clauses not cut inside brackets, flat
"no difference" wording without a located result, certainty read as written ("very-low"),
plain-language result statements, approximate and per-arm counts, NNT intervals.
"""

from __future__ import annotations

from evisynth.check import check_text


def _found(text: str, source: str | None = None) -> list[tuple[str, str, str]]:
    result = check_text(text, source)
    return [(f.severity, f.kind, result.text[f.start : f.end]) for f in result.findings if f.start is not None]


def _kinds(text: str, source: str | None = None) -> set[str]:
    return {kind for _s, kind, _q in _found(text, source)}


def test_intervention_name_does_not_tie_an_effect_word_to_another_outcome() -> None:
    text = (
        "Results: Phototherapy made little or no difference to bilirubin decline (MD -0.09, 95% CI -0.21 to 0.03). "
        "Phototherapy was given in 10 studies. Phototherapy was continuous in five. "
        "Conclusions: Intermittent phototherapy is associated with a decrease in hours of exposure."
    )
    assert ("error", "significance_language", "decrease") not in _found(text)


def test_semicolon_inside_brackets_does_not_cut_the_clause() -> None:
    text = (
        "Results: Rehabilitation likely improved quality of life (lower scores are better; "
        "MD -7.39 points, 95% CI -10.30 to -4.77; 21 trials; moderate-certainty evidence)."
    )
    assert "significance_language" not in _kinds(text)


def test_flat_no_difference_without_a_located_result_is_a_warning() -> None:
    text = "What did we find?\nThere was no difference in the benefits of home and centre programmes."
    found = _found(text)
    assert [(s, k) for s, k, _q in found] == [("warning", "significance_language")]
    assert found[0][2] == "no difference"
    message = check_text(text).findings[0].message
    assert "no difference in the benefits of home and centre programmes" in message


def test_no_difference_that_is_not_asserted_is_not_flagged() -> None:
    for text in (
        "Results: One study reported no difference between the groups.",
        "Conclusions: Trials are needed before it can be concluded that A and B are equally effective.",
        "Conclusions: Concealment is needed so that the groups are similar.",
    ):
        assert _found(text) == [], text


def test_very_low_with_a_hyphen_is_very_low() -> None:
    text = (
        "Results: We found that exercise improves quality of life, but the evidence is very uncertain "
        "(SMD -0.52, 95% CI -0.70 to -0.34; very-low certainty evidence)."
    )
    found = _found(text)
    assert ("warning", "certainty_language", "improves") in found
    hedged = text.replace("exercise improves", "exercise may improve")
    assert "certainty_language" not in _kinds(hedged)


def test_plain_language_result_stated_as_fact_under_low_certainty() -> None:
    source = "Drug X may reduce symptoms (SMD -0.4, 95% CI -0.7 to -0.1; low-certainty evidence)."
    summary = "What did we find?\nWomen taking drug X had less severe symptoms than those taking placebo."
    assert ("error", "certainty_language", "had less") in _found(summary, source)
    hedged = "What did we find?\nWomen taking drug X may have had less severe symptoms than those taking placebo."
    assert "certainty_language" not in _kinds(hedged, source)


def test_highest_stated_rating_bounds_an_outcome_without_its_own() -> None:
    source = (
        "Drug X probably reduces pain (moderate-certainty evidence). "
        "Drug X may reduce nausea (low-certainty evidence)."
    )
    summary = "Key messages\nDrug X clearly reduces sleep problems."
    assert ("error", "certainty_language", "clearly") in _found(summary, source)


def test_words_about_our_confidence_are_not_effect_claims() -> None:
    source = "Drug X may reduce pain (low-certainty evidence). Drug X probably reduces nausea (moderate-certainty evidence)."
    summary = "What are the limitations?\nThe assessors knew the groups. This decreases our confidence in the results."
    assert "certainty_language" not in _kinds(summary, source)


def test_approximate_counts_match_the_source_count_they_describe() -> None:
    source = "We included 60 trials (8728 participants). Exercise reduced admissions (RR 0.69, 95% CI 0.56 to 0.86)."
    assert "count_mismatch" not in _kinds("We found 60 studies that included over 8,700 people.", source)
    assert "count_mismatch" in _kinds("We found 60 studies that included over 9,500 people.", source)


def test_arm_counts_adding_up_to_the_source_total_are_not_mismatches() -> None:
    source = "We included one RCT with 28 participants. Surgery improved symptoms (MD 5.0, 95% CI 1.0 to 9.0)."
    summary = "Main results\nWe found one study which compared irrigation in 14 adults to surgery in another 14 adults."
    assert "count_mismatch" not in _kinds(summary, source)


def test_nnt_interval_is_not_expected_to_be_symmetric() -> None:
    text = "Results: Fewer injuries (RD -0.04, 95% CI -0.07 to -0.01; NNTB 25, 95% CI 14 to 100)."
    assert "estimate_outside_ci" not in _kinds(text)


def test_result_outside_its_own_ci_is_not_judged_for_significance_words() -> None:
    text = "Results: There was little or no difference in failure (RD 0.03, 95% CI 0.08 to 0.15)."
    found = _found(text)
    assert ("error", "estimate_outside_ci", "RD 0.03, 95% CI 0.08 to 0.15") in found or any(
        k == "estimate_outside_ci" for _s, k, _q in found
    )
    assert "significance_language" not in {k for _s, k, _q in found}


def test_smd_re_expressed_on_the_original_scale_is_not_an_smd() -> None:
    result = check_text("Results: The SMD of the short-term result translates back to 4.6 points on the scale.")
    assert [c.estimate for c in result.claims if c.measure == "SMD"] == []
    assert not [f for f in result.findings if f.kind == "implausible_value"]


def test_small_studies_claim_against_a_large_evidence_base() -> None:
    source = "We included 68 studies (43,327 participants). NRT helped (RR 1.20, 95% CI 1.10 to 1.30)."
    found = _found("Limitations: the evidence is limited because the studies were very small.", source)
    assert [(s, k) for s, k, _q in found] == [("warning", "not_in_source")]
    stated = source + " Most studies were small."
    assert _found("Limitations: the studies were very small.", stated) == []
    few = "We included 17 studies (1897 participants). Feeding helped (MD -1.6, 95% CI -2.3 to -0.9)."
    assert _found("Limitations: only a few small studies were done.", few) == []


def test_outcome_synonyms_tie_lay_words_to_the_source_outcome() -> None:
    source = (
        "Main results: Drug X made little or no difference to all-cause mortality (RR 0.95, 95% CI 0.80 to 1.12; "
        "moderate-certainty evidence). Drug X probably reduces pain (MD -1.2, 95% CI -2.0 to -0.4; "
        "moderate-certainty evidence)."
    )
    found = _found("Key messages\nDrug X reduced deaths.", source)
    # a warning: the result was found in the source by its outcome's words (see language.py)
    assert ("warning", "significance_language", "reduced") in found


def test_table_cells_under_a_measure_header_and_row_scoped_wording() -> None:
    text = (
        "Outcome | Odds Ratio (95% CI) | Significance |\n"
        "---|---|---|\n"
        "All ages | 0.98 (0.87 to 1.12) | Not significant |\n"
        "Age <60 years | 0.61 (0.39 to 0.95) | |\n"
    )
    result = check_text(text)
    assert [(c.measure, c.estimate, c.ci_lower, c.ci_upper) for c in result.claims] == [
        ("OR", 0.98, 0.87, 1.12),
        ("OR", 0.61, 0.39, 0.95),
    ]
    assert [f for f in result.findings if f.kind == "significance_language"] == []


def test_ci_level_announced_before_the_numbers() -> None:
    for text, measure in (
        ("The RR (95% CI) was 0.84 (0.71 to 0.99).", "RR"),
        ("Odds ratio (95% CI): 0.61 (0.39 to 0.95)", "OR"),
    ):
        claims = check_text(text).claims
        assert [(c.measure, c.estimate, c.ci_lower, c.ci_upper, c.ci_level) for c in claims] == [
            (measure, claims[0].estimate, claims[0].ci_lower, claims[0].ci_upper, 0.95)
        ], text
        assert claims[0].estimate in (0.84, 0.61) and claims[0].ci_upper in (0.99, 0.95)


def test_a_rating_only_bounded_by_the_highest_stated_one_gives_a_warning_not_an_error() -> None:
    """Wording two steps too strong for the ceiling of the source's ratings is a prompt (warning):
    the claim's own outcome has no rating, so which rating applies is a guess."""
    source = (
        "Drug X may reduce pain (low-certainty evidence). "
        "We are uncertain whether drug X reduces nausea (very low-certainty evidence)."
    )
    summary = "Key messages\nDrug X reduces sleep problems."
    assert ("warning", "certainty_language", "reduces") in _found(summary, source)
    assert ("error", "certainty_language", "reduces") not in _found(summary, source)
    own = "Key messages\nDrug X reduces pain."  # its own outcome, rated low: two steps, an error
    assert ("error", "certainty_language", "reduces") in _found(own, source)
