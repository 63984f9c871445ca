"""The sections of the printed analysis after the pooled result (:func:`evisynth.analyses.text.render_text`).

Each function returns the lines of one section (an empty list when the section was not
computed), every number read from one field of the typed results and written by
:mod:`evisynth.format`:

* :func:`regression_lines` — the meta-regression: coefficients with their permutation P values,
  the test of moderators (and its permutation P value), residual heterogeneity and R², and each
  prediction with its confidence and prediction intervals;
* :func:`bias_lines` — Egger's tests, Begg's test, trim-and-fill with the adjusted estimate and
  the fail-safe N of Rosenthal, Orwin and Rosenberg;
* :func:`sensitivity_lines` — leave-one-out and cumulative meta-analyses (RevMan-like rows:
  estimate with CI, P, Tau², I²) and the influence diagnostics.

Effects and intervals are on the scale people read (ratios for ratio measures); meta-regression
coefficients stay on the analysis scale (log for ratio measures), as the note says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evisynth import format as fmt
from evisynth.analyses.results import EggerMixed, EggerTest

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle


def _p(p: float | None) -> str:
    return "" if p is None else fmt.format_p(p)


def _num(x: float | None, decimals: int) -> str:
    return "" if x is None else fmt.format_number(x, decimals)


def _effect(bundle: AnalysisBundle, estimate: float | None, lower: float | None, upper: float | None) -> str:
    return fmt.format_effect_ci(bundle.natural(estimate), bundle.natural(lower), bundle.natural(upper))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> list[str]:
    """Rows aligned in columns (the first ``left`` columns left-aligned, the others right-aligned), indented."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    out = []
    for row in (header, *rows):
        cells = [f"{c:<{w}}" if j < left else f"{c:>{w}}" for j, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  " + "  ".join(cells))
    return out


def regression_lines(bundle: AnalysisBundle) -> list[str]:
    """The meta-regression section (empty without one)."""
    mr = bundle.meta_regression
    if mr is None:
        return []
    level = round(100 * mr.level)
    model = "mixed-effects" if mr.model == "random" else "common-effect"
    test = {"z": "z", "hksj": "Knapp-Hartung t", "hksj-adhoc": "Knapp-Hartung t (ad hoc)"}.get(mr.test, mr.test)
    lines = ["", f"Meta-regression ({model}, {mr.method}, {test} test; k = {mr.k}):"]
    perm = mr.permutation_p
    header = ["Term", "Estimate", "SE", f"{level}% CI", "P", *(["Permutation P"] if perm else [])]
    rows = []
    for i, c in enumerate(mr.coefficients):
        row = [c.name, _num(c.estimate, 4), _num(c.se, 4), fmt.format_ci(c.ci_lower, c.ci_upper, 4), _p(c.p_value)]
        if perm:
            row.append(_p(perm[i]) if i < len(perm) else "")
        rows.append(row)
    lines += _table(header, rows)
    if mr.qm is not None:
        stat = (f"F = {fmt.format_number(mr.qm, 2)}, df = {mr.qm_df}, {mr.qm_df2}" if mr.qm_test == "F"
                else f"QM = {fmt.format_number(mr.qm, 2)}, df = {mr.qm_df}")
        test_line = f"  Test of moderators: {stat} ({fmt.p_text(mr.qm_p)})"
        if mr.permutation_qm_p is not None and mr.permutations is not None:
            pi = mr.permutations
            kind = "exact permutation test" if pi.exact else f"{pi.iterations} permutations, seed {pi.seed}"
            test_line += f"; permutation {fmt.p_text(mr.permutation_qm_p)} ({kind})"
        lines.append(test_line)
    resid = [f"QE = {fmt.format_number(mr.qe, 2)}, df = {mr.qe_df} ({fmt.p_text(mr.qe_p)})"] if mr.qe is not None else []
    if mr.model == "random":
        resid.insert(0, f"Tau² = {fmt.format_number(mr.tau2, 4)}")
        if mr.i2 is not None:
            resid.append(f"I² = {fmt.format_percent(mr.i2)}")
        if mr.r2 is not None:
            resid.append(f"R² = {fmt.format_percent(mr.r2, 1)}")
    if resid:
        lines.append("  Residual heterogeneity: " + "; ".join(resid))
    for pr in mr.predictions:
        at = ", ".join(f"{k} = {fmt.format_data_value(v) if isinstance(v, (int, float)) else v}"
                       for k, v in pr.at.items())
        text = f"  Predicted effect at {at}: {_effect(bundle, pr.estimate, pr.ci_lower, pr.ci_upper)}"
        if pr.pi_lower is not None and pr.pi_upper is not None:
            text += f"; prediction interval {fmt.format_ci(bundle.natural(pr.pi_lower), bundle.natural(pr.pi_upper))}"
        lines.append(text)
    if bundle.log_scale:
        lines.append(f"  Coefficients are on the log scale; predictions are {bundle.measure_label.lower()}s.")
    if mr.omitted:
        lines.append(f"  Not in the model (missing moderator values): {', '.join(mr.omitted)}")
    if mr.note:
        lines.append(f"  Note: {mr.note}")
    return lines


def _egger(name: str, e: EggerTest | EggerMixed) -> str:
    stat = "t" if e.df is not None else "z"
    text = f"  {name}: {stat} = {fmt.format_number(e.statistic, 2)}"
    if e.df is not None:
        text += f", df = {e.df}"
    text += f" ({fmt.p_text(e.p_value)})"
    if e.bias is not None:
        text += f"; bias {fmt.format_number(e.bias, 3)} (SE {fmt.format_number(e.bias_se, 3)})"
    return text


def bias_lines(bundle: AnalysisBundle) -> list[str]:
    """The small-study and publication-bias section (empty without one)."""
    pb = bundle.publication_bias
    if pb is None:
        return []
    b = pb.begg
    lines = ["", f"Small-study effects and publication bias (k = {pb.k}):",
             _egger("Egger's regression test", pb.egger), _egger("Egger's test (mixed-effects)", pb.egger_mixed),
             f"  Begg's rank correlation: Kendall's tau = {fmt.format_number(b.kendall_tau, 3)} "
             f"({fmt.p_text(b.p_value)}{', exact' if b.exact else ''})"]
    tf = pb.trim_and_fill
    if tf is not None:
        n = "study" if tf.k0 == 1 else "studies"
        text = f"  Trim-and-fill ({tf.estimator} estimator): {tf.k0} {n} imputed on the {tf.side} side"
        if tf.estimate is not None:
            level = round(100 * tf.level)
            text += (f"; adjusted estimate {_effect(bundle, tf.estimate, tf.ci_lower, tf.ci_upper)}"
                     f" ({level}% CI; {fmt.p_text(tf.p_value)}; k = {tf.k})")
        lines.append(text)
    fs = pb.fail_safe_n
    parts = []
    if fs.rosenthal is not None:
        parts.append(f"Rosenthal {fmt.format_count(fs.rosenthal)}" + (f" ({fmt.p_text(fs.rosenthal_p)})"
                                                                      if fs.rosenthal_p is not None else ""))
    if fs.orwin is not None:
        target = f" (target {fmt.format_number(fs.orwin_target, 3)})" if fs.orwin_target is not None else ""
        parts.append(f"Orwin {fmt.format_count(fs.orwin)}{target}")
    if fs.rosenberg is not None:
        parts.append(f"Rosenberg {fmt.format_count(fs.rosenberg)}" + (f" ({fmt.p_text(fs.rosenberg_p)})"
                                                                      if fs.rosenberg_p is not None else ""))
    if parts:
        lines.append(f"  Fail-safe N (alpha = {fmt.format_number(fs.alpha, 2)}): " + ", ".join(parts))
    if pb.k < 10:
        lines.append("  Tests for funnel asymmetry have low power with fewer than 10 studies.")
    if pb.note:
        lines.append(f"  Note: {pb.note}")
    return lines


def sensitivity_lines(bundle: AnalysisBundle) -> list[str]:
    """Leave-one-out, cumulative and influence sections (empty without sensitivity analyses)."""
    sens = bundle.sensitivity
    if sens is None:
        return []
    level = round(100 * bundle.pooled.level)
    lines: list[str] = []
    est = f"Estimate [{level}% CI]"
    for title, head, rows in (
            ("Leave-one-out analysis:", "Study omitted", [(r.omitted, r) for r in sens.leave_one_out]),
            ("Cumulative meta-analysis" + (f" (ordered by {sens.order}):" if sens.order else " (in input order):"),
             "Study added", [(r.added, r) for r in sens.cumulative])):
        if not rows:
            continue
        body = [[label, str(r.k) if r.k is not None else "",
                 _effect(bundle, r.estimate, r.ci_lower, r.ci_upper),
                 _p(r.p_value), _num(r.tau2, 4), "" if r.i2 is None else fmt.format_percent(r.i2)]
                for label, r in rows]
        lines += ["", title, *_table([head, "k", est, "P", "Tau²", "I²"], body)]
    if sens.influence:
        header = ["Study", "rstudent", "DFFITS", "Cook's D", "COVRATIO", "Tau² (del)", "QE (del)", "Hat",
                  "Weight", "DFBETAS", "Influential"]
        body = [[r.study, _num(r.rstudent, 3), _num(r.dffits, 3), _num(r.cook_d, 3), _num(r.cov_r, 3),
                 _num(r.tau2_deleted, 4), _num(r.q_deleted, 2), _num(r.hat, 3),
                 "" if r.weight_percent is None else fmt.format_percent(r.weight_percent, 1), _num(r.dfbetas, 3),
                 "yes" if r.influential else ""] for r in sens.influence]
        lines += ["", "Influence diagnostics (case deletion):", *_table(header, body)]
    elif sens.influence_note:
        lines += ["", f"Influence diagnostics: {sens.influence_note}"]
    return lines
