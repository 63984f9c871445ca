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


def test_certainty_stated_as_judged_to_be_in_quotes_is_read() -> None:
    text = (
        "Main results: There was evidence that education support improved school engagement, with three of four "
        "studies favouring the intervention. The overall certainty of evidence for school engagement was judged "
        "to be 'very low'."
    )
    assert ("error", "certainty_language", "improved") in _found(text)
    text = "Results: We found the certainty of evidence for all outcomes to be low. Repellents reduced malaria."
    assert ("error", "certainty_language", "reduced") in _found(text)


def test_the_hedge_after_that_is_the_one_that_applies() -> None:
    text = (
        "Conclusions: Our findings suggest that repellents probably make little or no difference where other "
        "tools are used. We found the certainty of evidence for all outcomes to be low."
    )
    assert ("warning", "certainty_language", "make little or no difference") in _found(text)
    text = "Conclusions: Our findings suggest that repellents may reduce malaria (low-certainty evidence)."
    assert "certainty_language" not in _kinds(text)


def test_neither_negates_a_comparison() -> None:
    text = (
        "What did we find? Compared with varnish, neither treatment may be better than the other at "
        "preventing new decay (very low-certainty evidence)."
    )
    assert "certainty_language" not in _kinds(text)


def test_a_participle_in_a_list_after_with_is_an_adjective() -> None:
    text = (
        "Conclusions: Overall, AMB is associated with lower incidence of breakthrough pain, reduced LA "
        "consumption, and may improve maternal satisfaction (moderate certainty)."
    )
    assert ("warning", "certainty_language", "reduced") not in _found(text)
    verb = text.replace("may improve", "improves")
    assert ("warning", "certainty_language", "improves") in _found(verb)


def test_can_be_effective_reads_as_moderate_and_how_the_effect_varies_is_no_certainty_claim() -> None:
    moderate = "Conclusions: Audit and feedback can be effective in improving practice (moderate-certainty evidence)."
    assert "certainty_language" not in _kinds(moderate)
    low = moderate.replace("moderate-certainty", "low-certainty")
    assert ("warning", "certainty_language", "can be effective") in _found(low)
    varies = (
        "Results: Feedback probably improves practice (moderate-certainty evidence). It works best when it "
        "shows how clinicians compare with top performers. Repeated delivery was associated with lower effect size."
    )
    assert "certainty_language" not in _kinds(varies)


def test_demonstrated_about_the_evidence_base_is_not_a_certainty_claim() -> None:
    text = (
        "Conclusions: This review has demonstrated the infancy of research in this field. Education support may "
        "improve self-esteem (low-certainty evidence)."
    )
    assert "certainty_language" not in _kinds(text)


def test_one_verb_covering_results_of_different_certainty_is_judged_against_each() -> None:
    text = (
        "Main results: Anti-VEGFs reduce the incidence of retinal breaks (12% versus 31%, RR 0.37, 95% CI 0.24 to "
        "0.59; 12 studies; high-certainty evidence) and the need for silicone oil (19% versus 41%, RR 0.46, 95% CI "
        "0.27 to 0.80; 10 studies; very low-certainty evidence)."
    )
    found = _found(text)
    assert found == [("error", "certainty_language", "and the need for silicone oil")]
    both_high = text.replace("very low-certainty", "high-certainty")
    assert "certainty_language" not in _kinds(both_high)


def test_a_base_form_after_a_plural_noun_is_a_claim_but_not_after_to_or_helps() -> None:
    text = "Conclusions: Statins reduce the risk of stroke (low-certainty evidence)."
    assert ("error", "certainty_language", "reduce") in _found(text)
    for other in (
        "Conclusions: Trials are needed of interventions to reduce the risk of stroke (low-certainty evidence).",
        "Conclusions: Exercise helps reduce the risk of falls, but the evidence is limited (low-certainty evidence).",
    ):
        assert ("error", "certainty_language", "reduce") not in _found(other), other


def test_a_question_claims_nothing() -> None:
    text = "Can repellents prevent malaria where it is common?\nRepellents may reduce malaria (low certainty)."
    assert "certainty_language" not in _kinds(text)


def test_a_rating_at_the_end_of_a_long_sentence_covers_its_first_outcome() -> None:
    source = (
        "Main results: Infliximab is probably superior to placebo in preventing clinical relapse in patients with "
        "mixed levels of disease activity (RR 0.73, 95% CI 0.63 to 0.84; moderate-certainty evidence). We cannot "
        "draw any conclusions on loss of clinical response (RR 0.59, 95% CI 0.37 to 0.96), withdrawals due to "
        "adverse events (RR 0.66, 95% CI 0.37 to 1.19), or serious adverse events (RR 0.60, 95% CI 0.36 to 1.00) "
        "because the evidence is very low certainty."
    )
    text = "Key messages: Infliximab may also be superior to placebo for preventing loss of response in fistulating disease."
    assert ("warning", "certainty_language", "be superior") in _found(text, source)


