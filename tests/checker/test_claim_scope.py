"""Words that look like claims but state none, and the matching fixes of issue #16's third round.

Every sentence here is invented for the test (none is copied from the corpus); each test holds
one general behaviour.
"""

from __future__ import annotations

import re

from evisynth.check import check_text
from evisynth.check.claim_scope import (
    about_certainty,
    gloss,
    harm_symptom,
    hedge_window_start,
    infinitive,
    inside_whether,
    list_item_verb,
    not_definitive,
    result_bracket_end,
)

SOURCE = (
    "Main results\nWe included 12 trials (2100 participants). Acupressure may reduce nausea (RR 0.70, 95% CI 0.55 to "
    "0.90; 6 trials, 900 participants; low-certainty evidence). Acupressure may make little or no difference to "
    "vomiting (RR 0.95, 95% CI 0.80 to 1.12; 5 trials, 800 participants; low-certainty evidence). The evidence is "
    "very uncertain about headache (RR 1.30, 95% CI 0.60 to 2.80; 2 trials, 150 participants; very low-certainty "
    "evidence)."
)


def _found(text: str, source: str | None = SOURCE) -> list[tuple[str, str, str]]:
    result = check_text(text, source)
    return [(f.severity, f.kind, result.text[f.start : f.end]) for f in result.findings if f.start is not None]


def _language(text: str, source: str | None = SOURCE) -> list[tuple[str, str, str]]:
    return [f for f in _found(text, source) if f[1] in ("certainty_language", "significance_language")]


def test_clear_describing_a_thing_claims_no_certainty() -> None:
    text = (
        "What did we find?\nThe trials compared a clear plastic wristband with a cloth band, and clear (see-through) "
        "tape with gauze."
    )
    assert _language(text) == []


def test_clear_before_an_effect_word_still_claims_certainty() -> None:
    text = "What did we find?\nAcupressure had a clear benefit for nausea."
    assert ("error", "certainty_language", "clear") in _found(text)


def test_manner_adverbs_and_denied_definitive_words_claim_nothing() -> None:
    for text in (
        "What did we find?\nFuture trials should report their outcomes more clearly.",
        "What did we find?\nSmall samples precluded a conclusive answer about headache.",
        "What did we find?\nThe outcome was clearly defined in only two trials.",
    ):
        assert _language(text) == [], text


def test_an_effect_word_in_an_indirect_question_states_no_effect() -> None:
    for text in (
        "What did we find?\nMore research is needed, especially trials that test how acupressure works for children.",
        "What did we find?\nFuture studies should test whether wristbands improve sleep and reduce headache.",
    ):
        assert _language(text) == [], text


def test_symptoms_listed_as_harms_are_not_effects() -> None:
    text = (
        "What did we find?\nUnwanted effects were mild. They included temporary increases in heart rate and dizziness. "
        "The most common side effect was increased sweating."
    )
    assert _language(text) == []


def test_an_effect_on_a_harm_is_still_an_effect() -> None:
    s = "Acupressure increased headache, a side effect, in two trials."
    assert not harm_symptom(s, s.index("increased"), (0, len(s)))


def test_a_verb_about_the_certainty_rating_is_no_effect() -> None:
    text = (
        "What are the limitations of the evidence?\nOur confidence in the evidence for vomiting was reduced to low "
        "because few trials reported it."
    )
    assert _language(text) == []
    s = "The certainty was downgraded and reduced to moderate."
    assert about_certainty(s, s.index("reduced") + len("reduced"))


def test_an_effect_word_inside_an_open_question_is_no_claim() -> None:
    s = "We are very uncertain whether adding wristbands during the later sessions leads to improvement in headache."
    assert inside_whether(s, 0, s.index("improvement"))
    s = "We are unsure whether it helps, but it reduces nausea."
    assert not inside_whether(s, 0, s.index("reduces"))


def test_an_infinitive_of_purpose_is_no_claim_but_shown_to_is() -> None:
    s = "The programme aimed to reduce headache."
    assert infinitive(s, s.index("reduce"))
    s = "Acupressure was shown to reduce headache."
    assert not infinitive(s, s.index("reduce"))


def test_a_bracketed_lay_definition_states_no_effect() -> None:
    text = "What did we find?\nFew people needed antiemetics (medicines used to treat sickness that reduce vomiting)."
    assert _language(text) == []
    s = "nausea (RR 0.70, that reduce) fell"
    assert not gloss(s, s.index("reduce)"))


def test_a_verb_joined_by_and_shares_the_hedge_of_the_first() -> None:
    s = "There is limited evidence that acupressure improves nausea, and reduces vomiting."
    assert hedge_window_start(s, 0, s.index("and"), s.index("reduces")) == 0
    text = "What did we find?\nThere is limited evidence that acupressure lessens nausea, and reduces vomiting."
    assert not any(f[0] == "error" and f[2] == "reduces" for f in _found(text))


def test_a_measure_or_scale_bracket_does_not_cut_the_outcome_name() -> None:
    assert result_bracket_end("improved sleep: Sleep Quality Index (SQI, scale 0 to 21) mean difference (MD) ") == -1
    before = "nausea (RR 0.70, 95% CI 0.55 to 0.90) and vomiting "
    assert result_bracket_end(before) == before.index(")")


