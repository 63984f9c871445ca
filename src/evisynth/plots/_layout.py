"""Shared pieces of every figure layout: scales, ticks, text measurement and small data types.

Nothing here draws. Layout functions use these helpers to decide axis limits, tick labels
and how wide a column of text must be, so that ``draw`` only places what was decided.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, TypeGuard

from evisynth import format as fmt
from evisynth.plots import _theme


@dataclass(frozen=True)
class Axis:
    """A horizontal (or vertical) data axis: limits and ticks on the analysis scale.

    ``log`` means positions are log ratios and ``tick_labels`` are on the natural scale.
    """

    lower: float
    upper: float
    ticks: tuple[float, ...]
    tick_labels: tuple[str, ...]
    log: bool = False
    null: float | None = 0.0
    label: str = ""


@dataclass(frozen=True)
class Point:
    """One plotted point (scatter-type figures)."""

    x: float
    y: float
    size: float = 1.0
    label: str = ""
    kind: str = "study"  # study | filled | pooled | highlight
    extra: dict[str, Any] = field(default_factory=dict)


def is_number(x: Any) -> TypeGuard[float]:
    """True for a finite int or float (not bool)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def display(doc: dict[str, Any], d: dict[str, Any], key: str) -> float | None:
    """A value of a JSON-shaped document on the display scale (the ``_exp`` twin for ratio measures).

    No layout uses it any more (they read typed results and ``AnalysisBundle.natural``); it stays
    only for ``evisynth.report.tables`` until the report reads typed results too. Remove it then.
    """
    if doc.get("log_scale"):
        v = d.get(f"{key}_exp")
        if v is None and is_number(d.get(key)):
            v = math.exp(d[key])
        return v
    return d.get(key)


@lru_cache(maxsize=4096)
def text_width(text: str, size: float = _theme.FONT_SIZE, bold: bool = False) -> float:
    """Width of ``text`` in inches when set in the theme font (measured from the font's glyphs)."""
    if not text:
        return 0.0
    try:
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextToPath

        prop = FontProperties(family=_theme.FONT_FAMILY, size=size, weight="bold" if bold else "normal")
        width = max(
            TextToPath().get_text_width_height_descent(line, prop, ismath=False)[0] for line in text.split("\n")
        )
        return float(width) / 72.0
    except Exception:  # pragma: no cover - font machinery unavailable
        return 0.6 * size * max(len(line) for line in text.split("\n")) / 72.0


def max_width(texts: Iterable[str], size: float = _theme.FONT_SIZE, bold: bool = False) -> float:
    """The widest of ``texts`` in inches (0 when empty)."""
    return max((text_width(t, size, bold) for t in texts if t), default=0.0)


_LINEAR_STEPS = (1.0, 2.0, 2.5, 5.0)
_LOG_LIMITS: tuple[tuple[float, tuple[float, ...]], ...] = (
    (1.5, (0.67, 0.8, 1.0, 1.25, 1.5)),
    (2.0, (0.5, 0.7, 1.0, 1.5, 2.0)),
    (5.0, (0.2, 0.5, 1.0, 2.0, 5.0)),
    (10.0, (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)),
    (20.0, (0.05, 0.2, 1.0, 5.0, 20.0)),
    (50.0, (0.02, 0.1, 1.0, 10.0, 50.0)),
    (100.0, (0.01, 0.1, 1.0, 10.0, 100.0)),
    (1000.0, (0.001, 0.1, 1.0, 10.0, 1000.0)),
    (1e4, (0.0001, 0.01, 1.0, 100.0, 10000.0)),
    (1e6, (1e-6, 0.001, 1.0, 1000.0, 1e6)),
)