def test_a_summary_statement_is_judged_against_the_result_in_the_next_sentence() -> None:
    text = (
        "Results: Autoinflation may result in an increased risk of ear pain, but the evidence was very uncertain. "
        "One study identified a risk ratio of 3.50 for otalgia in those who received autoinflation, although "
        "the occurrence of pain was low (95% CI 0.74 to 16.59; 1 study, 320 participants)."
    )
    assert ("warning", "significance_language", "increased") in _found(text)


def test_an_estimate_and_its_ci_written_apart_are_one_result() -> None:
    source = (
        "Results: One study identified a risk ratio of 3.50 for otalgia in those who received autoinflation, "
        "although the occurrence of pain was low (95% CI 0.74 to 16.59; very low-certainty evidence)."
    )
    text = "What did we find? Children who use autoinflation may experience more ear pain than those who do not."
    assert ("warning", "significance_language", "experience more") in _found(text, source)


def test_a_ci_without_a_measure_is_not_judged_when_the_null_decides() -> None:
    text = "Results: Pain was lower with the new drug, but this was not significant (95% CI 0.74 to 16.59)."
    assert "significance_language" not in _kinds(text)
    both = "Results: Pain was lower with the new drug, but this was not significant (95% CI 1.20 to 3.40)."
    assert ("error", "significance_language", "not significant") in _found(both)


def test_no_effect_is_never_shown_even_when_a_like_source_result_is_significant() -> None:
    source = "Results: Repellents may reduce malaria prevalence (OR 0.81, 95% CI 0.67 to 0.97; low-certainty evidence)."
    text = "Key messages: Repellents have no effect on malaria prevalence where bed nets are used."
    assert ("warning", "significance_language", "have no effect") in _found(text, source)


def test_the_source_rating_wins_over_the_summary_s_own_for_the_same_outcome() -> None:
    source = (
        "Main results: Anti-VEGFs reduce the need for silicone oil (RR 0.46, 95% CI 0.27 to 0.80; 10 studies; "
        "very low-certainty evidence)."
    )
    text = (
        "What did we find? Anti-VEGFs may reduce the requirement for silicone oil tamponade.\n"
        "How reliable is the evidence? We are less certain about the effects on silicone oil use (low-certainty evidence)."
    )
    assert ("warning", "certainty_language", "reduce") in _found(text, source)


def test_what_may_have_happened_in_the_studies_is_not_an_effect_claim() -> None:
    source = "Main results: The tests were accurate (very low certainty of evidence)."
    text = "Limitations: This may have resulted in the tests appearing more accurate than they are."
    assert "certainty_language" not in _kinds(text, source)


def test_certainty_per_outcome_in_a_list_applies_line_by_line() -> None:
    text = (
        "Outcomes and certainty:\n- Falls: low certainty\n- Fractures: high certainty\n"
        "Conclusions: Exercise reduces falls."
    )
    assert ("error", "certainty_language", "reduces") in _found(text)
    assert "certainty_language" not in _kinds(text.replace("reduces falls", "reduces fractures"))


def test_grade_symbols_and_labels_are_read() -> None:
    for rating in ("⊕⊕◯◯", "⨁⨁◯◯ LOW", "⊕⊕⊝⊝ low", "GRADE low", "GRADE: low", "low-quality evidence"):
        text = f"Results: Exercise reduces falls (RR 0.80, 95% CI 0.70 to 0.91; {rating})."
        assert ("error", "certainty_language", "reduces") in _found(text), rating


def test_confidence_wording_of_plain_language_summaries_is_a_hedge() -> None:
    source = (
        "Main results: Anti-VEGF probably reduces early bleeding (RR 0.44, 95% CI 0.34 to 0.58; "
        "moderate-certainty evidence)."
    )
    text = "What did we find? We are fairly certain that anti-VEGF injections reduce early bleeding."
    assert "certainty_language" not in _kinds(text, source)
    low = "What did we find? We have little confidence that anti-VEGF injections reduce early bleeding."
    assert "certainty_language" in _kinds(text.replace("fairly certain", "certain"), source)
    assert "certainty_language" not in _kinds(low, source)


