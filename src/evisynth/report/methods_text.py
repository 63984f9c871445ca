"""The statistical-methods paragraph of a report, generated from the settings actually used.

Every sentence is driven by a field of the analysis document (``settings``, ``pooled``, the
sections present), so the paragraph cannot describe an analysis that was not run.
"""

from __future__ import annotations

from typing import Any

from evisynth import format as fmt

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


def _level(doc: dict[str, Any]) -> str:
    return f"{fmt.format_count(100 * float(doc['pooled'].get('level', 0.95)))}%"


def methods_paragraph(doc: dict[str, Any], *, prediction: bool = True) -> str:
    """The methods paragraph for an analysis document.

    Parameters
    ----------
    doc : dict
        The analysis document (``AnalysisBundle.to_dict()``).
    prediction : bool
        Whether the report shows a prediction interval (random effects with k >= 3).
    """
    st = doc.get("settings") or {}
    p = doc["pooled"]
    measure = doc.get("measure") or st.get("measure") or "GEN"
    level = _level(doc)
    effects = MEASURE_PLURAL.get(measure, measure)
    if measure == "GEN" and doc.get("log_scale"):
        effects += ", analysed on the log scale"
    method = p.get("method") or st.get("method")
    out: list[str] = []
    if p.get("model") == "random":
        tau = TAU2_NAMES.get(str(method), f"the {method} method")
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
        out.append(f"Effects were computed as {SMD_VARIANCE_TEXT.get(st.get('smd_variance', 'revman'), 'Hedges g')}.")
    if doc.get("data_type") == "binary":
        out.append(_zero_cells(st, measure, method))
    test = p.get("test") or st.get("test", "z")
    if test == "hksj":
        out.append(f"The {level} confidence interval of the pooled effect and its test used the Hartung-Knapp-"
                   "Sidik-Jonkman method (t distribution with k - 1 degrees of freedom).")
    elif test == "hksj-adhoc":
        out.append(f"The {level} confidence interval of the pooled effect and its test used the Hartung-Knapp-"
                   "Sidik-Jonkman method (t distribution with k - 1 degrees of freedom) with the ad hoc correction "
                   "that keeps it from being narrower than the Wald-type interval.")
    else:
        out.append(f"Confidence intervals ({level}) and the test for the overall effect were Wald-type (normal "
                   "distribution).")
    if p.get("model") == "random":
        out.append("Heterogeneity was assessed with the Chi² (Cochran's Q) test and quantified with Tau² "
                   "(with a Q-profile confidence interval) and I² computed from Tau².")
        if prediction and p.get("pi_lower_t") is not None:
            out.append(f"We report a {level} prediction interval for the effect in a new study (t distribution "
                       "with k - 2 degrees of freedom).")
    else:
        out.append("Heterogeneity was assessed with the Chi² (Cochran's Q) test and quantified with I².")
    sg = doc.get("subgroups")
    if sg:
        if sg.get("model") == "common":
            out.append(f"Subgroups defined by {sg['variable']} were compared in a mixed-effects model with a Tau² "
                       "common to all subgroups (test of moderators).")
        else:
            out.append(f"Subgroups defined by {sg['variable']} were pooled separately, each with its own "
                       "heterogeneity estimate, and compared with the Chi² test for subgroup differences.")
    mods = st.get("moderators") or []
    if doc.get("meta_regression") and mods:
        perm = int(st.get("permutations") or 0)
        extra = f", with a permutation test ({perm} permutations, seed {st.get('seed')})" if perm else ""
        out.append(f"Meta-regression ({'mixed-effects' if p.get('model') == 'random' else 'fixed-effect'}) "
                   f"examined {_join(mods)} as moderators{extra}.")
    pb = doc.get("publication_bias")
    if pb:
        parts = ["funnel plots"]
        if pb.get("egger"):
            parts.append("Egger's regression test")
        if pb.get("begg"):
            parts.append("Begg's rank correlation test")
        if pb.get("trim_and_fill"):
            parts.append("the trim-and-fill method")
        if pb.get("fail_safe_n"):
            parts.append("the fail-safe N")
        out.append(f"Small-study effects and publication bias were examined with {_join(parts)}.")
    sens = doc.get("sensitivity")
    if sens:
        parts = []
        if sens.get("leave_one_out"):
            parts.append("leave-one-out analysis")
        if sens.get("cumulative"):
            order = st.get("order")
            parts.append("cumulative meta-analysis" + (f" ordered by {order}" if order else ""))
        if sens.get("influence"):
            parts.append("influence diagnostics")
        if parts:
            out.append(f"Sensitivity analyses comprised {_join(parts)}.")
    out.append(f"Analyses were run with evisynth {doc.get('evisynth_version', '?')} (Python).")
    return " ".join(out)


def _zero_cells(st: dict[str, Any], measure: str, method: str | None) -> str:
    c = float(st.get("continuity", 0.5))
    drop = st.get("drop_double_zero")
    if drop is None:
        drop = measure in ("OR", "RR", "PETO")
    if c > 0 and method != "PETO":
        text = f"For studies with a zero cell, {fmt.format_data_value(c)} was added to each cell of their 2x2 table"
        if method == "MH":
            text += (" (the corrected tables also entered the Mantel-Haenszel sums, as in RevMan)"
                     if st.get("mh_continuity", "revman") == "revman"
                     else " (the Mantel-Haenszel sums used the uncorrected tables)")
    else:
        text = "No continuity correction was applied"
    text += "; studies without events in either arm were excluded." if drop else \
        "; studies without events in either arm were kept."
    return text


def _join(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
