"""The readable, RevMan-like text of an analysis (``evisynth analyze`` without ``--json``,
``AnalysisBundle.summary()``), written from the typed results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evisynth import format as fmt
from evisynth.analyses.results import Pooled, exp_or_none

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle



def method_line(pooled: Pooled) -> str:
    """E.g. ``IV, Random, 95% CI (REML, z)``."""
    if not pooled.random:
        return pooled.analysis_label()
    tau2 = "DL with the M-H-centred Q" if pooled.method == "MH" else pooled.method
    return f"{pooled.analysis_label()} ({tau2}, {pooled.test})"


def render_text(bundle: AnalysisBundle) -> str:
    """Render an analysis as a readable report."""
    log = bundle.log_scale

    def disp(x: float | None) -> float | None:
        return exp_or_none(x) if log else x

    p, h = bundle.pooled, bundle.heterogeneity
    lines = [f"evisynth {bundle.evisynth_version}: {bundle.measure_label} ({method_line(p)})",
             f"Data: {bundle.source}", ""]
    width = max([len("Total (95% CI)"), len("Prediction interval")] + [len(s.study) for s in bundle.studies]) + 2
    lines.append(f"{'Study':<{width}}{'Estimate [CI]':<28}Weight")
    for s in bundle.studies:
        if not s.included or not s.estimable:
            lines.append(f"{s.study:<{width}}{'Not estimable':<28}{s.note or ''}")
            continue
        est = fmt.format_effect_ci(disp(s.yi), disp(s.ci_lower), disp(s.ci_upper))
        lines.append(f"{s.study:<{width}}{est:<28}{fmt.format_percent(s.weight_percent, 1)}")
    total = fmt.format_effect_ci(disp(p.estimate), disp(p.ci_lower), disp(p.ci_upper))
    label = f"Total ({round(100 * p.level)}% CI)"
    lines.append(f"{label:<{width}}{total:<28}100.0%")
    pi_lower, pi_upper = p.prediction_interval()
    if pi_lower is not None:
        lines.append(f"{'Prediction interval':<{width}}{fmt.format_ci(disp(pi_lower), disp(pi_upper))}")
    text = bundle.text
    lines += ["", text["heterogeneity"], text["overall_effect"]]
    if p.random and h.tau2_ci_lower is not None:
        above = ">" if h.tau2_ci_upper_censored else ""  # limit beyond the search bound
        lines.append(
            f"Tau² = {fmt.format_number(h.tau2, 4)} [{fmt.format_number(h.tau2_ci_lower, 4)}, "
            f"{above}{fmt.format_number(h.tau2_ci_upper, 4)}] (Q-profile); I² = {fmt.format_percent(h.i2, 1)} "
            f"[{fmt.format_percent(h.i2_ci_lower, 1)}, {above}{fmt.format_percent(h.i2_ci_upper, 1)}]"
        )
    sg = bundle.subgroups
    if sg:
        lines += ["", f"Subgroups by {sg.variable} ({sg.model} tau²):"]
        for g in sg.groups:
            est = fmt.format_effect_ci(disp(g.estimate), disp(g.ci_lower), disp(g.ci_upper))
            i2 = "" if g.i2 is None else f"; I² = {fmt.format_percent(g.i2)}"
            lines.append(f"  {g.level}: k = {g.k}, {est}, {fmt.p_text(g.p_value)}{i2}")
        lines.append(text["subgroup_difference"])
    mr = bundle.meta_regression
    if mr:
        lines += ["", "Meta-regression:"]
        for c in mr.coefficients:
            lines.append(
                f"  {c.name:<24}{fmt.format_number(c.estimate, 4):>10} SE {fmt.format_number(c.se, 4)}"
                f"  {fmt.format_ci(c.ci_lower, c.ci_upper, 4)}  {fmt.p_text(c.p_value)}"
            )
        lines.append(f"  Test of moderators: QM = {fmt.format_number(mr.qm, 2)}, df = {mr.qm_df}, "
                     f"{fmt.p_text(mr.qm_p)}; R² = {fmt.format_percent(mr.r2, 1)}")
    pb = bundle.publication_bias
    if pb:
        e, b, tf = pb.egger, pb.begg, pb.trim_and_fill
        lines += ["", "Small-study effects and publication bias:",
                  f"  Egger's test: t = {fmt.format_number(e.statistic, 2)}, df = {e.df}, {fmt.p_text(e.p_value)}",
                  f"  Begg's test: Kendall's tau = {fmt.format_number(b.kendall_tau, 3)}, {fmt.p_text(b.p_value)}"]
        if tf is not None:
            lines.append(f"  Trim-and-fill: {tf.k0} studies filled on the {tf.side} side")
    if bundle.warnings:
        lines += ["", *[f"Warning: {w}" for w in bundle.warnings]]
    return "\n".join(line.rstrip() for line in lines) + "\n"
