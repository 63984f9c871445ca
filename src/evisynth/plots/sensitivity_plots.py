"""Leave-one-out and cumulative forest plots, drawn from the analysis' ``sensitivity`` results.

Both reuse the forest plot's geometry and renderer: one row per re-analysis
(:class:`~evisynth.analyses.results.LeaveOneOutRow` or
:class:`~evisynth.analyses.results.CumulativeRow`: estimate with its confidence interval, P value
and I²), then the full analysis (``bundle.pooled`` with the I² of ``bundle.heterogeneity``) as a
diamond.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.plots._forest_geometry import ForestLayout, ForestRow, assemble, favours_labels, forest_axis
from evisynth.plots._layout import Axis, is_number
from evisynth.plots.forest import draw, method_header

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle

__all__ = ["cumulative_layout", "draw", "leave_one_out_layout"]


def _row(bundle: AnalysisBundle, label: str, estimate: float | None, lower: float | None, upper: float | None,
         p_value: float | None, i2: float | None, kind: str = "study") -> ForestRow:
    cells = {"effect": fmt.format_effect_ci(bundle.natural(estimate), bundle.natural(lower), bundle.natural(upper)),
             "p": fmt.format_p(p_value) if is_number(p_value) else "",
             "i2": fmt.format_percent(i2) if is_number(i2) else ""}
    return ForestRow(kind, label, cells, estimate, lower, upper, 1.0 if kind == "study" else None)


def _layout(bundle: AnalysisBundle, rows: list[ForestRow], label_header: str, title: str | None,
            lower_is_better: bool, intervention: str, comparison: str) -> ForestLayout:
    p = bundle.pooled
    level = fmt.format_count(100 * p.level)
    rows = [*rows, ForestRow("blank"), _row(bundle, f"All studies ({level}% CI)", p.estimate, p.ci_lower,
                                            p.ci_upper, p.p_value, bundle.heterogeneity.i2, "total")]
    vals = [v for r in rows for v in (r.estimate, r.lower, r.upper) if is_number(v)]
    measure = bundle.measure_label
    fav = favours_labels(intervention, comparison, lower_is_better=lower_is_better)
    left = max((-v for v in vals if v < 0), default=0.0)
    right = max((v for v in vals if v > 0), default=0.0)
    axis: Axis = forest_axis(left, right, fav, log=bundle.log_scale, label=measure) if left or right \
        else forest_axis(1.0, 1.0, fav, log=bundle.log_scale, label=measure)
    method = method_header(p)
    headers = [("label", label_header, "", "left"), ("effect", method, measure, "center")]
    for key, head in (("p", "P"), ("i2", "I²")):  # only columns the re-analyses report
        if any(r.cells.get(key) for r in rows if r.kind == "study"):
            headers.append((key, head, "", "right"))
        else:
            rows = [ForestRow(r.kind, r.label, {k: v for k, v in r.cells.items() if k != key}, r.estimate, r.lower,
                              r.upper, r.weight) for r in rows]
    return assemble(rows, headers, axis, measure, method, fav, (), title, wide_after=("label", "effect"),
                    square_side=5.0)


def _none(part: str) -> InputError:
    return InputError(f"the analysis has no {part} results (run with --sensitivity)")


def leave_one_out_layout(bundle: AnalysisBundle, *, title: str | None = "Leave-one-out analysis",
                         lower_is_better: bool = True, intervention: str = "Experimental",
                         comparison: str = "Control") -> ForestLayout:
    """Rows ``Omitting <study>`` from ``bundle.sensitivity.leave_one_out``."""
    sens = bundle.sensitivity
    if sens is None or not sens.leave_one_out:
        raise _none("leave-one-out")
    rows = [_row(bundle, f"Omitting {r.omitted}", r.estimate, r.ci_lower, r.ci_upper, r.p_value, r.i2)
            for r in sens.leave_one_out]
    return _layout(bundle, rows, "Study omitted", title, lower_is_better, intervention, comparison)


def cumulative_layout(bundle: AnalysisBundle, *, title: str | None = "Cumulative meta-analysis",
                      lower_is_better: bool = True, intervention: str = "Experimental",
                      comparison: str = "Control") -> ForestLayout:
    """Rows ``+ <study>`` (first row: the first study) from ``bundle.sensitivity.cumulative``."""
    sens = bundle.sensitivity
    if sens is None or not sens.cumulative:
        raise _none("cumulative")
    rows = [_row(bundle, ("+ " if i else "") + r.added, r.estimate, r.ci_lower, r.ci_upper, r.p_value, r.i2)
            for i, r in enumerate(sens.cumulative)]
    order = sens.order
    return _layout(bundle, rows, f"Study added{f' (by {order})' if order else ''}", title, lower_is_better,
                   intervention, comparison)