def nice_ceiling(x: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= ``x`` (x > 0)."""
    if x <= 0 or not math.isfinite(x):
        return 1.0
    exp = math.floor(math.log10(x))
    for step in (*_LINEAR_STEPS, 10.0):
        value = step * 10.0**exp
        if value >= x * (1 - 1e-9):
            return value
    return 10.0 ** (exp + 1)  # pragma: no cover


def tick_text(value: float, log: bool) -> str:
    """A tick label: natural-scale ratio for log axes (``0.1``, ``1``, ``10``), else a compact number."""
    if log:
        value = math.exp(value)
    if value == 0:
        return "0"
    if abs(value) >= 1000 or abs(value) < 0.001:
        return f"{value:g}"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


_LOG_SIDE_LIMITS = tuple(lim for lim, _ in _LOG_LIMITS)


def side_limit(extent: float, *, log: bool) -> float:
    """The nice limit of one side of a forest axis: the smallest RevMan scale value covering ``extent``.

    ``extent`` is a distance from the line of no effect on the analysis scale (a log ratio for ratio
    measures); the limit is 1, 2, 2.5 or 5 times a power of ten (linear) or one of RevMan's ratio
    scales 1.5, 2, 5, 10, 20, 50, 100, 1000, ... (its log).

    >>> side_limit(4.2, log=False), round(math.exp(side_limit(math.log(3.0), log=True)), 6)
    (5.0, 5.0)
    """
    if log:
        ratio = math.exp(min(max(extent, 1e-9), 700.0))
        return math.log(next((lim for lim in _LOG_SIDE_LIMITS if ratio <= lim * (1 + 1e-9)), _LOG_SIDE_LIMITS[-1]))
    return nice_ceiling(extent)


def wider_side_limit(limit: float, *, log: bool) -> float:
    """The next nice limit above ``limit`` (the same limit when there is none)."""
    if log:
        ratio = math.exp(limit)
        return math.log(next((lim for lim in _LOG_SIDE_LIMITS if lim > ratio * (1 + 1e-9)), _LOG_SIDE_LIMITS[-1]))
    return nice_ceiling(limit * (1 + 1e-6))


def _side_ticks(limit: float, log: bool, sign: int) -> list[float]:
    """Ticks of one side (excluding the null): RevMan's ratio ticks, or half the limit and the limit."""
    if log:
        ratio = math.exp(limit)
        _, ticks = next(((lim, t) for lim, t in _LOG_LIMITS if ratio <= lim * (1 + 1e-9)), _LOG_LIMITS[-1])
        side = [t for t in ticks if (t > 1.0 if sign > 0 else t < 1.0)]
        pos = [math.log(t) for t in side]
        pos[-1 if sign > 0 else 0] = sign * limit  # the end tick sits on the limit (0.67 for 1/1.5)
        return pos
    return [sign * limit / 2, sign * limit]


def fitted_axis(left: float, right: float, *, log: bool, label: str = "") -> Axis:
    """A forest axis from ``-left`` to ``right`` around the line of no effect (0 on the analysis scale).

    ``left`` and ``right`` are side limits (see :func:`side_limit`); each side has its own, so the
    axis fits the data (RevMan's nice limits on each side) rather than mirroring the longer side.

    >>> ax = fitted_axis(5.0, 2.0, log=False)
    >>> ax.lower, ax.upper, ax.tick_labels
    (-5.0, 2.0, ('-5', '-2.5', '0', '1', '2'))
    """
    ticks = sorted({*_side_ticks(left, log, -1), 0.0, *_side_ticks(right, log, 1)})
    return Axis(-left, right, tuple(ticks), tuple(tick_text(t, log) for t in ticks), log, 0.0, label)


def thin_ticks(axis: Axis, width: float, size: float = _theme.FONT_SIZE) -> Axis:
    """``axis`` without the inner ticks whose labels would touch a neighbour's on a graph ``width`` inches wide.

    The ends and the line of no effect always keep their ticks.
    """
    span = axis.upper - axis.lower
    if span <= 0 or len(axis.ticks) <= 3:
        return axis
    x = {t: (t - axis.lower) / span * width for t in axis.ticks}
    half = {t: text_width(lab, size) / 2 + 0.04 for t, lab in zip(axis.ticks, axis.tick_labels, strict=True)}
    fixed = {axis.ticks[0], axis.ticks[-1], *(t for t in axis.ticks if axis.null is not None and t == axis.null)}
    keep = sorted(fixed)
    for t in sorted(set(axis.ticks) - fixed, key=lambda t: abs(t)):  # inner ticks nearest the null first
        if all(abs(x[t] - x[k]) >= half[t] + half[k] for k in keep):
            keep = sorted([*keep, t])
    labels = dict(zip(axis.ticks, axis.tick_labels, strict=True))
    return Axis(axis.lower, axis.upper, tuple(keep), tuple(labels[t] for t in keep), axis.log, axis.null, axis.label)


def range_axis(values: Sequence[float], *, log: bool = False, label: str = "", pad: float = 0.05,
               include: Sequence[float] = (), n_ticks: int = 5) -> Axis:
    """An axis covering ``values`` (and ``include``) with a little padding and round ticks."""
    vals = [v for v in (*values, *include) if is_number(v)]
    if not vals:
        vals = [0.0, 1.0]
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    span = hi - lo
    lo, hi = lo - pad * span, hi + pad * span
    if log:
        ticks = _ratio_ticks(lo, hi)
        return Axis(lo, hi, ticks, tuple(tick_text(t, True) for t in ticks), True, 0.0, label)
    step = nice_ceiling((hi - lo) / max(n_ticks - 1, 1))
    first = math.ceil(lo / step) * step
    linear: list[float] = []
    t = first
    while t <= hi + 1e-9 * step:
        linear.append(0.0 if abs(t) < 1e-12 * step else t)
        t += step
    return Axis(lo, hi, tuple(linear), tuple(tick_text(t, log) for t in linear), log, None, label)


def weight_text(w: Any) -> str:
    """Weight column text (``12.3%``; empty when undefined)."""
    return fmt.format_percent(w, 1) if is_number(w) else ""


RATIO_CANDIDATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
                     200.0, 500.0, 1000.0)


