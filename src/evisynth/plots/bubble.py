"""Meta-regression bubble plot: study effects against a moderator, points sized by weight.

The fitted line and its confidence band (or, for a categorical moderator, the fitted mean of
each level with its confidence interval) come from
:func:`evisynth.analyses.figure_data.bubble_fit`; this module only lays them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evisynth import format as fmt
from evisynth.analyses.results import BubbleFit
from evisynth.plots import _theme
from evisynth.plots._layout import Axis, Line, Point, Region, ScatterLayout, range_axis
from evisynth.plots._scatter_geometry import finish

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle

#: Relative area of the heaviest study's bubble.
MAX_BUBBLE = 9.0


def bubble_layout(bundle: AnalysisBundle, fit: BubbleFit, *, title: str | None = None,
                  width: float = 5.5, height: float = 4.2) -> ScatterLayout:
    """Lay out a bubble plot of one moderator's meta-regression.

    ``fit`` is one of ``bundle.figures.bubbles`` (:func:`evisynth.analyses.figure_data.bubble_fit`);
    ``bundle`` gives the measure and its scale.
    """
    mod = fit.moderator
    wmax = max(fit.weight) or 1.0
    sizes = [max(0.25, MAX_BUBBLE * w / wmax) for w in fit.weight]
    log = bundle.log_scale
    ylabel = bundle.measure_label + (" (log scale)" if log else "")
    lines: list[Line] = []
    regions: list[Region] = []
    points: list[Point] = []
    ys = [*fit.yi, *fit.ci_lower, *fit.ci_upper]
    y_axis = range_axis(ys, include=[0.0], log=log, label=ylabel)
    level = fmt.format_count(100 * fit.level)
    if fit.categorical:
        levels = list(fit.levels)
        counts: dict[str, int] = {}
        for name, x, y, size in zip(fit.study, fit.x, fit.yi, sizes, strict=True):
            label = str(x)
            j = levels.index(label)
            n = counts.get(label, 0)
            counts[label] = n + 1
            offset = 0.06 * ((n + 1) // 2) * (1 if n % 2 else -1)  # deterministic spread, no jitter
            points.append(Point(j + max(-0.3, min(0.3, offset)), y, size, name))
        for j, (est, lo, hi) in enumerate(zip(fit.fit, fit.ci_lower, fit.ci_upper, strict=True)):
            lines.append(Line((j + 0.38, j + 0.38), (lo, hi), "solid", _theme.INK, 1.2))
            points.append(Point(j + 0.38, est, 1.4, f"{levels[j]} (fitted)", "pooled"))
        x_axis = Axis(-0.5, len(levels) - 0.5, tuple(float(j) for j in range(len(levels))), tuple(levels), False,
                      None, mod)
        caption = f"Fitted mean per level with {level}% CI (diamonds); test of moderator: QM = " \
                  f"{fmt.format_number(fit.qm, 2)}, df = {fit.qm_df}, {fmt.p_text(fit.qm_p)}"
    else:
        xs = [float(x) for x in fit.x]
        points = [Point(x, y, size, name) for name, x, y, size in zip(fit.study, xs, fit.yi, sizes, strict=True)]
        grid = fit.grid
        regions.append(Region(grid + grid[::-1], fit.ci_upper + fit.ci_lower[::-1], _theme.BAND, f"{level}% CI"))
        lines.append(Line(grid, fit.fit, "solid", _theme.LINE, 1.2, "Fitted line"))
        x_axis = range_axis(xs, label=mod)
        caption = f"Slope {fmt.format_number(fit.slope, 3)} per unit of {mod} ({fmt.p_text(fit.slope_p)}); " \
                  f"band: {level}% CI of the fitted line"
    lines.append(Line((x_axis.lower, x_axis.upper), (0.0, 0.0), "dotted", _theme.MUTED, 0.7))
    caption += "; points sized by weight"
    if fit.model == "random":
        caption += f"; residual Tau² = {fmt.format_number(fit.tau2, 3)}"
    outside = [] if fit.categorical else _outside_band(fit, points)
    if outside:
        caption += "; studies outside the band are labelled"
    lay = ScatterLayout("bubble", title if title is not None else f"Meta-regression on {mod}", x_axis, y_axis,
                        tuple(points), tuple(lines), tuple(regions), caption=caption, width=width, height=height)
    return finish(lay, [(p, p.label) for p in outside])


def _between(grid: tuple[float, ...], values: tuple[float, ...], x: float) -> float:
    """``values`` (given on ``grid``) at ``x``, by linear interpolation between neighbouring grid points."""
    if x <= grid[0]:
        return values[0]
    for i in range(1, len(grid)):
        if x <= grid[i]:
            t = (x - grid[i - 1]) / ((grid[i] - grid[i - 1]) or 1.0)
            return values[i - 1] + t * (values[i] - values[i - 1])
    return values[-1]


def _outside_band(fit: BubbleFit, points: list[Point]) -> list[Point]:
    """The study points outside the confidence band of the fitted line, furthest (relative to the band) first."""
    if len(fit.grid) < 2:
        return []
    scored = []
    for p in points:
        lo, hi = _between(fit.grid, fit.ci_lower, p.x), _between(fit.grid, fit.ci_upper, p.x)
        half = max((hi - lo) / 2, 1e-12)
        distance = (p.y - hi) / half if p.y > hi else (lo - p.y) / half if p.y < lo else 0.0
        if distance > 0:
            scored.append((distance, p))
    return [p for _, p in sorted(scored, key=lambda t: -t[0])]


def draw(layout: ScatterLayout, fig: Any = None) -> Any:
    """Render a bubble-plot layout on a Figure."""
    from evisynth.plots._scatter import draw_scatter

    return draw_scatter(layout, fig)
