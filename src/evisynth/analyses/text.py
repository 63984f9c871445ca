"""The readable, RevMan-like text of an analysis (``evisynth analyze`` without ``--json``,
``AnalysisBundle.summary()``), written from the typed results.

Every section that was computed is printed: the study rows with the total and prediction
interval, heterogeneity and the test for overall effect (RevMan's lines), each subgroup with its
subtotal, heterogeneity and overall-effect lines and the test for subgroup differences (RevMan's
subgrouped analysis), then the meta-regression (coefficients with their permutation P values,
the test of moderators, residual heterogeneity and the predictions), the small-study and
publication-bias analyses (Egger, Begg, trim-and-fill with its adjusted estimate, fail-safe N)
and the sensitivity analyses (leave-one-out, cumulative, influence) from
:mod:`evisynth.analyses.text_sections`. Numbers are written by :mod:`evisynth.format`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evisynth import format as fmt
from evisynth.analyses.results import Pooled

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle

#: Width of the estimate column of the study table.
EST_WIDTH = 28


def method_line(pooled: Pooled) -> str:
    """E.g. ``IV, Random, 95% CI (REML, z)``."""
    if not pooled.random:
        return pooled.analysis_label()
    tau2 = "DL with the M-H-centred Q" if pooled.method == "MH" else pooled.method
    return f"{pooled.analysis_label()} ({tau2}, {pooled.test})"


def effect_text(bundle: AnalysisBundle, estimate: float | None, lower: float | None, upper: float | None) -> str:
    """``estimate [lower, upper]`` on the scale people read (ratios for ratio measures)."""
    return fmt.format_effect_ci(bundle.natural(estimate), bundle.natural(lower), bundle.natural(upper))


def _subgroup_lines(bundle: AnalysisBundle, width: int) -> list[str]:
    """RevMan's subgrouped analysis: each subgroup's subtotal with its heterogeneity and overall-effect lines."""
    sg = bundle.subgroups
    if not sg:
        return []
    level = round(100 * bundle.pooled.level)
    tau_model = "a separate Tau² in each subgroup" if sg.model == "separate" else "a common Tau²"
    lines = ["", f"Subgroups by {sg.variable} ({tau_model}):"]
    studies = bundle.studies
    for g in sg.groups:
        weight = sum(w for i in g.study_indices if studies[i].included and (w := studies[i].weight_percent) is not None)
        label = f"  {g.level} (k = {g.k})"
        lines.append(f"{label:<{width}}{'':<{EST_WIDTH}}")
        sub = f"    Subtotal ({level}% CI)"
        lines.append(f"{sub:<{width}}{effect_text(bundle, g.estimate, g.ci_lower, g.ci_upper):<{EST_WIDTH}}"
                     f"{fmt.format_percent(weight, 1)}")
        tau2 = g.tau2 if bundle.pooled.random else None
        if g.q is not None and g.q_df:
            lines.append("    " + fmt.heterogeneity_text(q=g.q, df=g.q_df, q_p=g.q_p, i2=g.i2, tau2=tau2))
        else:
            lines.append("    Heterogeneity: Not applicable")
        if g.statistic is not None and g.p_value is not None:
            lines.append("    " + fmt.overall_effect_text(g.statistic, g.p_value, g.df))
        else:
            lines.append("    Test for overall effect: Not applicable")
    lines.append(bundle.text["subgroup_difference"])
    return lines


def render_text(bundle: AnalysisBundle) -> str:
    """Render an analysis as a readable report with every computed section."""
    from evisynth.analyses.text_dependent import dependent_lines
    from evisynth.analyses.text_sections import bias_lines, regression_lines, sensitivity_lines

    p, h = bundle.pooled, bundle.heterogeneity
    lines = [f"evisynth {bundle.evisynth_version}: {bundle.measure_label} ({method_line(p)})",
             f"Data: {bundle.source}", ""]
    width = max([len("Total (95% CI)"), len("Prediction interval"), len("    Subtotal (95% CI)")]
                + [len(s.study) for s in bundle.studies]) + 2
    lines.append(f"{'Study':<{width}}{'Estimate [CI]':<{EST_WIDTH}}Weight")
    for s in bundle.studies:
        if not s.included or not s.estimable:
            lines.append(f"{s.study:<{width}}{'Not estimable':<{EST_WIDTH}}{s.note or ''}")
            continue
        est = effect_text(bundle, s.yi, s.ci_lower, s.ci_upper)
        lines.append(f"{s.study:<{width}}{est:<{EST_WIDTH}}{fmt.format_percent(s.weight_percent, 1)}")
    total = effect_text(bundle, p.estimate, p.ci_lower, p.ci_upper)
    label = f"Total ({round(100 * p.level)}% CI)"
    lines.append(f"{label:<{width}}{total:<{EST_WIDTH}}100.0%")
    pi_lower, pi_upper = p.prediction_interval()
    if pi_lower is not None:
        lines.append(f"{'Prediction interval':<{width}}{fmt.format_ci(bundle.natural(pi_lower), bundle.natural(pi_upper))}")
    text = bundle.text
    lines += ["", text["heterogeneity"], text["overall_effect"]]
    if p.random and h.tau2_ci_lower is not None:
        above = ">" if h.tau2_ci_upper_censored else ""  # limit beyond the search bound
        lines.append(
            f"Tau² = {fmt.format_number(h.tau2, 4)} [{fmt.format_number(h.tau2_ci_lower, 4)}, "
            f"{above}{fmt.format_number(h.tau2_ci_upper, 4)}] (Q-profile); I² = {fmt.format_percent(h.i2, 1)} "
            f"[{fmt.format_percent(h.i2_ci_lower, 1)}, {above}{fmt.format_percent(h.i2_ci_upper, 1)}]"
        )
    lines += dependent_lines(bundle)
    lines += _subgroup_lines(bundle, width)
    lines += regression_lines(bundle)
    lines += bias_lines(bundle)
    lines += sensitivity_lines(bundle)
    if bundle.warnings:
        lines += ["", *[f"Warning: {w}" for w in bundle.warnings]]
    return "\n".join(line.rstrip() for line in lines) + "\n"
