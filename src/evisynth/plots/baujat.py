"""Baujat plot: each study's contribution to heterogeneity against its influence on the result.

Coordinates come from :func:`evisynth.analyses.figure_data.baujat_points` (Baujat et al. 2002).
Every study away from the origin is labelled, most extreme first, each label placed where it
overlaps no other label and no point (:func:`evisynth.plots._scatter_geometry.place_labels`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evisynth.analyses.results import BaujatPoint
from evisynth.errors import InputError
from evisynth.plots._layout import Point, ScatterLayout, range_axis
from evisynth.plots._scatter_geometry import finish

#: Studies labelled at most (the most extreme by x + y, each axis scaled to its maximum).
MAX_LABELS = 12
#: A study is labelled when it lies beyond this share of the largest contribution or influence.
LABEL_SHARE = 0.1


def baujat_layout(points: Sequence[BaujatPoint], *, title: str | None = "Baujat plot", width: float = 5.5,
                  height: float = 4.2) -> ScatterLayout:
    """Lay out a Baujat plot of ``bundle.figures.baujat`` (one point per included study)."""
    if not points:
        raise InputError("a Baujat plot needs its points (an analysis of at least 3 included studies)")
    pts = tuple(Point(p.x, p.y, 1.0, p.study) for p in points)
    xmax, ymax = max(p.x for p in pts) or 1.0, max(p.y for p in pts) or 1.0
    ranked = sorted(pts, key=lambda p: p.x / xmax + p.y / ymax, reverse=True)
    labelled = [p for p in ranked if p.x > LABEL_SHARE * xmax or p.y > LABEL_SHARE * ymax][:MAX_LABELS]
    x_axis = range_axis([p.x for p in pts], include=[0.0], label="Contribution to overall heterogeneity (Q)")
    y_axis = range_axis([p.y for p in pts], include=[0.0], label="Influence on overall result")
    caption = "Common-effect (inverse-variance) model, as in Baujat et al. 2002"
    if len(labelled) < len(pts):
        caption += "; the studies that stand out are labelled"
    lay = ScatterLayout("baujat", title or "", x_axis, y_axis, pts, caption=caption, width=width, height=height)
    return finish(lay, [(p, p.label) for p in labelled])


def draw(layout: ScatterLayout, fig: Any = None) -> Any:
    """Render a Baujat layout on a Figure."""
    from evisynth.plots._scatter import draw_scatter

    return draw_scatter(layout, fig)
