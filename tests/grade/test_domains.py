"""Each GRADE rule of thumb at and around its thresholds (evisynth.grade.domains)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from evisynth.grade import domains as dm
from evisynth.grade.rob import RobEntry
from evisynth.grade.thresholds import Thresholds

from .helpers import make_doc, outcome, regression, with_bias

T = Thresholds()
L = math.log


# ------------------------------------------------------------------------------------------- risk of bias
def _rob(weights: list[float], judgements: list[str | None]):
    names = [f"S{i + 1}" for i in range(len(weights))]
    doc = make_doc(yi=[0.1] * len(weights), weights=weights, names=names)
    rob = {n: RobEntry(n, j) for n, j in zip(names, judgements, strict=True) if j is not None}
    return dm.risk_of_bias(doc, rob, T)


@pytest.mark.parametrize(
    ("weights", "judgements", "expected"),
    [
        ([50, 50], ["low", "some concerns"], "not serious"),  # exactly 50% not low: not more than 50%
        ([49, 51], ["low", "some concerns"], "serious"),
        ([49, 51], ["low", "high"], "serious"),
        ([20, 80], ["low", "high"], "serious"),  # exactly 80% high: not more than 80%
        ([19, 81], ["low", "high"], "very serious"),
        ([100], ["low"], "not serious"),
    ],
)
def test_risk_of_bias_weight_shares(weights, judgements, expected):
    s = _rob(weights, judgements)
    assert s.judgement == expected
    assert s.levels == {"not serious": 0, "serious": -1, "very serious": -2}[expected]


def test_risk_of_bias_missing_study_counts_as_some_concerns_and_is_flagged():
    s = _rob([40, 60], ["low", None])
    assert s.judgement == "serious"
    assert s.inputs["missing"] == ["S2"]
    assert s.needs_review and "risk_of_bias" in s.prompt
    assert "1 study without a judgement" in s.reason


def test_risk_of_bias_reason_shows_shares():
    s = _rob([25, 25, 50], ["low", "high", "some concerns"])
    assert s.reason.startswith("75% of the weight comes from studies at some concerns or high risk of bias")
    assert "(high risk: 25%; some concerns: 50%; low risk: 25%)" in s.reason
    assert s.inputs["share_high"] == pytest.approx(0.25)


# ------------------------------------------------------------------------------------------- inconsistency
@pytest.mark.parametrize(
    ("i2", "yi", "pi", "expected"),
    [
        (50.0, [-0.2, 0.1, -0.3], (-0.5, 0.2), "not serious"),  # at the threshold
        (50.1, [-0.2, 0.1, -0.3], (-0.5, 0.2), "serious"),  # PI crosses and estimates on both sides
        (50.1, [-0.2, -0.1, -0.3], (-0.5, 0.2), "serious"),  # PI crosses no effect
        (50.1, [-0.2, -0.1, -0.3], (-0.5, -0.05), "not serious"),  # same direction, PI does not cross
        (75.0, [-0.2, -0.1, -0.3], (-0.5, -0.05), "not serious"),
        (75.1, [-0.2, -0.1, -0.3], (-0.5, -0.05), "serious"),
        (90.1, [-0.2, -0.1, -0.3], (-0.5, -0.05), "serious"),  # very high I² but one direction
        (90.0, [-0.2, 0.1, -0.3], (-0.5, 0.2), "serious"),
        (90.1, [-0.2, 0.1, -0.3], (-0.5, 0.2), "very serious"),
    ],
)
def test_inconsistency_thresholds(i2, yi, pi, expected):
    doc = make_doc(yi=yi, i2=i2, pi=pi, estimate=-0.2, ci=(-0.3, -0.1))
    s = dm.inconsistency(doc, T)
    assert s.judgement == expected, s.reason
    assert f"I² = {round(i2)}%" in s.reason


def test_inconsistency_single_study_and_missing_i2_are_flagged():
    one = dm.inconsistency(make_doc(yi=[0.3]), T)
    assert one.judgement == "not serious" and one.needs_review and "single study" in one.reason
    none = dm.inconsistency(make_doc(i2=None), T)
    assert none.judgement == "not serious" and none.needs_review


def test_inconsistency_reports_non_overlapping_cis():
    doc = make_doc(yi=[-1.0, 1.0, 0.0], se=0.1, i2=95.0, pi=(-2, 2))
    s = dm.inconsistency(doc, T)
    assert s.judgement == "very serious"
    assert s.inputs["some_cis_do_not_overlap"] and "do not overlap" in s.reason


def test_inconsistency_thresholds_configurable():
    doc = make_doc(yi=[-0.2, -0.1, -0.3], i2=60.0, pi=(-0.5, -0.05))
    assert dm.inconsistency(doc, Thresholds(i2_always_serious=55.0, i2_very_serious=95.0)).judgement == "serious"


# --------------------------------------------------------------------------------------------- imprecision
def _imp(measure="RR", ci=(-0.22, -0.1), participants=10000, **kw):
    o = kw.pop("outcome", None) or outcome()
    doc = make_doc(measure=measure, estimate=sum(ci) / 2, ci=ci, participants=participants, **kw)
    return dm.imprecision(doc, o, T)


def test_imprecision_ratio_rules():
    assert _imp(ci=(L(0.8), L(0.9))).judgement == "not serious"  # excludes 1, OIS met
    assert _imp(ci=(L(0.7), L(1.1))).judgement == "serious"  # includes 1 and appreciable benefit
    assert _imp(ci=(L(0.9), L(1.3))).judgement == "serious"  # includes 1 and appreciable harm
    assert _imp(ci=(L(0.7), L(1.3))).judgement == "very serious"  # both
    assert _imp(ci=(L(0.8), L(1.2))).judgement == "not serious"  # includes 1, within thresholds, OIS met


def test_imprecision_threshold_boundaries_are_strict():
    assert _imp(ci=(L(0.75), L(1.1))).judgement == "not serious"  # touches 0.75: does not cross it
    assert _imp(ci=(L(0.7499), L(1.1))).judgement == "serious"
    assert _imp(ci=(L(0.9), L(1.25))).judgement == "not serious"
    assert _imp(ci=(L(0.9), L(1.2501))).judgement == "serious"


def test_imprecision_mid_ratio_replaces_defaults():
    o = outcome(mid=0.9)  # RR 0.9 / 1.11
    assert _imp(ci=(L(0.85), L(1.05)), outcome=o).judgement == "serious"
    assert _imp(ci=(L(0.85), L(1.15)), outcome=o).judgement == "very serious"


def test_optimal_information_size_dichotomous():
    # p1 = 0.2, RRR 25%: p2 = 0.15; n/arm = (1.95996 + 0.84162)^2 (0.16 + 0.1275) / 0.05^2 = 902.3 -> 903
    doc = make_doc(events2=1000, n2=5000)
    ois, how = dm.optimal_information_size(doc, outcome(), T, dm.effect_thresholds(doc, outcome(), T))
    assert ois == 2 * 903
    assert "control risk 20.0%" in how
    assert _imp(ci=(L(0.8), L(0.9)), participants=1805, events2=1000, n2=5000).judgement == "serious"
    assert _imp(ci=(L(0.8), L(0.9)), participants=1806, events2=1000, n2=5000).judgement == "not serious"


def test_optimal_information_size_uses_assumed_control_risk():
    doc = make_doc(events2=1000, n2=5000)
    o = outcome(assumed_control_risk=0.1)
    ois, _ = dm.optimal_information_size(doc, o, T, dm.effect_thresholds(doc, o, T))
    # p1 0.1, p2 0.075: n/arm = 7.8489 (0.09 + 0.069375) / 0.025^2 = 2001.4 -> 2002
    assert ois == 2 * 2002


def test_imprecision_smd_uses_half_sd_without_mid():
    # OIS for SMD 0.5: n/arm = 2 (2.80158)^2 / 0.25 = 62.8 -> 63; total 126
    assert _imp(measure="SMD", ci=(-0.6, 0.1), participants=500).judgement == "serious"
    assert _imp(measure="SMD", ci=(-0.6, 0.6), participants=500).judgement == "very serious"
    assert _imp(measure="SMD", ci=(-0.5, 0.5), participants=126).judgement == "not serious"
    assert _imp(measure="SMD", ci=(-0.5, 0.5), participants=125).judgement == "serious"


def test_imprecision_md_with_mid_and_without():
    o = outcome(mid=1.0, units="points")
    sds = [{"sd1": 2.0, "sd2": 2.0, "n1": 50, "n2": 50}] * 3
    assert _imp(measure="MD", ci=(-1.2, 0.2), outcome=o, data=sds).judgement == "serious"
    assert _imp(measure="MD", ci=(-0.9, 0.9), outcome=o, data=sds, participants=10000).judgement == "not serious"
    no_mid = _imp(measure="MD", ci=(-0.9, 0.9), data=sds)  # 0.5 SD = 1.0 from the study SDs
    assert no_mid.judgement == "not serious" and "pooled SD 2.00" in no_mid.inputs["threshold_source"]
    unknown = _imp(measure="MD", ci=(-0.9, 0.9))  # no MID and no SDs: only the null is available
    assert unknown.judgement == "serious" and unknown.needs_review and "mid" in unknown.prompt


# ------------------------------------------------------------------------------------------ publication bias
def test_publication_bias_needs_ten_studies():
    doc = make_doc(yi=[0.1] * 9)
    s = dm.publication_bias(doc, T)
    assert s.judgement == "undetected" and s.needs_review and "only 9 studies" in s.reason


@pytest.mark.parametrize(("p", "expected"), [(0.099, "strongly suspected"), (0.10, "undetected"), (0.5, "undetected")])
def test_publication_bias_egger_threshold(p, expected):
    doc = with_bias(make_doc(yi=[0.1] * 10), p=p, k0=2)
    s = dm.publication_bias(doc, T)
    assert s.judgement == expected
    assert "trim-and-fill adds 2 studies" in s.reason


def test_publication_bias_without_tests_is_left_to_the_reviewer():
    # GRADE reads the analysis' small-study tests and computes none of its own (the review runner
    # runs them for every outcome with enough studies); without them the domain needs the reviewer
    yi = [0.9, 0.7, 0.5, 0.45, 0.3, 0.25, 0.2, 0.15, 0.1, 0.12]
    doc = make_doc(yi=yi, se=[0.5 - 0.04 * i for i in range(10)])
    s = dm.publication_bias(doc, T)
    assert s.judgement == "undetected" and s.needs_review and "not available" in s.reason


# -------------------------------------------------------------------------------------------------- upgrades
@pytest.mark.parametrize(
    ("rr", "ci", "expected"),
    [(0.49, (0.3, 0.8), "large"), (0.5, (0.3, 0.8), "none"), (2.01, (1.5, 3.0), "large"),
     (0.19, (0.1, 0.4), "very large"), (5.01, (3.0, 9.0), "very large"), (0.3, (0.05, 1.2), "none")],
)
def test_large_effect(rr, ci, expected):
    doc = make_doc(estimate=L(rr), ci=(L(ci[0]), L(ci[1])))
    assert dm.large_effect(doc, T).judgement == expected


def test_large_effect_only_for_ratios():
    assert dm.large_effect(make_doc(measure="SMD", estimate=-2.0, ci=(-2.5, -1.5)), T).judgement == "none"


@pytest.mark.parametrize(("p", "expected"), [(0.049, "present"), (0.05, "none")])
def test_dose_response_from_meta_regression(p, expected):
    doc = replace(make_doc(), meta_regression=regression([
        {"name": "intercept", "estimate": 0.1, "se": 0.1, "p_value": 0.3, "ci_lower": -0.1, "ci_upper": 0.3},
        {"name": "dose", "estimate": -0.021, "se": 0.01, "p_value": p, "ci_lower": -0.04, "ci_upper": -0.001}]))
    s = dm.dose_response(doc, outcome(dose_moderator="dose", dose_units="mg"), T)
    assert s.judgement == expected
    assert "per mg" in s.reason and "-0.021" in s.reason


def test_dose_response_without_meta_regression_is_flagged():
    s = dm.dose_response(make_doc(), outcome(dose_moderator="dose"), T)
    assert s.judgement == "none" and s.needs_review
    assert dm.dose_response(make_doc(), outcome(), T).needs_review is False


def test_indirectness_is_the_reviewers():
    s = dm.indirectness()
    assert s.judgement == "not serious" and s.needs_review and "population" in s.prompt


def test_imprecision_minimally_contextualised_target():
    mid = Thresholds(imprecision_target="mid")
    o = outcome()

    def judge(ci, t=mid):
        doc = make_doc(estimate=sum(ci) / 2, ci=ci)
        return dm.imprecision(doc, o, t)

    s = judge((L(0.5), L(0.8)))  # excludes 1 but crosses the 0.75 threshold of appreciable benefit
    assert s.judgement == "serious" and "crosses the threshold of appreciable benefit" in s.reason
    assert judge((L(0.5), L(0.8)), T).judgement == "not serious"  # the default (null) target
    assert judge((L(0.5), L(0.7))).judgement == "not serious"  # entirely beyond the threshold
    assert judge((L(0.8), L(1.2))).judgement == "serious"  # crosses no effect
    assert judge((L(0.7), L(1.3))).judgement == "very serious"
    with pytest.raises(Exception, match="imprecision_target must be one of 'null', 'mid'"):
        Thresholds.from_mapping({"imprecision_target": "partial"})
