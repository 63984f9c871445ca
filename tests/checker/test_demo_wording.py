"""Wording evisynth's own summaries use that the checker must not flag (found on the demo's
summary in the web app's Certainty & summary page), next to the claims it must still flag."""

from __future__ import annotations

from evisynth.check import check_text

TAKEAWAY = ("Key takeaway: Repetitive transcranial magnetic stimulation (rTMS) probably reduces spasticity slightly "
            "compared with sham stimulation or conventional therapy alone (moderate-certainty evidence).\n\n")
PER_OUTCOME = ("Certainty of the evidence:\n\nSpasticity (MAS): moderate certainty. Motor function (Fugl-Meyer): "
               "high certainty.\n\n")


def _kinds(text: str) -> list[tuple[str, str]]:
    r = check_text(text)
    return [(f.kind, r.text[f.start:f.end]) for f in r.findings if f.severity in ("error", "warning")]


def test_heterogeneity_between_studies_is_not_a_subgroup_claim() -> None:
    text = ("Spasticity: rTMS probably reduces spasticity slightly (moderate-certainty evidence). We are moderately "
            "confident in this result because the results differed between studies.")
    assert _kinds(text) == []


def test_a_question_heading_claims_nothing() -> None:
    assert _kinds("**Does the effect differ between groups of people or studies?**\n\nSee below.") == []


def test_a_subgroup_claim_without_a_test_is_still_flagged() -> None:
    kinds = _kinds("The effect of rTMS on spasticity differed between subgroups of patients.")
    assert ("significance_language", "differed between") in kinds


def test_outcome_rating_wins_over_a_takeaway_sharing_only_the_intervention_words() -> None:
    text = TAKEAWAY + PER_OUTCOME + ("Motor function (Fugl-Meyer): Repetitive transcranial magnetic stimulation "
                                     "(rTMS) increases motor function slightly compared with sham stimulation or "
                                     "conventional therapy alone.")
    assert _kinds(text) == []
    low = text.replace("Motor function (Fugl-Meyer): high certainty", "Motor function (Fugl-Meyer): low certainty")
    assert ("certainty_language", "increases") in _kinds(low)


def test_scale_anchors_and_outcome_descriptions_are_not_findings() -> None:
    text = ("The mean global assessment with surgery was 0.2 points on a -5 to +5 scale (+5 maximum was "
            "improvement) compared to 1.76 points with exercise (MD 1.56 points better, 95% CI 0.52 worse to 3.64 "
            "better). We measured how quickly bilirubin levels decrease (RR 0.90, 95% CI 0.70 to 1.10).")
    assert [k for k in _kinds(text) if k[0] == "significance_language"] == []
    flagged = _kinds("Bilirubin levels decrease with phototherapy (RR 0.90, 95% CI 0.70 to 1.10).")
    assert ("significance_language", "decrease") in flagged


def test_alike_results_circumstances_and_whether_clauses_are_not_claims() -> None:
    text = ("Similar imprecisely measured effects were seen for revision surgery (RR 0.50, 95% CI 0.15 to 1.66; "
            "low-certainty evidence). Home-based programmes are especially important in the context of the "
            "pandemic. With very low-certainty evidence, we were unsure whether any approach was better than "
            "another for caries arrest, or led to differences in adverse effects.")
    assert [k for k in _kinds(text) if k[1] != ""] == []
    assert ("significance_language", "especially effective in") in _kinds(
        "The programme was especially effective in older women.")


def test_one_effect_word_covering_a_second_non_significant_result() -> None:
    text = ("Exercise reduced the risk of all-cause admissions (RR 0.69, 95% CI 0.56 to 0.86; 23 trials) and "
            "heart failure admissions (RR 0.82, 95% CI 0.49 to 1.35; 10 trials).")
    r = check_text(text)
    (f,) = [f for f in r.findings if f.kind == "significance_language"]
    assert f.severity == "error" and r.text[f.start:f.end].startswith("RR 0.82")
    assert '"reduced" also covers' in f.message
    hedged = check_text(text.replace("Exercise reduced", "Exercise probably reduced")).findings
    assert [x.severity for x in hedged if x.kind == "significance_language"] == ["warning"]
    both = text.replace("0.49 to 1.35", "0.70 to 0.95")
    assert [x for x in check_text(both).findings if x.kind == "significance_language"] == []
    contrast = text.replace(") and heart", ") but not heart")
    assert [x for x in check_text(contrast).findings if x.kind == "significance_language"] == []
