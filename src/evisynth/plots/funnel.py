"""Contour-enhanced funnel plot with trim-and-fill imputed studies (open points).

Effect estimates (analysis scale; natural-scale tick labels for ratio measures) against their
standard errors, with the standard error axis reversed. Shaded regions mark where a study
would be statistically significant at two-sided P < 0.10, 0.05 and 0.01 against the line of
no effect (Peters et al., J Clin Epidemiol 2008;61:991-6); dashed lines are the pseudo 95%
confidence limits around the pooled estimate (Sterne & Egger 2001).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots._layout import Line, Point, Region, ScatterLayout, is_number, range_axis
from evisynth.plots._scatter_geometry import finish

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle


def funnel_layout(bundle: AnalysisBundle, *, contours: bool = True, trim_and_fill: bool = True,
                  title: str | None = "Funnel plot", width: float = 5.5, height: float = 4.6) -> ScatterLayout:
    """Lay out a funnel plot of the included studies of an analysis.

    The studies are ``bundle.studies`` (effect and standard error), the vertical line is
    ``bundle.pooled.estimate``; with ``trim_and_fill`` the imputed studies and the adjusted
    estimate are those of ``bundle.publication_bias.trim_and_fill`` and the caption gives
    Egger's test (``bundle.publication_bias.egger``) when the analysis ran the bias tests.
    """
    studies = [(s.study, y, se) for s in bundle.included if is_number(y := s.yi) and is_number(se := s.se)]
    if not studies:
        raise InputError("a funnel plot needs at least one estimable study")
    est = bundle.pooled.estimate if is_number(bundle.pooled.estimate) else 0.0
    bias = bundle.publication_bias
    tf = bias.trim_and_fill if bias is not None and trim_and_fill else None
    filled = [(y, v) for f in (tf.filled if tf is not None else ()) if is_number(y := f.yi) and is_number(v := f.vi)]
    ses = [se for _, _, se in studies] + [math.sqrt(v) for _, v in filled]
    se_max = max(ses) * 1.08 if max(ses) > 0 else 1.0
    z95 = _theme.CONTOUR_Z[0.05]
    xs = [y for _, y, _ in studies] + [y for y, _ in filled]
    span = [est - z95 * se_max, est + z95 * se_max, 0.0]
    if contours:
        span += [-_theme.CONTOUR_Z[0.01] * se_max * 1.05, _theme.CONTOUR_Z[0.01] * se_max * 1.05]
    log = bundle.log_scale
    x_axis = range_axis(xs, include=span, log=log, label=bundle.measure_label + (" (log scale)" if log else ""),
                        pad=0.03)
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
    points = [Point(y, se, 1.0, name, "study") for name, y, se in studies]
    points += [Point(y, math.sqrt(v), 1.0, "filled", "filled") for y, v in filled]
    legend = [("Studies", "study")] + ([("Imputed (trim-and-fill)", "filled")] if filled else []) + [
        ("Pooled estimate", "solid"), ("Pseudo 95% CI", "dashed")] + legend
    caption = []
    if tf is not None and is_number(tf.estimate):
        adj = tf.estimate
        lines.append(Line((adj, adj), (0.0, se_max), "dotted", _theme.INK, 0.9, "Adjusted estimate"))
        legend.append(("Trim-and-fill estimate", "dotted"))
        caption.append(f"Trim-and-fill: {tf.k0} studies imputed on the {tf.side} side")
    if bias is not None and is_number(bias.egger.p_value):
        caption.append(f"Egger's test: {fmt.p_text(bias.egger.p_value)}")
    if len(studies) < 10:
        caption.append(f"only {len(studies)} studies: funnel asymmetry is hard to judge with fewer than 10")
    return finish(ScatterLayout("funnel", title or "", x_axis, y_axis, tuple(points), tuple(lines), tuple(regions),
                                invert_y=True, legend=tuple(legend), caption="; ".join(caption), width=width,
                                height=height))


def draw(layout: ScatterLayout, fig: Any = None) -> Any:
    """Render a funnel layout on a Figure."""
    from evisynth.plots._scatter import draw_scatter

    return draw_scatter(layout, fig)


def funnel_plot(bundle: AnalysisBundle, **kwargs: Any) -> Any:
    """Layout and draw in one call."""
    return draw(funnel_layout(bundle, **kwargs))
