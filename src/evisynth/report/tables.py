"""The report's tables as plain data (title, header, rows of text), each built only when present.

Rendering to HTML and Markdown is done by :mod:`evisynth.report.html_report` and
:mod:`evisynth.report.markdown`; every number here is written by :mod:`evisynth.format` from a
field of the analysis' result objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from evisynth import format as fmt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.results import EggerMixed, EggerTest
from evisynth.plots._arm_data import arm_cells, derived_legend, has_derived
from evisynth.report.results_text import Estimate

_DATA_COLUMNS = {
    "continuous": (("m1", "Mean (E)"), ("sd1", "SD (E)"), ("n1", "Total (E)"), ("m2", "Mean (C)"), ("sd2", "SD (C)"),
                   ("n2", "Total (C)")),
    "binary": (("events1", "Events (E)"), ("n1", "Total (E)"), ("events2", "Events (C)"), ("n2", "Total (C)")),
}


@dataclass(frozen=True)
class Table:
    """A titled table of already formatted cells; ``align`` holds ``l``/``r`` per column."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _eci(a: AnalysisBundle, r: Estimate) -> str:
    return fmt.format_effect_ci(a.natural(r.estimate), a.natural(r.ci_lower), a.natural(r.ci_upper))


def _level(a: AnalysisBundle) -> str:
    return f"{fmt.format_count(100 * a.pooled.level)}% CI"


def _opt(x: float | None, decimals: int = 2) -> str:
    return "" if x is None else fmt.format_number(x, decimals)


def study_table(a: AnalysisBundle) -> Table:
    """Study data, effect with CI and weight, with the note on each study."""
    cols = _DATA_COLUMNS.get(a.data_type, ())
    header = ("Study", *[h for _, h in cols], f"{a.measure_label} [{_level(a)}]", "Weight", "Note")
    rows = []
    arm = arm_cells(a.studies, [k for k, _ in cols])
    for s, texts in zip(a.studies, arm, strict=True):
        cells = [s.study, *[texts[k] for k, _ in cols]]
        if s.included and s.estimable:
            cells += [fmt.format_effect_ci(a.natural(s.yi), a.natural(s.ci_lower), a.natural(s.ci_upper)),
                      fmt.format_percent(s.weight_percent, 1) if s.weight_percent is not None else ""]
        else:
            cells += ["Not estimable", ""]
        cells.append(s.note or "")
        rows.append(tuple(cells))
    align = ("l", *["r"] * len(cols), "r", "r", "l")
    notes = ["E = experimental group, C = control group; values as entered."] if cols else []
    if has_derived(a.studies, [k for k, _ in cols]):
        notes.append(derived_legend() + ".")
    return Table("studies", "Study data", header, tuple(rows), align, tuple(notes))


def pooled_table(a: AnalysisBundle) -> Table:
    """The pooled result with heterogeneity and the prediction interval."""
    p, h = a.pooled, a.heterogeneity
    model = "Random effects" if p.random else "Common effect"
    header = ("Model", "k", f"Estimate [{_level(a)}]", "P", "Tau²", "I²", "Chi² (df), P", "Prediction interval")
    lower, upper = p.prediction_interval()
    pi = fmt.format_ci(a.natural(lower), a.natural(upper)) if lower is not None else ""
    tau2 = fmt.format_number(h.tau2, 4) if p.random else ""
    q = f"{fmt.format_number(h.q, 2)} ({h.q_df}), {fmt.format_p(h.q_p)}" if h.q is not None else ""
    row = (f"{model} ({p.method}, {p.test})", str(p.k), _eci(a, p), fmt.format_p(p.p_value), tau2,
           fmt.format_percent(h.i2), q, pi)
    notes = [a.text["heterogeneity"], a.text["overall_effect"]]
    if p.random and h.tau2_ci_lower is not None:
        notes.append(f"Tau² {fmt.format_ci(h.tau2_ci_lower, h.tau2_ci_upper, 4)} (Q-profile); "
                     f"I² {fmt.format_ci(h.i2_ci_lower, h.i2_ci_upper, 1)} %")
    return Table("pooled", "Pooled result", header, (row,), ("l", "r", "r", "r", "r", "r", "r", "r"),
                 tuple(n for n in notes if n))


#: What each column of the influence diagnostics means (the names metafor's ``influence()`` uses).
INFLUENCE_COLUMNS = {
    "rstudent": "studentized deleted residual", "dffits": "change in the fit, in SEs", "cook_d": "Cook's distance",
    "cov_r": "covariance ratio", "tau2_deleted": "Tau² without the study", "q_deleted": "Q without the study",
    "hat": "leverage", "weight_percent": "weight (%)", "dfbetas": "change in the estimate, in SEs",
    "influential": "flagged as influential",
}


def subgroup_table(a: AnalysisBundle) -> Table | None:
    """One row per subgroup, with the test for subgroup differences as a note."""
    sg = a.subgroups
    if not sg:
        return None
    header = (sg.variable, "k", f"Estimate [{_level(a)}]", "P", "Tau²", "I²", "Chi² (df), P")
    rows = []
    for g in sg.groups:
        if g.k == 1:  # one study: no heterogeneity to estimate (RevMan: "Not applicable")
            rows.append((g.level, "1", _eci(a, g), fmt.format_p(g.p_value), "-", "-", "Not applicable"))
            continue
        q = f"{fmt.format_number(g.q, 2)} ({g.q_df}), {fmt.format_p(g.q_p)}" if g.q is not None else ""
        rows.append((g.level, str(g.k), _eci(a, g), fmt.format_p(g.p_value), _opt(g.tau2, 4),
                     fmt.format_percent(g.i2) if g.i2 is not None else "", q))
    return Table("subgroups", f"Subgroups by {sg.variable}", header, tuple(rows),
                 ("l", "r", "r", "r", "r", "r", "r"), (a.text.get("subgroup_difference", ""),))


