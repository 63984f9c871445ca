"""Summary bar plot of risk-of-bias judgements: one horizontal stacked bar per domain and overall.

As robvis draws it (McGuinness & Higgins 2020): each bar shows the percentage of studies (or, when
weighted, of the meta-analysis weight: each study's ``weight_percent``) at each judgement, best
first from the left, domain names on the left, the overall bar last, the judgement legend under
the axis. :func:`summary_layout` is pure; :func:`draw` renders it.

Examples
--------
>>> from evisynth.rob import assess_judgements
>>> a = [assess_judgements("rob1", s, None, {"D1": j}) for s, j in (("A", "low"), ("B", "high"))]
>>> lay = summary_layout(a, weights={"A": 75.0, "B": 25.0})
>>> [(s.level, round(s.percent, 1)) for s in lay.bars[0].segments]
[('low', 75.0), ('high', 25.0)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evisynth.errors import InputError
from evisynth.plots import _rob_common as rc
from evisynth.plots import _theme
from evisynth.plots._layout import max_width, text_width
from evisynth.plots.rob_traffic_light import TextItem


@dataclass(frozen=True)
class Segment:
    level: str
    label: str
    colour: str
    start: float     # percent
    percent: float


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    y: float            # centre, inches from the top
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class SummaryLayout:
    tool: str
    palette: str
    weighted: bool
    bars: tuple[Bar, ...]
    texts: tuple[TextItem, ...]
    legend: tuple[rc.LegendItem, ...]
    legend_boxes: tuple[tuple[float, float], ...]   # (x, y) of each legend swatch
    axis: tuple[float, float, float, float]          # left, top, right, bottom of the bar area
    bar_height: float
    width: float
    height: float
    missing_weight: tuple[str, ...] = ()

    def x_of(self, percent: float) -> float:
        left, _, right, _ = self.axis
        return left + (right - left) * percent / 100.0

    def text_boxes(self) -> list[tuple[str, tuple[float, float, float, float]]]:
        return [(t.text, t.box()) for t in self.texts]


def summary_layout(assessments: Sequence[Any], *, weights: Mapping[str, float] | None = None,
                   palette: str = "cochrane", title: str | None = None, overall: bool = True,
                   bar_width: float = 3.2) -> SummaryLayout:
    """Lay out a summary bar plot; ``weights`` (study → percent weight) makes it weighted.

    With weights, a study without a weight is left out and listed in ``missing_weight``.
    """
    tool = rc.one_tool(assessments)
    colours = rc.palette(palette)
    order = [lv for lv, _ in rc.TOOL_LEVELS[tool]]
    labels = dict(rc.TOOL_LEVELS[tool])
    keys: list[str] = []
    names: dict[str, str] = {}
    for a in assessments:
        for d in a.domains:
            if d.key not in names:
                keys.append(d.key)
                names[d.key] = d.name
    rows: list[tuple[str, str]] = [(k, names[k]) for k in keys]
    if overall:
        rows.append(("Overall", "Overall risk of bias"))
    missing: list[str] = []
    w: list[float] = []
    for a in assessments:
        if weights is None:
            w.append(1.0)
            continue
        value = weights.get(a.study)
        if value is None or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            missing.append(a.study)
            w.append(0.0)
        else:
            w.append(float(value))
    size, small = _theme.FONT_SIZE, _theme.SMALL_FONT_SIZE
    m = _theme.MARGIN
    label_w = max_width([lab for _, lab in rows], size)
    left = m + label_w + 0.15
    top = m + (0.3 if title else 0.0)
    pitch, bar_h = 0.3, 0.2
    texts: list[TextItem] = []
    if title:
        texts.append(TextItem(title, m, m + 0.1, "left", size + 1, True))
    bars = []
    for i, (key, label) in enumerate(rows):
        y = top + (i + 0.5) * pitch
        totals = dict.fromkeys(order, 0.0)
        for a, weight in zip(assessments, w, strict=True):
            judgement = a.overall if key == "Overall" else next((d.judgement for d in a.domains if d.key == key), None)
            lv = rc.level(judgement)
            if lv in totals:
                totals[lv] += weight
        total = sum(totals.values())
        start, segs = 0.0, []
        for lv in order:
            pct = 100.0 * totals[lv] / total if total > 0 else 0.0
            if pct > 0:
                segs.append(Segment(lv, labels[lv], colours[lv], start, pct))
                start += pct
        bars.append(Bar(key, label, y, tuple(segs)))
        texts.append(TextItem(label, left - 0.1, y, "right", size, key == "Overall"))
    bottom = top + pitch * len(rows)
    for tick in (0, 25, 50, 75, 100):
        texts.append(TextItem(f"{tick}%", left + bar_width * tick / 100, bottom + 0.14, "center", small))
    used = {s.level for b in bars for s in b.segments}
    legend = rc.legend(tool, palette, used or None)
    ly = bottom + 0.42
    x = left
    swatches = []
    for item in legend:
        swatches.append((x, ly))
        texts.append(TextItem(item.label, x + 0.2, ly, "left", small))
        x += 0.2 + text_width(item.label, small) + 0.25
    if weights is not None:
        note = "Weighted by each study's meta-analysis weight" + (
            f"; without a weight (left out): {', '.join(missing)}" if missing else "")
        texts.append(TextItem(note, left, ly + 0.25, "left", small))
    if weights is not None and sum(w) <= 0:
        raise InputError("a weighted summary plot needs at least one study with a positive weight")
    height = max(t.box()[3] for t in texts) + m
    width = max([left + bar_width + 0.1] + [t.box()[2] for t in texts]) + m
    return SummaryLayout(tool, palette, weights is not None, tuple(bars), tuple(texts), legend, tuple(swatches),
                         (left, top, left + bar_width, bottom), bar_h, width, height, tuple(missing))


def draw(layout: SummaryLayout, fig: Any = None) -> Any:
    """Render a summary layout on a matplotlib Figure (a new one unless ``fig`` is given)."""
    import matplotlib as mpl

    from evisynth.plots._forest_draw import new_figure

    with mpl.rc_context(_theme.rc_params()):
        fig = new_figure(layout.width, layout.height, fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, layout.width)
        ax.set_ylim(layout.height, 0)
        ax.set_axis_off()
        left, top, right, bottom = layout.axis
        for tick in (0, 25, 50, 75, 100):
            x = layout.x_of(tick)
            ax.plot([x, x], [top, bottom], color=_theme.GRID, lw=0.5, zorder=1)
            ax.plot([x, x], [bottom, bottom + 0.04], color=_theme.INK, lw=0.6, zorder=1)
        ax.plot([left, right], [bottom, bottom], color=_theme.INK, lw=0.6, zorder=2)
        for bar in layout.bars:
            for s in bar.segments:
                x0 = layout.x_of(s.start)
                ax.add_patch(mpl.patches.Rectangle((x0, bar.y - layout.bar_height / 2), layout.x_of(s.percent) - left,
                                                   layout.bar_height, facecolor=s.colour, edgecolor=_theme.INK,
                                                   lw=0.4, zorder=3))
        for t in layout.texts:
            ax.text(t.x, t.y, t.text, ha=t.ha, va="center", fontsize=t.size,
                    fontweight="bold" if t.bold else "normal", color=_theme.INK)
        for item, (x, y) in zip(layout.legend, layout.legend_boxes, strict=True):
            ax.add_patch(mpl.patches.Rectangle((x, y - 0.06), 0.14, 0.12, facecolor=item.colour,
                                               edgecolor=_theme.INK, lw=0.4))
    return fig


def summary_plot(assessments: Sequence[Any], **kwargs: Any) -> Any:
    """Layout and draw in one call."""
    return draw(summary_layout(assessments, **kwargs))