def test_a_result_found_by_its_outcome_words_elsewhere_gives_a_warning_not_an_error() -> None:
    here = "Results: Exercise reduced falls (RR 0.80, 95% CI 0.60 to 1.10)."
    assert ("error", "significance_language", "reduced") in _found(here)
    source = "Main results: Exercise may make little or no difference to falls (RR 0.80, 95% CI 0.60 to 1.10)."
    text = "What did we find? Exercise reduced falls in older people."
    assert ("warning", "significance_language", "reduced") in _found(text, source)


def test_a_title_question_in_running_text_does_not_make_the_rest_background() -> None:
    source = (
        "Main results: Infliximab may be equivalent to biosimilar for clinical relapse (RR 1.18, 95% CI 0.82 to "
        "1.69; low-certainty evidence)."
    )
    text = (
        "What are the benefits of infliximab in Crohn's disease? Infliximab is a medicine that helps reduce "
        "inflammation. We wanted to find out if infliximab is effective. We also found that infliximab may be as "
        "effective as a similar medicine called a biosimilar."
    )
    found = _found(text, source)
    assert ("warning", "significance_language", "be as effective as") in found
    assert "certainty_language" not in _kinds(text, source)
    heading = "What are the benefits of infliximab?\nInfliximab is effective against relapse."
    assert "significance_language" not in _kinds(heading, source)


def test_little_or_no_difference_in_all_outcomes_when_one_result_is_significant() -> None:
    source = (
        "Main results: Continuous infusion may result in greater weight loss (MD 0.86 kg, 95% CI 0.44 to 1.28; "
        "low-certainty evidence) and little to no difference in mortality (RR 0.95, 95% CI 0.50 to 1.80)."
    )
    text = "Key messages: Continuous infusion may result in little to no difference in all the outcomes we measured."
    found = _found(text, source)
    assert ("warning", "significance_language", "little to no difference in all the outcomes") in found
    none_significant = source.replace("0.44 to 1.28", "-0.44 to 1.28")
    assert "significance_language" not in _kinds(text, none_significant)


def test_more_ways_of_claiming_a_subgroup_difference_need_a_test() -> None:
    base = "Results: Exercise reduced falls (RR 0.80, 95% CI 0.70 to 0.91). "
    for claim, said in (
        ("The benefit was limited to women.", "was limited to women"),
        ("The effect was more pronounced in women.", "was more pronounced in"),
        ("The effect increased with the number of sessions.", "increased with the number"),
        ("Women benefited more than men.", "benefited more than"),
        ("Higher doses were associated with larger effects.", "associated with larger effects"),
    ):
        assert ("error", "significance_language", said) in _found(base + claim), claim
    tested = base + "The benefit was limited to women (test for subgroup differences P = 0.01)."
    assert "significance_language" not in _kinds(tested)
    for other in ("The results were limited to two studies.", "Pain increased with age in both groups."):
        assert "significance_language" not in _kinds(base + other), other


def test_wording_that_concedes_a_result_is_not_clearly_significant_is_a_warning() -> None:
    assert _found("Results: A showed a trend towards benefit (RR 0.85, 95% CI 0.70 to 1.03).") == [
        ("warning", "significance_language", "trend towards benefit")
    ]
    assert _found("Results: A was marginally significant for pain (P = 0.06).") == [
        ("warning", "significance_language", "significant")
    ]
    assert _found("Results: A reduced pain, approaching significance (P = 0.07).") == [
        ("warning", "significance_language", "reduced")
    ]
    assert _found("Results: A reduced pain (P = 0.07).") == [("error", "significance_language", "reduced")]


def test_an_outcome_said_to_be_lower_with_the_intervention_is_effect_wording() -> None:
    assert _found("Results: Mortality was lower with A (RR 0.85, 95% CI 0.70 to 1.03).") == [
        ("error", "significance_language", "was lower with")
    ]


def test_lay_outcome_names_find_the_source_result() -> None:
    source = (
        "Main results: High flow may make little or no difference to mechanical ventilation (RR 1.04, 95% CI "
        "0.82 to 1.31; moderate-certainty evidence)."
    )
    text = "What did we find? High flow reduced the need for a breathing machine."
    assert ("warning", "significance_language", "reduced") in _found(text, source)


def test_clearly_is_held_to_the_lowest_rating_of_the_outcomes_it_covers() -> None:
    source = (
        "Main results: Anti-VEGF reduced early bleeding (RR 0.44, 95% CI 0.34 to 0.58; moderate-certainty "
        "evidence). Anti-VEGF reduced late bleeding (RR 0.47, 95% CI 0.30 to 0.74; high-certainty evidence)."
    )
    text = "Key messages: Anti-VEGF clearly reduces the risk of early and late bleeding."
    assert ("error", "certainty_language", "clearly") in _found(text, source)
    assert "certainty_language" not in _kinds(text.replace("clearly reduces", "probably reduces"), source)
