"""The statistical-methods paragraph of a report, generated from the settings actually used.

Every sentence is driven by a field of the analysis (its settings, the pooled model, the
sections present), so the paragraph cannot describe an analysis that was not run.
"""

from __future__ import annotations

from evisynth import format as fmt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.spec import AnalysisSpec

MEASURE_PLURAL = {
    "MD": "mean differences (MD)",
    "SMD": "standardised mean differences (SMD, Hedges' g)",
    "OR": "odds ratios (OR)",
    "RR": "risk ratios (RR)",
    "RD": "risk differences (RD)",
    "PETO": "Peto odds ratios (OR)",
    "GEN": "the study effect estimates with their standard errors (generic inverse variance)",
}
TAU2_NAMES = {
    "REML": "restricted maximum likelihood (REML)",
    "ML": "maximum likelihood (ML)",
    "DL": "the DerSimonian-Laird method (DL)",
    "PM": "the Paule-Mandel method (PM)",
    "EB": "the empirical Bayes method (EB)",
    "SJ": "the Sidik-Jonkman method (SJ)",
    "HE": "the Hedges method (HE)",
    "HS": "the Hunter-Schmidt method (HS)",
}
SMD_VARIANCE_TEXT = {
    "revman": "Hedges' g with the approximate correction and variance formula of RevMan 5",
    "large-sample": "Hedges' g with the exact small-sample correction and the large-sample variance",
    "unbiased": "Hedges' g with the exact small-sample correction and the unbiased variance estimator",
}


def methods_paragraph(analysis: AnalysisBundle, *, prediction: bool = True) -> str:
    """The methods paragraph of an analysis.

    Parameters
    ----------
    analysis : AnalysisBundle
    prediction : bool
        Whether the report shows a prediction interval (random effects with k >= 3).
    """
    st = analysis.spec
    p = analysis.pooled
    measure = analysis.measure
    level = f"{fmt.format_count(100 * p.level)}%"
    effects = MEASURE_PLURAL.get(measure, measure)
    if measure == "GEN" and analysis.log_scale:
        effects += ", analysed on the log scale"
    method = p.method
    out: list[str] = []
    if p.random and method == "MH":
        out.append(f"We pooled {effects} in a random-effects meta-analysis, estimating the between-study variance "
                   "(Tau²) by the DerSimonian-Laird method from the heterogeneity of the study estimates around "
                   "the Mantel-Haenszel common-effect estimate, as RevMan 5 does.")
    elif p.random:
        tau = TAU2_NAMES.get(method, f"the {method} method")
        out.append(f"We pooled {effects} in a random-effects meta-analysis with inverse-variance weights, "
                   f"estimating the between-study variance (Tau²) by {tau}.")
    elif method == "MH":
        out.append(f"We pooled {effects} with the Mantel-Haenszel method in a common-effect (fixed-effect) model.")
    elif method == "PETO":
        out.append(f"We pooled {effects} with Peto's one-step method in a common-effect (fixed-effect) model.")
    else:
        out.append(f"We pooled {effects} in a common-effect (fixed-effect) meta-analysis with inverse-variance "
                   "weights.")
    if measure == "SMD":
        out.append(f"Effects were computed as {SMD_VARIANCE_TEXT.get(st.smd_variance, 'Hedges g')}.")
    if analysis.data_type == "binary":
        out.append(_zero_cells(st, measure, method))
    if p.test == "hksj":
        out.append(f"The {level} confidence interval of the pooled effect and its test used the Hartung-Knapp-"
                   "Sidik-Jonkman method (t distribution with k - 1 degrees of freedom).")
    elif p.test == "hksj-adhoc":
        out.append(f"The {level} confidence interval of the pooled effect and its test used the Hartung-Knapp-"
                   "Sidik-Jonkman method (t distribution with k - 1 degrees of freedom) with the ad hoc correction "
                   "that keeps it from being narrower than the Wald-type interval.")
    else:
        out.append(f"Confidence intervals ({level}) and the test for the overall effect were Wald-type (normal "
                   "distribution).")
    if p.random:
        out.append("Heterogeneity was assessed with the Chi² (Cochran's Q) test and quantified with Tau² "
                   "(with a Q-profile confidence interval) and I² computed from Tau².")
        if prediction and p.prediction_interval()[0] is not None:
            out.append(f"We report a {level} prediction interval for the effect in a new study (t distribution "
                       "with k - 2 degrees of freedom).")
    else:
        out.append("Heterogeneity was assessed with the Chi² (Cochran's Q) test and quantified with I².")
    sg = analysis.subgroups
    if sg:
        if sg.model == "common":
            out.append(f"Subgroups defined by {sg.variable} were compared in a mixed-effects model with a Tau² "
                       "common to all subgroups (test of moderators).")
        else:
            out.append(f"Subgroups defined by {sg.variable} were pooled separately, each with its own "
                       "heterogeneity estimate, and compared with the Chi² test for subgroup differences.")
    mods = list(st.moderators)
    if analysis.meta_regression and mods:
        perm = st.permutations
        extra = f", with a permutation test ({perm} permutations, seed {st.seed})" if perm else ""
        out.append(f"Meta-regression ({'mixed-effects' if p.random else 'fixed-effect'}) "
                   f"examined {_join(mods)} as moderators{extra}.")
    pb = analysis.publication_bias
    if pb:
        parts = ["funnel plots", "Egger's regression test", "Begg's rank correlation test"]
        if pb.trim_and_fill is not None:
            parts.append("the trim-and-fill method")
        parts.append("the fail-safe N")
        out.append(f"Small-study effects and publication bias were examined with {_join(parts)}.")
    sens = analysis.sensitivity
    if sens:
        parts = []
        if sens.leave_one_out:
            parts.append("leave-one-out analysis")
        if sens.cumulative:
            parts.append("cumulative meta-analysis" + (f" ordered by {st.order}" if st.order else ""))
        if sens.influence:
            parts.append("influence diagnostics")
        if parts:
            out.append(f"Sensitivity analyses comprised {_join(parts)}.")
    out.append(f"Analyses were run with evisynth {analysis.evisynth_version} (Python).")
    return " ".join(out)


def _zero_cells(st: AnalysisSpec, measure: str, method: str | None) -> str:
    c = float(st.continuity)
    drop = st.drop_double_zero
    if drop is None:
        drop = measure in ("OR", "RR", "PETO")
    if c > 0 and method != "PETO" and measure != "PETO":  # Peto's (O - E)/V needs no correction
        text = f"For studies with a zero cell, {fmt.format_data_value(c)} was added to each cell of their 2x2 table"
        if method == "MH":
            text += (" (the corrected tables also entered the Mantel-Haenszel sums, as in RevMan)"
                     if st.mh_continuity == "revman"
                     else " (the Mantel-Haenszel sums used the uncorrected tables)")
    else:
        text = "No continuity correction was applied"
    if drop and method in ("MH", "PETO") and not (method == "MH" and st.mh_continuity == "revman" and c > 0):
        text += ("; studies without events in either arm had no study estimate of their own but entered the "
                 f"{'Mantel-Haenszel' if method == 'MH' else 'Peto'} sums and the number of studies.")
    else:
        text += "; studies without events in either arm were excluded." if drop else \
            "; studies without events in either arm were kept."
    return text


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