def _ratio_ticks(lo: float, hi: float) -> tuple[float, ...]:
    """Natural-scale round ratios (as log positions) inside ``[lo, hi]`` (log scale), at most seven."""
    inside = [math.log(c) for c in RATIO_CANDIDATES if lo <= math.log(c) <= hi]
    if len(inside) < 2:
        return (lo, hi)
    if len(inside) > 7:  # keep powers of ten only
        inside = [t for t in inside if abs(t / math.log(10) - round(t / math.log(10))) < 1e-9]
    while len(inside) > 7:
        inside = inside[::2]
    return tuple(inside)


@dataclass(frozen=True)
class Line:
    """A polyline in data coordinates; ``style`` is ``solid``, ``dashed`` or ``dotted``."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    style: str = "solid"
    colour: str = _theme.INK
    width: float = 0.8
    label: str = ""


@dataclass(frozen=True)
class Region:
    """A filled polygon in data coordinates (e.g. a significance contour or a confidence band)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    colour: str
    label: str = ""


class Label(NamedTuple):
    """A study label: the point it names (data coordinates) and where its text goes.

    ``dx``/``dy`` offset the text's anchor from the point in points; ``ha``/``va`` are the
    anchor's alignment; ``leader`` draws a thin line from the point to a label set further away.
    """

    x: float
    y: float
    text: str
    dx: float = 3.0
    dy: float = 3.0
    ha: str = "left"
    va: str = "bottom"
    leader: bool = False


@dataclass(frozen=True)
class ScatterLayout:
    """A scatter-type figure (funnel, bubble, Baujat, radial): everything decided, nothing drawn.

    Point ``size`` is a relative area (1 = the theme's standard point). ``box`` is the axes
    rectangle ``(left, bottom, width, height)`` in inches, ``caption`` carries its line breaks and
    ``legend_columns`` says how the legend under the axes is set (decided by
    :func:`evisynth.plots._scatter_geometry.finish`).
    """

    kind: str
    title: str
    x: Axis
    y: Axis
    points: tuple[Point, ...]
    lines: tuple[Line, ...] = ()
    regions: tuple[Region, ...] = ()
    annotations: tuple[Label, ...] = ()
    invert_y: bool = False
    legend: tuple[tuple[str, str], ...] = ()  # (label, style key: study|filled|solid|dashed|dotted|region:<colour>)
    caption: str = ""
    width: float = 5.0
    height: float = 4.2
    box: tuple[float, float, float, float] | None = None
    legend_columns: int = 1

    def points_of(self, kind: str) -> list[Point]:
        """Points of one kind (``study``, ``filled``, ``pooled``, ...)."""
        return [p for p in self.points if p.kind == kind]
