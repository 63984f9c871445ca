"""Meta-regression bubble plot: study effects against a moderator, points sized by weight.

The fitted line and its confidence band (or, for a categorical moderator, the fitted mean of
each level with its confidence interval) come from
:func:`evisynth.analyses.figure_data.bubble_fit`; this module only lays them out.
"""

from __future__ import annotations

from typing import Any

from evisynth import format as fmt
from evisynth.plots import _theme
from evisynth.plots._layout import Axis, Line, Point, Region, ScatterLayout, range_axis

#: Relative area of the heaviest study's bubble.
MAX_BUBBLE = 9.0


def bubble_layout(doc: dict[str, Any], fit: dict[str, Any], *, title: str | None = None,
                  width: float = 5.5, height: float = 4.2) -> ScatterLayout:
    """Lay out a bubble plot from an analysis document and a :func:`bubble_fit` result."""
    mod = fit["moderator"]
    wmax = max(fit["weight"]) or 1.0
    sizes = [max(0.25, MAX_BUBBLE * w / wmax) for w in fit["weight"]]
    log = bool(doc.get("log_scale"))
    ylabel = doc.get("measure_label", "Effect") + (" (log scale)" if log else "")
    lines: list[Line] = []
    regions: list[Region] = []
    points: list[Point] = []
    ys = list(fit["yi"]) + list(fit["ci_lower"]) + list(fit["ci_upper"])
    y_axis = range_axis(ys, include=[0.0], log=log, label=ylabel)
    level = fmt.format_count(100 * float(fit.get("level", 0.95)))
    if fit["categorical"]:
        levels = list(fit["levels"])
        counts: dict[str, int] = {}
        for name, x, y, size in zip(fit["study"], fit["x"], fit["yi"], sizes, strict=True):
            j = levels.index(x)
            n = counts.get(x, 0)
            counts[x] = n + 1
            offset = 0.06 * ((n + 1) // 2) * (1 if n % 2 else -1)  # deterministic spread, no jitter
            points.append(Point(j + max(-0.3, min(0.3, offset)), y, size, name))
        for j, (est, lo, hi) in enumerate(zip(fit["fit"], fit["ci_lower"], fit["ci_upper"], strict=True)):
            lines.append(Line((j + 0.38, j + 0.38), (lo, hi), "solid", _theme.INK, 1.2))
            points.append(Point(j + 0.38, est, 1.4, f"{levels[j]} (fitted)", "pooled"))
        x_axis = Axis(-0.5, len(levels) - 0.5, tuple(float(j) for j in range(len(levels))), tuple(levels), False,
                      None, mod)
        caption = f"Fitted mean per level with {level}% CI (diamonds); test of moderator: QM = " \
                  f"{fmt.format_number(fit['qm'], 2)}, df = {fit['qm_df']}, {fmt.p_text(fit['qm_p'])}"
    else:
        points = [Point(x, y, size, name) for name, x, y, size in zip(fit["study"], fit["x"], fit["yi"], sizes,
                                                                       strict=True)]
        grid = tuple(fit["grid"])
        regions.append(Region(grid + grid[::-1], tuple(fit["ci_upper"]) + tuple(fit["ci_lower"])[::-1],
                              _theme.BAND, f"{level}% CI"))
        lines.append(Line(grid, tuple(fit["fit"]), "solid", _theme.LINE, 1.2, "Fitted line"))
        x_axis = range_axis(fit["x"], label=mod)
        caption = f"Slope {fmt.format_number(fit['slope'], 3)} per unit of {mod} ({fmt.p_text(fit['slope_p'])}); " \
                  f"band: {level}% CI of the fitted line"
    lines.append(Line((x_axis.lower, x_axis.upper), (0.0, 0.0), "dotted", _theme.MUTED, 0.7))
    caption += "; points sized by weight"
    if fit.get("model") == "random":
        caption += f"; residual Tau² = {fmt.format_number(fit['tau2'], 3)}"
    return ScatterLayout("bubble", title if title is not None else f"Meta-regression on {mod}", x_axis, y_axis,
                         tuple(points), tuple(lines), tuple(regions), caption=caption, width=width, height=height)


def draw(layout: ScatterLayout, fig: Any = None) -> Any:
    """Render a bubble-plot layout on a Figure."""
    from evisynth.plots._scatter import draw_scatter

    return draw_scatter(layout, fig)
