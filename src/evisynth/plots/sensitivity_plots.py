"""Leave-one-out and cumulative forest plots, drawn from the document's ``sensitivity`` section.

Both reuse the forest plot's geometry and renderer: one row per re-analysis (estimate with its
confidence interval, P value and I²), then the full analysis as a diamond.
"""

from __future__ import annotations

import math
from typing import Any

from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.plots._layout import Axis, is_number, symmetric_axis
from evisynth.plots.forest import ForestLayout, ForestRow, _favours, _method_header, assemble, draw

__all__ = ["cumulative_layout", "draw", "leave_one_out_layout"]


def _disp(doc: dict[str, Any], d: dict[str, Any], key: str) -> float | None:
    if doc.get("log_scale"):
        if is_number(d.get(f"{key}_exp")):
            return d[f"{key}_exp"]
        return math.exp(d[key]) if is_number(d.get(key)) else None
    return d.get(key)


def _row(doc: dict[str, Any], label: str, r: dict[str, Any], kind: str = "study") -> ForestRow:
    cells = {"effect": fmt.format_effect_ci(_disp(doc, r, "estimate"), _disp(doc, r, "ci_lower"),
                                            _disp(doc, r, "ci_upper")),
             "p": fmt.format_p(r.get("p_value")) if is_number(r.get("p_value")) else "",
             "i2": fmt.format_percent(r.get("i2")) if is_number(r.get("i2")) else ""}
    return ForestRow(kind, label, cells, r.get("estimate"), r.get("ci_lower"), r.get("ci_upper"),
                     1.0 if kind == "study" else None)


def _layout(doc: dict[str, Any], rows: list[ForestRow], label_header: str, title: str | None,
            lower_is_better: bool, intervention: str, comparison: str) -> ForestLayout:
    p, h = doc["pooled"], doc["heterogeneity"]
    level = fmt.format_count(100 * float(p.get("level", 0.95)))
    rows = [*rows, ForestRow("blank"), _row(doc, f"All studies ({level}% CI)", {**p, "i2": h.get("i2")}, "total")]
    vals = [abs(v) for r in rows for v in (r.estimate, r.lower, r.upper) if is_number(v)]
    axis: Axis = symmetric_axis(max(vals, default=1.0), log=bool(doc.get("log_scale")),
                                label=doc.get("measure_label", "Effect"))
    measure = doc.get("measure_label", "Effect")
    headers = [("label", label_header, "", "left"), ("effect", _method_header(doc), measure, "center")]
    for key, head in (("p", "P"), ("i2", "I²")):  # only columns the re-analyses report
        if any(r.cells.get(key) for r in rows if r.kind == "study"):
            headers.append((key, head, "", "right"))
        else:
            rows = [ForestRow(r.kind, r.label, {k: v for k, v in r.cells.items() if k != key}, r.estimate, r.lower,
                              r.upper, r.weight) for r in rows]
    from evisynth.plots.forest import ForestOptions

    fav = _favours(ForestOptions(lower_is_better=lower_is_better, intervention=intervention, comparison=comparison))
    return assemble(rows, headers, axis, measure, _method_header(doc), fav, (), title, wide_after=("label", "effect"),
                    square_side=5.0)


def leave_one_out_layout(doc: dict[str, Any], *, title: str | None = "Leave-one-out analysis",
                         lower_is_better: bool = True, intervention: str = "Experimental",
                         comparison: str = "Control") -> ForestLayout:
    """Rows ``Omitting <study>`` from ``doc["sensitivity"]["leave_one_out"]``."""
    loo = (doc.get("sensitivity") or {}).get("leave_one_out")
    if not loo:
        raise InputError("the analysis document has no leave-one-out results (run with --sensitivity)")
    rows = [_row(doc, f"Omitting {r.get('omitted', r.get('study', '?'))}", r) for r in loo]
    return _layout(doc, rows, "Study omitted", title, lower_is_better, intervention, comparison)


def cumulative_layout(doc: dict[str, Any], *, title: str | None = "Cumulative meta-analysis",
                      lower_is_better: bool = True, intervention: str = "Experimental",
                      comparison: str = "Control") -> ForestLayout:
    """Rows ``+ <study>`` (first row: the first study) from ``doc["sensitivity"]["cumulative"]``."""
    cum = (doc.get("sensitivity") or {}).get("cumulative")
    if not cum:
        raise InputError("the analysis document has no cumulative results (run with --sensitivity)")
    rows = [_row(doc, ("+ " if i else "") + str(r.get("added", r.get("study", "?"))), r) for i, r in enumerate(cum)]
    order = (doc.get("settings") or {}).get("order")
    return _layout(doc, rows, f"Study added{f' (by {order})' if order else ''}", title, lower_is_better,
                   intervention, comparison)
