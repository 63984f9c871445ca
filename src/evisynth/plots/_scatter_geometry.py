"""Geometry of scatter-type figures (funnel, bubble, Baujat, radial): decided before anything is drawn.

:func:`finish` takes the layout a ``*_layout`` function built and decides, in inches,

* the caption's line breaks: between the clauses of the caption (at ``"; "``), never inside one
  (``Tau² = 0.000`` stays on one line), and at spaces only when a clause is wider than the figure;
* the legend: under the axes in as many columns as fit (it no longer takes a third of the width);
* the axes box: room for the tick labels, axis labels, title, legend and caption;
* where each study label goes: :func:`place_labels`, a deterministic repel step that tries
  positions around the point at growing distances (with a leader line beyond the first ring) and
  takes the first one that stays inside the axes and overlaps no other label and no marker.
  Labels are placed most important first; one that finds no free position is left out and the
  caption says how many were (labels wider than :data:`MAX_LABEL_WIDTH` end with ``…``).

:func:`label_boxes` and :func:`marker_boxes` give the resulting rectangles, so tests check for
overlaps on the layout itself.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

from evisynth.plots import _theme
from evisynth.plots._layout import Label, Point, ScatterLayout, max_width, text_width

#: Area in points² of a point of relative size 1 (shared with the renderer).
BASE_AREA = 28.0
#: Height of a line of small text (caption, legend, labels), inches.
SMALL_LINE = _theme.SMALL_FONT_SIZE * 1.3 / 72
#: Room under the axes for the tick labels and the axis label, inches.
_X_DECORATION = 0.46
#: Gap between a marker's edge and its label, points.
_GAP = 2.0
#: Directions tried around a point, in order: upper right first (the usual place of a label).
_DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0))
#: Distances tried, as multiples of the first ring (the first has no leader line).
_RINGS = (1.0, 2.2, 3.4, 4.8, 6.5)


class Box(NamedTuple):
    """A rectangle in inches from the figure's lower-left corner."""

    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box, pad: float = 0.0) -> bool:
        """Whether the two rectangles share area (closer than ``pad`` counts as overlapping)."""
        return (self.left < other.right + pad and other.left < self.right + pad
                and self.bottom < other.top + pad and other.bottom < self.top + pad)

    def inside(self, other: Box, tol: float = 1e-9) -> bool:
        """Whether this rectangle lies within ``other``."""
        return (self.left >= other.left - tol and self.right <= other.right + tol
                and self.bottom >= other.bottom - tol and self.top <= other.top + tol)