def test_the_outcome_after_a_scale_bracket_finds_its_own_result() -> None:
    source = (
        "Main results\nMassage may reduce pain when compared to rest: Pain Inventory (PI, scale 0 to 10) mean "
        "difference (MD) -1.50, 95% CI -2.40 to -0.60; 4 trials, 300 participants; low-certainty evidence. The effect "
        "of heat on pain is very uncertain: MD -0.90, 95% CI -2.10 to 0.30; 1 trial, 40 participants; very "
        "low-certainty evidence."
    )
    text = "What did we find?\nMassage may reduce pain compared with rest."
    assert not any(f[1] == "significance_language" for f in _found(text, source))


def test_definitive_word_helper_reads_the_next_noun() -> None:
    s = "It was clear among older adults."
    m = re.search("clear", s)
    assert m is not None and not not_definitive(s, m, 0)


def test_absence_of_evidence_said_with_make_a_difference_or_about_the_same() -> None:
    for text, said in (
        ("What did we find?\nAcupressure does not make a difference to vomiting.", "does not make a difference"),
        ("What did we find?\nVomiting rates were about the same with and without wristbands.", "were about the same"),
    ):
        assert any(k == "significance_language" and q.startswith(said) for _s, k, q in _found(text)), text


def test_a_count_restated_with_the_comparators_a_short_source_uses_everywhere() -> None:
    source = (
        "Main results\nWe found 15 trials of splints in adults with wrist pain. Five trials compared rigid night splints "
        "with soft day splints in adults with wrist pain and ten trials compared rigid night splints with no splints "
        "in adults with wrist pain. Rigid night splints may reduce wrist pain in adults (low-certainty evidence)."
    )
    text = "What did we find?\nSix trials compared rigid night splints with soft day splints in adults."
    assert ("error", "count_mismatch", "Six") in _found(text, source)
    text = "What did we find?\nFive trials compared rigid night splints with soft day splints in adults."
    assert not any(k == "count_mismatch" for _s, k, _q in _found(text, source))


NNT_SOURCE = (
    "Main results\nNurse-led clinics probably reduce deaths (RR 0.70, 95% CI 0.55 to 0.89; 4 studies, 3000 "
    "participants; moderate-certainty evidence; NNTB 45) and may make little or no difference to admissions "
    "(RR 0.95, 95% CI 0.85 to 1.06; 3 studies, 2500 participants; low-certainty evidence; NNTB 130)."
)


def test_a_sentence_restating_a_result_by_its_number_needed_to_treat_is_judged_against_it() -> None:
    text = "What did we find?\nCompared with usual care, nurse-led clinics:\n- prevent one admission for every 130 people."
    found = _found(text, NNT_SOURCE)
    assert any(k == "significance_language" and q == "prevent" for _s, k, q in found)


def test_a_number_shared_with_two_results_anchors_nothing() -> None:
    from evisynth.check.extract import extract_claims
    from evisynth.check.number_anchor import anchored_result
    from evisynth.check.text import make_document

    source = make_document(
        "Death fell (RR 0.80, 95% CI 0.70 to 0.95; 40 people). Pain fell (MD -1, 95% CI -2 to -0.5; 40 people)."
    )
    doc = make_document("In 40 people, it helped.")
    assert anchored_result(doc, 0, source, extract_claims(source)) is None
    doc = make_document("About 1 in 25 people benefit.")
    assert anchored_result(doc, 0, source, extract_claims(source)) is None


def test_a_base_form_verb_opening_a_list_item_has_the_lead_in_as_subject() -> None:
    text = "What did we find?\nCompared with usual care, nurse-led clinics:\n- prevent one death for every 45 people."
    assert ("warning", "certainty_language", "prevent") in _found(text, NNT_SOURCE)
    s = "Aims\n- reduce falls in care homes"
    assert not list_item_verb(s, s.index("reduce"))


def test_a_question_heading_does_not_open_a_question_over_the_findings() -> None:
    s = "What did we find?\nAcupressure reduces nausea."
    assert not inside_whether(s, 0, s.index("reduces"))


def test_a_total_that_adds_up_two_counts_the_source_gives_one_by_one() -> None:
    source = (
        "Main results\nWe included two trials. One trial enrolled 120 adults; data were available for 112. The second "
        "trial randomised 40 adults, of whom 38 were analysed. Splints may reduce pain (low-certainty evidence)."
    )
    text = "What did we find?\nWe included two trials, which involved 160 adults."
    assert not any(k == "count_mismatch" for _s, k, _q in _found(text, source))
    text = "What did we find?\nWe included two trials, which involved 163 adults."
    assert ("error", "count_mismatch", "163") in _found(text, source)


def test_how_often_a_group_had_an_event_is_an_effect_stated_as_fact() -> None:
    source = (
        "Main results\nSplints may lead to more clinic visits per year (1 trial, 90 participants; low-certainty evidence)."
    )
    text = "What did we find?\nPeople given splints went to the clinic more often than people without them."
    assert any(k == "certainty_language" and q == "more often" for _s, k, q in _found(text, source))


def test_may_have_little_to_no_effect_is_low_certainty_wording() -> None:
    text = "What did we find?\nWristbands may have little to no effect on headache."
    assert ("warning", "certainty_language", "have little to no effect") in _found(text)
    text = "What did we find?\nWristbands may have little to no effect on vomiting."
    assert not any(k == "certainty_language" for _s, k, _q in _found(text))


def test_helped_to_reduce_is_a_finding_not_a_purpose() -> None:
    s = "Wristbands helped to reduce headache."
    assert not infinitive(s, s.index("reduce"))
    s = "What did we find?\nThere were clear signs of benefit for nausea."
    m = re.search("clear", s)
    assert m is not None and not not_definitive(s, m, 0)