def meta_regression_table(a: AnalysisBundle) -> Table | None:
    """Coefficients of the meta-regression, with the test of moderators."""
    mr = a.meta_regression
    if not mr or not mr.coefficients:
        return None
    header = ("Term", "Estimate", "SE", _level(a), "P")
    rows = tuple((c.name, fmt.format_number(c.estimate, 4), fmt.format_number(c.se, 4),
                  fmt.format_ci(c.ci_lower, c.ci_upper, 4) if c.ci_lower is not None else "",
                  fmt.format_p(c.p_value) if c.p_value is not None else "")
                 for c in mr.coefficients)
    notes = []
    if mr.qm is not None:
        notes.append(f"Test of moderators: QM = {fmt.format_number(mr.qm, 2)}, df = {mr.qm_df}, {fmt.p_text(mr.qm_p)}")
    if mr.r2 is not None:
        notes.append(f"R² (heterogeneity accounted for) = {fmt.format_percent(mr.r2, 1)}")
    if mr.tau2 is not None:
        notes.append(f"Residual Tau² = {fmt.format_number(mr.tau2, 4)}")
    if a.log_scale:
        notes.append("Coefficients are on the log scale.")
    return Table("meta_regression", "Meta-regression", header, rows, ("l", "r", "r", "r", "r"), tuple(notes))


def _egger_row(name: str, e: EggerTest | EggerMixed) -> tuple[str, ...]:
    stat = f"{'t' if e.df is not None else 'z'} = {fmt.format_number(e.statistic, 2)}"
    if e.df is not None:
        stat += f", df = {e.df}"
    detail = f"bias {fmt.format_number(e.bias, 3)} (SE {fmt.format_number(e.bias_se, 3)})" if e.bias is not None else ""
    return (name, stat, fmt.format_p(e.p_value), detail)


def bias_table(a: AnalysisBundle) -> Table | None:
    """Egger, Begg, trim-and-fill and fail-safe N."""
    pb = a.publication_bias
    if not pb:
        return None
    rows = [_egger_row("Egger's regression test", pb.egger), _egger_row("Egger's test (mixed-effects)", pb.egger_mixed),
            ("Begg's rank correlation", f"Kendall's tau = {fmt.format_number(pb.begg.kendall_tau, 3)}",
             fmt.format_p(pb.begg.p_value), "")]
    tf = pb.trim_and_fill
    if tf is not None:
        adj = _eci(a, tf) if tf.estimate is not None else ""
        rows.append(("Trim-and-fill", f"{tf.k0} studies imputed ({tf.side} side)", "",
                     f"adjusted estimate {adj}" if adj else ""))
    fs = pb.fail_safe_n
    for method, value, p in (("Rosenthal", fs.rosenthal, fs.rosenthal_p), ("Orwin", fs.orwin, None),
                             ("Rosenberg", fs.rosenberg, fs.rosenberg_p)):
        if value is not None:
            rows.append((f"Fail-safe N ({method})", fmt.format_count(value), fmt.format_p(p) if p is not None else "",
                         ""))
    notes = ("Tests for funnel asymmetry have low power with fewer than 10 studies.",) if a.pooled.k < 10 else ()
    return Table("bias", "Small-study effects and publication bias", ("Method", "Result", "P", "Detail"),
                 tuple(rows), ("l", "l", "r", "l"), notes)


def sensitivity_tables(a: AnalysisBundle) -> list[Table]:
    """Leave-one-out, cumulative and influence tables, each when present."""
    sens = a.sensitivity
    if not sens:
        return []
    out = []
    for key, title, head, labelled in (
            ("leave_one_out", "Leave-one-out analysis", "Study omitted", [(r.omitted, r) for r in sens.leave_one_out]),
            ("cumulative", "Cumulative meta-analysis", "Study added", [(r.added, r) for r in sens.cumulative])):
        if labelled:
            body: tuple[tuple[str, ...], ...] = tuple((label, str(r.k) if r.k else "", _eci(a, r),
                          fmt.format_p(r.p_value) if r.p_value is not None else "", _opt(r.tau2, 4),
                          fmt.format_percent(r.i2) if r.i2 is not None else "") for label, r in labelled)
            out.append(Table(key, title, (head, "k", f"Estimate [{_level(a)}]", "P", "Tau²", "I²"), body,
                             ("l", "r", "r", "r", "r", "r")))
    if sens.influence:
        keys = [f.name for f in fields(sens.influence[0]) if f.name != "study"]
        keys = [k for k in keys if any(getattr(r, k) is not None for r in sens.influence)]
        body = tuple((r.study, *[_cell(getattr(r, k)) for k in keys]) for r in sens.influence)
        legend = "; ".join(f"{k}: {INFLUENCE_COLUMNS[k]}" for k in keys if k in INFLUENCE_COLUMNS)
        out.append(Table("influence", "Influence diagnostics", ("Study", *keys), body, ("l", *["r"] * len(keys)),
                         (legend + " (Viechtbauer & Cheung 2010).",) if legend else ()))
    return out


def _cell(x: Any) -> str:
    if isinstance(x, bool):
        return "yes" if x else ""
    if isinstance(x, (int, float)):
        return fmt.format_number(x, 3)
    return "" if x is None else str(x)


def all_tables(a: AnalysisBundle) -> list[Table]:
    """Every table the analysis supports, in report order."""
    tables = [study_table(a), pooled_table(a)]
    for t in (subgroup_table(a), meta_regression_table(a), bias_table(a)):
        if t is not None:
            tables.append(t)
    return tables + sensitivity_tables(a)
