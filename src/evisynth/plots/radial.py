"""Galbraith (radial) plot: standardised estimates ``y_i / s_i`` against precision ``1 / s_i``.

``s_i = sqrt(v_i + τ²)`` with the analysis' τ² (0 for a common-effect model), as metafor's
``radial()``; the line through the origin has the pooled estimate as its slope and the dashed
lines lie ±1.96 (the level's critical value) above and below it (Galbraith, Stat Med 1988).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from evisynth._dist import crit_norm
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots._layout import Line, Point, ScatterLayout, is_number, range_axis
from evisynth.plots._scatter_geometry import finish

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle


def radial_layout(bundle: AnalysisBundle, *, title: str | None = "Galbraith (radial) plot", width: float = 5.5,
                  height: float = 4.2) -> ScatterLayout:
    """Lay out a radial plot of the included studies.

    τ² is ``bundle.heterogeneity.tau2`` (0 for a common-effect model), the slope
    ``bundle.pooled.estimate`` and the band the normal critical value of ``bundle.pooled.level``.
    """
    p = bundle.pooled
    tau2 = bundle.heterogeneity.tau2 if p.random else 0.0
    tau2 = tau2 if is_number(tau2) else 0.0
    rows = [(s.study, y, v) for s in bundle.included if is_number(y := s.yi) and is_number(v := s.vi)]
    if len(rows) < 2:
        raise InputError("a radial plot needs at least 2 included studies")
    if not is_number(p.estimate):
        raise InputError("a radial plot needs a pooled estimate (the slope of its line)")
    pts = []
    for name, y, v in rows:
        sd = math.sqrt(v + tau2)
        pts.append(Point(1 / sd, y / sd, 1.0, name))
    est = p.estimate
    z = crit_norm(p.level)
    xmax = max(q.x for q in pts) * 1.08
    lines = (
        Line((0.0, xmax), (0.0, est * xmax), "solid", _theme.INK, 0.9),
        Line((0.0, xmax), (z, est * xmax + z), "dashed", _theme.MUTED, 0.7),
        Line((0.0, xmax), (-z, est * xmax - z), "dashed", _theme.MUTED, 0.7),
        Line((0.0, xmax), (0.0, 0.0), "dotted", _theme.MUTED, 0.6),
    )
    ys = [q.y for q in pts] + [z, -z, est * xmax + z, est * xmax - z]
    x_axis = range_axis([0.0, xmax], label="Precision (1 / SE)", pad=0.0)
    y_axis = range_axis(ys, label="Standardised estimate (estimate / SE)")
    unit = f"log {bundle.measure_label}" if bundle.log_scale else bundle.measure_label
    caption = f"Slope of the solid line = pooled estimate ({unit}); dashed lines: ±{z:.2f}"
    outside = sorted((q for q in pts if abs(q.y - est * q.x) > z), key=lambda q: -abs(q.y - est * q.x))
    lay = ScatterLayout("radial", title or "", x_axis, y_axis, tuple(pts), lines,
                        caption=caption + ("; studies outside the band are labelled" if outside else ""),
                        width=width, height=height)
    return finish(lay, [(q, q.label) for q in outside])


def draw(layout: ScatterLayout, fig: Any = None) -> Any:
    """Render a radial layout on a Figure."""
    from evisynth.plots._scatter import draw_scatter

    return draw_scatter(layout, fig)