def wrap_caption(text: str, width: float, size: float = _theme.SMALL_FONT_SIZE) -> str:
    """``text`` with line breaks so that no line is wider than ``width`` inches.

    Lines break between clauses (after ``"; "``); a clause wider than the figure breaks at spaces.

    >>> wrap_caption("Slope 2.456 per unit of pulses; points sized by weight; residual Tau² = 2.462", 1.9)
    'Slope 2.456 per unit of pulses;\\npoints sized by weight;\\nresidual Tau² = 2.462'
    """
    if not text:
        return ""
    clauses = text.split("; ")
    pieces = [c + (";" if i < len(clauses) - 1 else "") for i, c in enumerate(clauses)]
    lines: list[str] = []
    for piece in pieces:
        candidate = f"{lines[-1]} {piece}" if lines else piece
        if lines and text_width(candidate, size) <= width:
            lines[-1] = candidate
            continue
        if text_width(piece, size) <= width:
            lines.append(piece)
            continue
        current = ""
        for word in piece.split(" "):
            trial = f"{current} {word}" if current else word
            if current and text_width(trial, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return "\n".join(lines)


def _radius(point: Point) -> float:
    """Radius of a point's marker in inches."""
    return math.sqrt(BASE_AREA * max(point.size, 0.05)) / 2 / 72


def to_inches(lay: ScatterLayout, x: float, y: float) -> tuple[float, float]:
    """A data point's position in inches from the figure's lower-left corner (``lay.box`` must be set)."""
    assert lay.box is not None
    left, bottom, w, h = lay.box
    fx = (x - lay.x.lower) / ((lay.x.upper - lay.x.lower) or 1.0)
    fy = (y - lay.y.lower) / ((lay.y.upper - lay.y.lower) or 1.0)
    if lay.invert_y:
        fy = 1.0 - fy
    return left + fx * w, bottom + fy * h


def marker_boxes(lay: ScatterLayout) -> list[Box]:
    """The bounding square of every marker, in inches."""
    out = []
    for p in lay.points:
        px, py = to_inches(lay, p.x, p.y)
        r = _radius(p)
        out.append(Box(px - r, py - r, px + r, py + r))
    return out


def _label_box(px: float, py: float, label: Label, size: float = _theme.SMALL_FONT_SIZE) -> Box:
    w = text_width(label.text, size)
    h = size * 1.2 / 72
    x = px + label.dx / 72
    y = py + label.dy / 72
    left = {"left": x, "right": x - w}.get(label.ha, x - w / 2)
    bottom = {"bottom": y, "top": y - h}.get(label.va, y - h / 2)
    return Box(left, bottom, left + w, bottom + h)


def label_boxes(lay: ScatterLayout) -> list[Box]:
    """The rectangle of every study label, in inches."""
    return [_label_box(*to_inches(lay, a.x, a.y), a) for a in lay.annotations]


def axes_box(lay: ScatterLayout) -> Box:
    """The axes rectangle in inches."""
    assert lay.box is not None
    left, bottom, w, h = lay.box
    return Box(left, bottom, left + w, bottom + h)


def _candidates(point: Point, text: str) -> list[Label]:
    r_pt = _radius(point) * 72
    out = []
    for ring in _RINGS:
        d = (r_pt + _GAP) * ring + (0.0 if ring == 1.0 else 4.0)
        for sx, sy in _DIRECTIONS:
            diag = 0.72 if sx and sy else 1.0  # keep diagonal positions at the same distance
            dx, dy = sx * d * diag, sy * d * diag
            ha = "left" if sx > 0 else "right" if sx < 0 else "center"
            va = "bottom" if sy > 0 else "top" if sy < 0 else "center"
            out.append(Label(point.x, point.y, text, dx, dy, ha, va, ring > 1.0))
    return out


#: The widest a study label may be (inches); longer labels end with an ellipsis.
MAX_LABEL_WIDTH = 1.9


def shorten(text: str, width: float = MAX_LABEL_WIDTH, size: float = _theme.SMALL_FONT_SIZE) -> str:
    """``text``, cut at a word (or character) boundary and ended with ``…`` when wider than ``width`` inches."""
    if text_width(text, size) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1 and text_width(" ".join(words) + "…", size) > width:
        words.pop()
    cut = " ".join(words)
    while len(cut) > 1 and text_width(cut + "…", size) > width:
        cut = cut[:-1]
    return cut.rstrip(" ,;:(") + "…"


def place_labels(lay: ScatterLayout, wanted: list[tuple[Point, str]]) -> tuple[tuple[Label, ...], int]:
    """Labels for ``wanted`` (point, text), in priority order, each where it overlaps nothing.

    Returns the labels and how many were left out because no position around their point was
    free (the least important ones, since labels are placed in priority order).
    """
    frame = axes_box(lay)
    markers = marker_boxes(lay)
    placed: list[Box] = []
    labels = []
    omitted = 0
    for point, text in wanted:
        text = shorten(text)
        px, py = to_inches(lay, point.x, point.y)
        found = None
        for cand in _candidates(point, text):
            box = _label_box(px, py, cand)
            if box.inside(frame) and not any(box.overlaps(other) for other in (*markers, *placed)):
                found = (cand, box)
                break
        if found is None:
            omitted += 1
            continue
        labels.append(found[0])
        placed.append(found[1])
    return tuple(labels), omitted


def _legend_columns(lay: ScatterLayout, width: float) -> tuple[int, int]:
    """(columns, rows) of the legend under the axes."""
    if not lay.legend:
        return 0, 0
    column = 0.4 + max_width([label for label, _ in lay.legend], _theme.SMALL_FONT_SIZE) + 0.05
    ncol = max(1, min(len(lay.legend), int(width // column)))
    return ncol, math.ceil(len(lay.legend) / ncol)


def finish(lay: ScatterLayout, labels: list[tuple[Point, str]] | None = None) -> ScatterLayout:
    """Decide the caption's lines, the legend, the axes box and the labels of a scatter layout.

    ``labels`` are the points to label with their texts, most important first (default: the
    layout's ``annotations``, in order).
    """
    if labels is None:
        by_position = {(p.x, p.y): p for p in lay.points}
        labels = [(by_position.get((a.x, a.y), Point(a.x, a.y)), a.text) for a in lay.annotations]
    out, omitted = _place(lay, lay.caption, labels)
    for _ in range(3):  # say how many labels found no room; the longer caption may move the axes
        if not omitted:
            break
        note = f"; {omitted} more {'study' if omitted == 1 else 'studies'} not labelled (no room)"
        out, again = _place(lay, lay.caption + note, labels)
        if again == omitted:
            break
        omitted = again
    return out


def _place(lay: ScatterLayout, caption: str, labels: list[tuple[Point, str]]) -> tuple[ScatterLayout, int]:
    margin = _theme.MARGIN
    wrapped = wrap_caption(caption, lay.width - 2 * margin)
    n_caption = wrapped.count("\n") + 1 if wrapped else 0
    tick_w = max_width(list(lay.y.tick_labels), _theme.FONT_SIZE)
    left = margin + 0.22 + tick_w + 0.1
    right = margin + 0.05
    ncol, nrow = _legend_columns(lay, lay.width - left - right)
    bottom = margin + n_caption * SMALL_LINE + (0.1 if wrapped else 0.0) + nrow * SMALL_LINE * 1.15 \
        + (0.12 if nrow else 0.0) + _X_DECORATION
    top = margin + (0.32 if lay.title else 0.05)
    box = (left, bottom, lay.width - left - right, lay.height - bottom - top)
    out = replace(lay, caption=wrapped, box=box, legend_columns=ncol, annotations=())
    placed, omitted = place_labels(out, labels)
    return replace(out, annotations=placed), omitted


def legend_top(lay: ScatterLayout) -> float:
    """The top of the legend block, inches from the bottom (just under the x-axis label)."""
    assert lay.box is not None
    return lay.box[1] - _X_DECORATION


def text_fits(text: str, width: float) -> bool:
    """Whether one line of small text fits in ``width`` inches (tests)."""
    return all(text_width(line, _theme.SMALL_FONT_SIZE) <= width + 1e-9 for line in text.split("\n"))
