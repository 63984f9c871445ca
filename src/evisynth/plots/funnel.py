"""Contour-enhanced funnel plot with trim-and-fill imputed studies (open points).

Effect estimates (analysis scale; natural-scale tick labels for ratio measures) against their
standard errors, with the standard error axis reversed. Shaded regions mark where a study
would be statistically significant at two-sided P < 0.10, 0.05 and 0.01 against the line of
no effect (Peters et al., J Clin Epidemiol 2008;61:991-6); dashed lines are the pseudo 95%
confidence limits around the pooled estimate (Sterne & Egger 2001).
"""

from __future__ import annotations

import math
from typing import Any

from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots._layout import Line, Point, Region, ScatterLayout, is_number, range_axis


def funnel_layout(doc: dict[str, Any], *, contours: bool = True, trim_and_fill: bool = True,
                  title: str | None = "Funnel plot", width: float = 6.5, height: float = 4.2) -> ScatterLayout:
    """Lay out a funnel plot of the included studies of an analysis document."""
    studies = [s for s in doc["studies"] if s.get("included", True) and is_number(s.get("yi")) and is_number(s.get("se"))]
    if not studies:
        raise InputError("a funnel plot needs at least one estimable study")
    p = doc["pooled"]
    est = p.get("estimate") if is_number(p.get("estimate")) else 0.0
    tf = ((doc.get("publication_bias") or {}).get("trim_and_fill") or {}) if trim_and_fill else {}
    filled = [f for f in tf.get("filled") or [] if is_number(f.get("yi")) and is_number(f.get("vi"))]
    ses = [s["se"] for s in studies] + [math.sqrt(f["vi"]) for f in filled]
    se_max = max(ses) * 1.08 if max(ses) > 0 else 1.0
    z95 = _theme.CONTOUR_Z[0.05]
    xs = [s["yi"] for s in studies] + [f["yi"] for f in filled]
    span = [est - z95 * se_max, est + z95 * se_max, 0.0]
    if contours:
        span += [-_theme.CONTOUR_Z[0.01] * se_max * 1.05, _theme.CONTOUR_Z[0.01] * se_max * 1.05]
    log = bool(doc.get("log_scale"))
    x_axis = range_axis(xs, include=span, log=log, label=doc.get("measure_label", "Effect")
                        + (" (log scale)" if log else ""), pad=0.03)
    y_axis = range_axis([0.0, se_max], label="Standard error", pad=0.0)
    y_axis = type(y_axis)(0.0, se_max, tuple(t for t in y_axis.ticks if t <= se_max), tuple(
        lab for t, lab in zip(y_axis.ticks, y_axis.tick_labels, strict=True) if t <= se_max), False, None,
        "Standard error")
    regions: list[Region] = []
    legend: list[tuple[str, str]] = [("P > 0.10", "region:#ffffff")] if contours else []
    if contours:
        for inner, outer, colour, label in _theme.CONTOURS:
            for sign in (1, -1):
                if outer is None:
                    edge = x_axis.upper if sign > 0 else x_axis.lower
                    pts = [(0.0, 0.0), (sign * inner * se_max, se_max), (edge, se_max), (edge, 0.0)]
                else:
                    pts = [(0.0, 0.0), (sign * inner * se_max, se_max), (sign * outer * se_max, se_max)]
                regions.append(Region(tuple(x for x, _ in pts), tuple(y for _, y in pts), colour, label))
            legend.append((label, f"region:{colour}"))
    lines = [
        Line((est, est), (0.0, se_max), "solid", _theme.INK, 0.8, "Pooled estimate"),
        Line((est, est - z95 * se_max), (0.0, se_max), "dashed", _theme.MUTED, 0.7, "Pseudo 95% CI"),
        Line((est, est + z95 * se_max), (0.0, se_max), "dashed", _theme.MUTED, 0.7),
    ]
    points = [Point(s["yi"], s["se"], 1.0, s["study"], "study") for s in studies]
    points += [Point(f["yi"], math.sqrt(f["vi"]), 1.0, "filled", "filled") for f in filled]
    legend = [("Studies", "study")] + ([("Imputed (trim-and-fill)", "filled")] if filled else []) + [
        ("Pooled estimate", "solid"), ("Pseudo 95% CI", "dashed")] + legend
    caption = []
    if tf and is_number(tf.get("estimate")):
        adj = tf["estimate"]
        lines.append(Line((adj, adj), (0.0, se_max), "dotted", _theme.INK, 0.9, "Adjusted estimate"))
        legend.append(("Trim-and-fill estimate", "dotted"))
        caption.append(f"Trim-and-fill: {tf.get('k0', 0)} studies imputed on the {tf.get('side', '?')} side")
    egger = (doc.get("publication_bias") or {}).get("egger") or {}
    if is_number(egger.get("p_value")):
        caption.append(f"Egger's test: {fmt.p_text(egger['p_value'])}")
    if len(studies) < 10:
        caption.append(f"only {len(studies)} studies: funnel asymmetry is hard to judge with fewer than 10")
    return ScatterLayout("funnel", title or "", x_axis, y_axis, tuple(points), tuple(lines), tuple(regions),
                         invert_y=True, legend=tuple(legend), caption="; ".join(caption), width=width,
                         height=height)


def draw(layout: ScatterLayout, fig: Any = None) -> Any:
    """Render a funnel layout on a Figure."""
    from evisynth.plots._scatter import draw_scatter

    return draw_scatter(layout, fig)


def funnel_plot(doc: dict[str, Any], **kwargs: Any) -> Any:
    """Layout and draw in one call."""
    return draw(funnel_layout(doc, **kwargs))
