"""Skip logic, required justifications, the overall proposal, judgement-only tools and the GRADE link."""

import pytest

from evisynth.errors import InputError
from evisynth.rob import assess_judgements, assess_rob2, forest_rob, grade_risk_of_bias, overall_judgements

ALL_LOW = {"1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "N", "2.2": "N", "2.6": "Y", "3.1": "Y",
           "4.1": "N", "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N"}


def test_unreached_questions_are_na():
    # 2.3 is asked only if Y/PY/NI to 2.1 or 2.2 (cribsheet p.9); 2.7 only if N/PN/NI to 2.6 (p.10)
    a = assess_rob2("T", "O", ALL_LOW)
    d2 = a.domain("D2")
    assert [d2.answers[q] for q in ("2.3", "2.4", "2.5", "2.7")] == ["NA"] * 4
    assert a.domain("D4").answers["4.4"] == "NA" and a.domain("D3").answers["3.2"] == "NA"
    assert a.overall == "low" and a.complete


@pytest.mark.parametrize("question, answer", [("2.3", "Y"), ("2.7", "N"), ("3.2", "Y"), ("4.4", "PY"), ("2.4", "N")])
def test_answer_to_question_that_must_be_na_is_an_error_naming_it(question, answer):
    with pytest.raises(InputError, match=f"question {question} must be NA"):
        assess_rob2("T", "O", {**ALL_LOW, question: answer})


def test_na_for_a_reached_question_is_an_error():
    with pytest.raises(InputError, match=r"question 1\.2 applies here"):
        assess_rob2("T", "O", {**ALL_LOW, "1.2": "NA"})
    with pytest.raises(InputError, match=r"question 4\.3 applies"):
        assess_rob2("T", "O", {**ALL_LOW, "4.3": "NA"})


def test_3_2_has_no_no_information_option():
    with pytest.raises(InputError, match=r"3\.2: NI is not an option; accepted: Y/PY/PN/N"):
        assess_rob2("T", "O", {**ALL_LOW, "3.1": "N", "3.2": "NI"})


def test_unknown_question_and_answer():
    with pytest.raises(InputError, match=r"unknown RoB 2 signalling question '1\.4'"):
        assess_rob2("T", "O", {"1.4": "Y"})
    with pytest.raises(InputError, match=r"question 1\.1: unknown answer 'maybe'"):
        assess_rob2("T", "O", {"1.1": "maybe"})
    with pytest.raises(InputError, match=r"unknown RoB 2 signalling question '2\.1a'"):
        assess_rob2("T", "O", {"2.1a": "Y"})   # cluster-only question in the parallel variant


def test_unanswered_reached_question_leaves_no_proposal():
    a = assess_rob2("T", "O", {k: v for k, v in ALL_LOW.items() if k != "4.3"})
    assert a.domain("D4").missing == ("4.3",) and a.domain("D4").proposed is None
    assert a.overall is None and not a.complete


def test_reviewer_judgement_needs_a_justification_when_it_differs():
    with pytest.raises(InputError, match="D1: the judgement 'some concerns' differs from the algorithm's proposal 'low'"):
        assess_rob2("T", "O", ALL_LOW, judgements={"D1": "some concerns"})
    a = assess_rob2("T", "O", ALL_LOW, judgements={"D1": "some concerns"},
                    justifications={"D1": "baseline imbalance in a key prognostic factor"})
    d1 = a.domain("D1")
    assert (d1.proposed, d1.judgement, d1.overridden) == ("low", "some concerns", True)
    assert a.overall_proposed == "some concerns" and a.overall == "some concerns"
    # the same judgement as the proposal needs no justification
    assert assess_rob2("T", "O", ALL_LOW, judgements={"D1": "low"}).domain("D1").overridden is False


def test_overall_is_the_worst_domain_and_several_some_concerns_stay_the_reviewers_call():
    answers = {**ALL_LOW, "1.3": "Y", "5.1": "N"}   # D1 and D5 some concerns
    a = assess_rob2("T", "O", answers)
    assert a.overall_proposed == "some concerns" and a.overall == "some concerns"
    assert any("2 domains have some concerns" in n for n in a.notes)   # a note, not a rule
    with pytest.raises(InputError, match="overall: the judgement 'high' differs from the proposal 'some concerns'"):
        assess_rob2("T", "O", answers, overall="high")
    b = assess_rob2("T", "O", answers, overall="high", overall_justification="two domains together undermine the result")
    assert b.overall == "high" and b.overall_proposed == "some concerns"
    high = assess_rob2("T", "O", {**ALL_LOW, "1.2": "N"})
    assert high.overall == "high"


