"""A direction reversed in words against the source (reduced <-> increased, fewer <-> more)."""

from __future__ import annotations

from evisynth.check import check_text

#: Cochrane review CD008214 (anti-VEGF before vitrectomy for diabetic retinopathy), abstract.
VEGF_SOURCE = (
    "Main results\n"
    "Pre- or intraoperative anti-VEGF reduced the incidence of early POVCH (12% versus 31%, risk ratio (RR) 0.44, "
    "95% CI 0.34 to 0.58; 14 studies, 1038 eyes; moderate-certainty evidence). Anti-VEGFs reduce the incidence of "
    "intraoperative retinal breaks (12% versus 31%, RR 0.37, 95% CI 0.24 to 0.59; 12 studies, 915 eyes; "
    "high-certainty evidence)."
)


def _directions(summary: str, source: str = VEGF_SOURCE) -> list[str]:
    result = check_text(summary, source)
    return [result.text[f.start : f.end] for f in result.findings if f.kind == "direction_mismatch" and f.start is not None]


def test_a_reversed_direction_word_is_flagged() -> None:
    assert _directions("Anti-VEGF increased the incidence of intraoperative retinal breaks.") == ["increased"]


def test_the_same_direction_is_not_flagged() -> None:
    assert _directions("Anti-VEGF lowered the incidence of intraoperative retinal breaks.") == []


def test_a_negated_direction_is_not_a_direction() -> None:
    assert _directions("It is unclear whether anti-VEGF increases the incidence of intraoperative retinal breaks.") == []


def test_background_sentences_are_not_judged() -> None:
    summary = (
        "What is the problem?\nDiabetes increases the incidence of intraoperative retinal breaks.\n"
        "What did we find?\nAnti-VEGF reduced the incidence of intraoperative retinal breaks."
    )
    assert _directions(summary) == []


def test_quantity_idioms_carry_no_direction() -> None:
    source = "We included eight studies with 60,000 people. Repellents reduced malaria incidence in refugees."
    assert _directions("More than 50,000 people took part in studies of malaria incidence in refugees.", source) == []
    assert _directions("Repellents led to more malaria incidence in refugees.", source) == ["more"]


def test_improved_against_worsened_is_a_reversal() -> None:
    # CD010637 (exercise for post-thrombotic syndrome), abstract wording.
    source = "Main results\nExercise improved the severity of post-thrombotic syndrome symptoms on the Villalta scale."
    assert _directions("Exercise worsened the severity of post-thrombotic syndrome symptoms.", source) == ["worsened"]


def test_a_null_result_as_the_best_match_is_no_reversal() -> None:
    source = (
        "Main results\nAnti-VEGF did not reduce the incidence of intraoperative retinal breaks. "
        "Anti-VEGF reduced the incidence of early POVCH."
    )
    assert _directions("Anti-VEGF increased the incidence of intraoperative retinal breaks.", source) == []


FALLS_SOURCE = "Exercise reduced the rate of falls (rate ratio (RR) 0.77, 95% CI 0.71 to 0.83; 10 studies)."


def _numeric_directions(summary: str) -> list[str]:
    result = check_text(summary, FALLS_SOURCE)
    return [f.message for f in result.findings if f.kind == "direction_mismatch" and "relative change" in f.message]


def test_a_relative_change_in_the_wrong_direction_is_reversed() -> None:
    assert len(_numeric_directions("Exercise led to 23% more falls (95% CI 17% to 29%).")) == 1
    assert len(_numeric_directions("Exercise increased falls by 23% (95% CI 17% to 29%).")) == 1


def test_a_relative_change_in_the_right_direction_is_not() -> None:
    assert _numeric_directions("Exercise led to 23% fewer falls (95% CI 17% to 29%).") == []
    assert _numeric_directions("Exercise reduced falls by 23% (95% CI 17% to 29%).") == []


def test_an_outcome_named_from_the_other_side_is_no_reversal() -> None:
    # invented sentences: survival for mortality, living at home for residential care
    from evisynth.check import check_text

    source = (
        "Main results\nEarly feeding probably reduces mortality at 28 days (RR 0.80, 95% CI 0.70 to 0.92; 10 trials; "
        "moderate-certainty evidence) and probably reduces the likelihood of moving into residential care "
        "(RR 0.60, 95% CI 0.45 to 0.80; 4 trials; moderate-certainty evidence)."
    )
    for text in (
        "Key messages\nEarly feeding probably increases survival at 28 days.",
        "Key messages\nEarly feeding probably increases the likelihood of living at home.",
    ):
        assert not any(f.kind == "direction_mismatch" for f in check_text(text, source).findings), text
    text = "Key messages\nEarly feeding probably increases mortality at 28 days."
    assert any(f.kind == "direction_mismatch" for f in check_text(text, source).findings)
