"""Language judged against numbers and certainty (issue #16, round 4).

Each test holds sentences written the way Cochrane abstracts and plain-language summaries
write them (constructed here, not read from the corpus), one general behaviour per test.
"""

from __future__ import annotations

from evisynth.check import check_text


def _found(text: str, source: str | None = None) -> list[tuple[str, str, str]]:
    result = check_text(text, source)
    return [(f.severity, f.kind, result.text[f.start : f.end]) for f in result.findings if f.start is not None]


def _kinds(text: str, source: str | None = None) -> set[str]:
    return {kind for _s, kind, _q in _found(text, source)}


def test_a_count_of_studies_reporting_no_difference_is_not_the_review_s_finding() -> None:
    text = (
        "Results: Results reported in the studies suggest the drug may increase satisfaction (eight studies "
        "reported increased satisfaction and six reported no difference)."
    )
    assert "significance_language" not in _kinds(text)


def test_no_difference_in_a_sentence_about_one_study_is_not_flagged() -> None:
    text = (
        "Results: One study reported higher daily fluid balance in the infusion group, whereas there was "
        "no difference in fluid balance beyond this time point."
    )
    assert "significance_language" not in _kinds(text)


def test_no_difference_in_results_that_were_not_pooled_is_not_flagged() -> None:
    text = (
        "Results: There was no difference in pain scores between the groups; however, data were reported "
        "as medians and IQRs."
    )
    assert "significance_language" not in _kinds(text)
    pooled = "Results: There was no difference in pain scores between sucrose and water."
    assert _found(pooled) == [("warning", "significance_language", "no difference")]


def test_similar_is_not_flagged_where_differences_are_judged_against_a_clinical_threshold() -> None:
    text = (
        "What did we find? Block A is slightly more effective than block B, but this difference is not clinically "
        "meaningful. Block C and block B may be similarly effective."
    )
    assert "significance_language" not in _kinds(text)
    without = "What did we find? Block C and block B may be similarly effective."
    assert _found(without) == [("warning", "significance_language", "similarly effective")]


def test_similar_effects_across_subgroups_is_left_to_the_moderator_rules() -> None:
    text = (
        "Results: Feedback increased desired practice (OR 1.47, 95% CI 1.31 to 1.64). Effects were similar "
        "for pre-planned subgroup analyses of prescribing."
    )
    assert ("warning", "significance_language", "were similar") not in _found(text)


def test_an_effect_word_does_not_reach_past_the_next_effect_word() -> None:
    text = (
        "Results: High flow likely reduced pneumothorax (RR 0.66, 95% CI 0.40 to 1.08) and nasal trauma "
        "(RR 0.49, 95% CI 0.36 to 0.68).\n"
        "Conclusions: High flow likely results in less nasal trauma and likely a reduction in pneumothorax."
    )
    found = _found(text)
    assert ("warning", "significance_language", "results in less") not in found
    assert ("warning", "significance_language", "reduction") in found


def test_how_an_outcome_was_measured_does_not_tie_it_to_another_outcome() -> None:
    text = (
        "Results: One study measured transition back to school and found a positive impact "
        "(SMD 0.18, 95% CI -0.46 to 0.96).\n"
        "Conclusions: Education support may slightly improve mental health, measured as self-esteem."
    )
    assert ("warning", "significance_language", "improve") not in _found(text)