def test_rob1_and_robins_i_share_the_model():
    r1 = assess_judgements("rob1", "Brink 1951", None, {"D1": "UNKNOWN", "D2": "NO", "D3": "low"},
                           support={"D1": "randomised by serial number"})
    assert [d.judgement for d in r1.domains] == ["unclear", "high", "low"]
    assert r1.overall == "high" and r1.domain("D1").justification == "randomised by serial number"
    ri = assess_judgements("robins-i", "Cohort", "Mortality", {"D1": "serious", "D2": "moderate", "D3": "low",
                                                               "D4": "low", "D5": "no information", "D6": "low",
                                                               "D7": "low"})
    assert ri.overall == "serious"
    ri2 = assess_judgements("robins-i", "Cohort", "Mortality", {"D1": "moderate", "D2": "low", "D3": "low", "D4": "low",
                                                                "D5": "no information", "D6": "low", "D7": "low"})
    assert ri2.overall == "no information"   # Sterne 2016: NI when not serious/critical and key information lacking
    with pytest.raises(InputError, match="unknown judgement 'some concerns'; accepted: low, moderate"):
        assess_judgements("robins-i", "Cohort", None, {"D1": "some concerns"})


def test_forest_rob_prefers_outcome_specific_assessments():
    general = assess_judgements("rob2", "A", None, {"D1": "low", "D2": "low", "D3": "low", "D4": "low", "D5": "low"})
    specific = assess_rob2("A", "Pain", {**{k: v for k, v in ALL_LOW.items() if k != "4.3"}, "4.1": "Y"})
    other = assess_judgements("rob2", "B", "Pain", {"D1": "high"}, overall="high")
    rob = forest_rob([general, specific, other], "Pain")
    assert rob["A"]["D4"] == "high" and rob["A"]["Overall"] == "high" and rob["B"] == {"D1": "high", "Overall": "high"}
    assert overall_judgements([general, specific], "Mortality") == {"A": "low"}


def test_grade_link_shares_thresholds_and_low_risk_list():
    link = grade_risk_of_bias({"A": "low", "B": "some concerns", "C": "high", "D": "low"},
                              {"A": 40.0, "B": 25.0, "C": 20.0, "D": 15.0})
    assert link.share_low == pytest.approx(0.55) and link.share_some_concerns == pytest.approx(0.25)
    assert link.share_high == pytest.approx(0.20) and link.judgement == "not serious" and link.levels == 0
    assert link.low_risk_studies == ("A", "D")
    serious = grade_risk_of_bias({"A": "low", "B": "some concerns", "C": "high"}, {"A": 49.0, "B": 26.0, "C": 25.0})
    assert serious.judgement == "serious" and serious.levels == -1
    very = grade_risk_of_bias({"A": "low", "C": "high"}, {"A": 19.0, "C": 81.0})
    assert very.judgement == "very serious" and very.levels == -2
    d = very.to_dict()
    assert d["share_high"] == pytest.approx(0.81) and "80%" in d["rule"] and d["low_risk_studies"] == ["A"]


def test_grade_link_missing_judgements_and_other_tools():
    link = grade_risk_of_bias({"A": "low", "B": None}, {"A": 30, "B": 70, "Z": 0})
    assert link.missing == ("B",) and link.share_missing == pytest.approx(0.7) and link.judgement == "serious"
    assert "1 study without a judgement counted as some concerns" in link.reason
    rob1 = grade_risk_of_bias({"A": "unclear", "B": "low"}, {"A": 60, "B": 40})
    assert rob1.share_some_concerns == pytest.approx(0.6)
    robins = grade_risk_of_bias({"A": "critical", "B": "moderate"}, {"A": 90, "B": 10})
    assert robins.judgement == "very serious"
    with pytest.raises(InputError, match="no study has a positive weight"):
        grade_risk_of_bias({"A": "low"}, {"A": 0})
    with pytest.raises(InputError, match="weight of study 'A'"):
        grade_risk_of_bias({"A": "low"}, {"A": float("nan")})
