"""Golden-text tests of the methods and results paragraphs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.report.methods_text import methods_paragraph
from evisynth.report.results_text import TextOptions, results_paragraph

RTMS = TextOptions(intervention="rTMS", comparison="control", outcome="spasticity", unit="trials")


def rtms_doc(estimate=-0.2312, lower=-0.4301, upper=-0.0199, p=0.0301):
    """A results-only analysis document read back as typed results (keys an earlier version wrote)."""
    return AnalysisBundle.from_dict({
        "evisynth_version": "0.1.0", "measure": "MD", "measure_label": "Mean Difference", "log_scale": False,
        "data_type": "continuous", "settings": {"measure": "MD", "model": "random", "method": "DL", "test": "z"},
        "studies": [],
        "pooled": {"k": 18, "estimate": estimate, "ci_lower": lower, "ci_upper": upper, "p_value": p, "level": 0.95,
                   "model": "random", "method": "DL", "test": "z", "pi_lower_t": None, "pi_upper_t": None,
                   "converged": True},
        "heterogeneity": {"i2": 50.57, "tau2": 0.0712, "q": 34.39, "q_df": 17, "q_p": 0.007},
        "totals": {"participants": 412},
    })


def test_results_golden_rtms():
    assert results_paragraph(rtms_doc(), RTMS) == (
        "rTMS reduced spasticity compared with control (MD -0.23, 95% CI -0.43 to -0.02; P = 0.03; "
        "18 trials, 412 participants; I² = 51%)."
    )


def test_results_no_clear_difference_when_ci_includes_null():
    text = results_paragraph(rtms_doc(-0.10, -0.30, 0.10, 0.33), RTMS)
    assert text == ("There was no clear difference in spasticity between rTMS and control (MD -0.10, 95% CI -0.30 to "
                    "0.10; P = 0.33; 18 trials, 412 participants; I² = 51%).")
    for word in ("reduced", "increased", "improved"):
        assert word not in text


def test_results_increase_and_defaults():
    text = results_paragraph(rtms_doc(0.31, 0.05, 0.57, 0.02))
    assert text.startswith("The intervention increased the outcome compared with control (MD 0.31, 95% CI 0.05 to "
                           "0.57; P = 0.02; 18 studies, 412 participants")


def test_results_ratio_measure_with_prediction_and_subgroups(doc_or_subgroup):
    text = results_paragraph(doc_or_subgroup, TextOptions(intervention="rTMS", outcome="falls", unit="trials"))
    assert text == (
        "rTMS reduced the odds of falls compared with control (OR 0.60, 95% CI 0.42 to 0.87; P = 0.007; 5 trials, "
        "971 participants; I² = 0%). The 95% prediction interval for the effect in a new study was 0.33 to 1.10. "
        "By risk: low (OR 0.56, 95% CI 0.37 to 0.85; P = 0.007; 3 trials; I² = 0%); high (OR 0.78, 95% CI 0.36 to "
        "1.69; P = 0.53; 2 trials; I² = 0%). Test for subgroup differences: Chi² = 0.57, df = 1 (P = 0.45), "
        "I² = 0.0%."
    )
    no_pi = results_paragraph(doc_or_subgroup, TextOptions(prediction=False))
    assert "prediction" not in no_pi


def test_results_singular_unit_and_mh(doc_small):
    doc = replace(doc_small, pooled=replace(doc_small.pooled, k=1))
    # MH counts every table: the double-zero trial's 61 participants are in the total
    assert "(RR 0.64, 95% CI 0.47 to 0.88; P = 0.006; 1 study, 1032 participants; I² = 0%)" in results_paragraph(doc)
    assert results_paragraph(doc_small).startswith("The intervention reduced the risk of the outcome compared with "
                                                   "control (RR 0.64")


def test_methods_golden_random_subgroups(doc_subgroup):
    assert methods_paragraph(doc_subgroup) == (
        "We pooled mean differences (MD) in a random-effects meta-analysis with inverse-variance weights, estimating "
        "the between-study variance (Tau²) by restricted maximum likelihood (REML). Confidence intervals (95%) and "
        "the test for the overall effect were Wald-type (normal distribution). Heterogeneity was assessed with the "
        "Chi² (Cochran's Q) test and quantified with Tau² (with a Q-profile confidence interval) and I² computed from "
        "Tau². We report a 95% prediction interval for the effect in a new study (t distribution with k - 2 degrees "
        "of freedom). Subgroups defined by hemisphere were pooled separately, each with its own heterogeneity "
        "estimate, and compared with the Chi² test for subgroup differences. Analyses were run with evisynth 0.1.0 "
        "(Python)."
    )


def test_methods_golden_mantel_haenszel(doc_small):
    assert methods_paragraph(doc_small) == (
        "We pooled risk ratios (RR) with the Mantel-Haenszel method in a common-effect (fixed-effect) model. For "
        "studies with a zero cell, 0.5 was added to each cell of their 2x2 table (the corrected tables also entered "
        "the Mantel-Haenszel sums, as in RevMan); studies without events in either arm were excluded. Confidence "
        "intervals (95%) and the test for the overall effect were Wald-type (normal distribution). Heterogeneity was "
        "assessed with the Chi² (Cochran's Q) test and quantified with I². Analyses were run with evisynth 0.1.0 "
        "(Python)."
    )


def test_methods_follow_settings():
    from figdata import analyse, continuous_frame

    doc = analyse(continuous_frame(6), measure="SMD", method="DL", test="hksj", level=0.9)
    text = methods_paragraph(doc, prediction=False)
    assert text.startswith("We pooled standardised mean differences (SMD, Hedges' g) in a random-effects "
                           "meta-analysis with inverse-variance weights, estimating the between-study variance "
                           "(Tau²) by the DerSimonian-Laird method (DL). Effects were computed as Hedges' g with the "
                           "approximate correction and variance formula of RevMan 5. The 90% confidence interval of "
                           "the pooled effect and its test used the Hartung-Knapp-Sidik-Jonkman method")
    assert "prediction interval" not in text
    fixed = methods_paragraph(analyse(continuous_frame(4), model="fixed"))
    assert fixed.startswith("We pooled mean differences (MD) in a common-effect (fixed-effect) meta-analysis with "
                            "inverse-variance weights.")
    assert "Tau²" not in fixed


@pytest.mark.parametrize("settings,phrase", [
    ({"bias": True},
     "Small-study effects and publication bias were examined with funnel plots, Egger's regression test, Begg's "
     "rank correlation test, the trim-and-fill method and the fail-safe N."),
    ({"sensitivity": True, "order": "year"},
     "Sensitivity analyses comprised leave-one-out analysis, cumulative meta-analysis ordered by year and "
     "influence diagnostics."),
    ({"moderators": ("year", "dose"), "permutations": 0},
     "Meta-regression (mixed-effects) examined year and dose as moderators."),
])
def test_methods_sections_only_when_present(doc_subgroup, settings, phrase):
    from figdata import analyse, continuous_frame

    doc = analyse(continuous_frame(12, subgroups=True), subgroup="dose", **settings)
    assert phrase in methods_paragraph(doc)
    assert phrase not in methods_paragraph(doc_subgroup)


def test_results_missing_interval():
    doc = rtms_doc(-0.02, None, None, None)
    text = results_paragraph(doc, RTMS)
    assert text == ("There was no clear difference in spasticity between rTMS and control (MD -0.02, 95% CI not "
                    "estimable; 18 trials, 412 participants; I² = 51%).")
