"""Traffic-light plot of risk-of-bias judgements: studies (rows) × domains and overall (columns).

Layout as robvis draws it (McGuinness & Higgins 2020): one coloured dot per judgement with its
symbol, domain keys across the top under a "Risk of bias domains" heading, study names on the
left, the domain names and the judgement legend under the grid. :func:`traffic_light_layout` is
pure (positions in inches, y downwards from the top); :func:`draw` renders it on a Figure.

Examples
--------
>>> from evisynth.rob import assess_judgements
>>> a = [assess_judgements("rob1", "Brink 1951", None, {"D1": "unclear", "D2": "high"})]
>>> lay = traffic_light_layout(a)
>>> lay.columns, [(c.row, c.column, c.level, c.symbol) for c in lay.cells][:2]
(('D1', 'D2', 'Overall'), [(0, 0, 'some', '−'), (0, 1, 'high', '×')])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evisynth.plots import _rob_common as rc
from evisynth.plots import _theme
from evisynth.plots._layout import max_width, text_width


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    level: str
    colour: str
    symbol: str
    symbol_colour: str
    x: float
    y: float


@dataclass(frozen=True)
class TextItem:
    """A piece of text with its anchor, alignment and measured box (inches, y down)."""

    text: str
    x: float
    y: float
    ha: str
    size: float
    bold: bool = False

    def box(self) -> tuple[float, float, float, float]:
        w = text_width(self.text, self.size, self.bold)
        left = self.x - (w if self.ha == "right" else w / 2 if self.ha == "center" else 0.0)
        h = self.size / 72.0
        return left, self.y - 0.5 * h, left + w, self.y + 0.5 * h


@dataclass(frozen=True)
class TrafficLightLayout:
    tool: str
    palette: str
    studies: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[Cell, ...]
    texts: tuple[TextItem, ...]
    legend: tuple[rc.LegendItem, ...]
    legend_dots: tuple[tuple[float, float], ...]
    dot_diameter: float
    grid: tuple[float, float, float, float]  # left, top, right, bottom of the grid frame
    width: float
    height: float

    def text_boxes(self) -> list[tuple[str, tuple[float, float, float, float]]]:
        return [(t.text, t.box()) for t in self.texts]


def traffic_light_layout(assessments: Sequence[Any], *, palette: str = "cochrane", title: str | None = None,
                         pitch: float = 0.30, overall: bool = True) -> TrafficLightLayout:
    """Lay out a traffic-light plot of one tool's assessments (one row per assessment, in order)."""
    tool = rc.one_tool(assessments)
    colours = rc.palette(palette)
    keys: list[str] = []
    names: dict[str, str] = {}
    for a in assessments:
        for d in a.domains:
            if d.key not in names:
                keys.append(d.key)
                names[d.key] = d.name
    columns = (*keys, "Overall") if overall else tuple(keys)
    studies = tuple(a.study + (f" ({a.outcome})" if a.outcome and _several_outcomes(assessments) else "")
                    for a in assessments)
    size, small = _theme.FONT_SIZE, _theme.SMALL_FONT_SIZE
    m = _theme.MARGIN
    pitch = max(pitch, max_width(columns, size, bold=True) + 0.1)
    label_w = max(max_width(studies, size) if studies else 0.0, text_width("Study", size, True))
    header_h = 0.0
    texts: list[TextItem] = []
    y = m
    if title:
        texts.append(TextItem(title, m, y + 0.1, "left", size + 1, True))
        y += 0.3
    grid_left = m + label_w + 0.15
    grid_w = pitch * len(columns)
    # heading over the grid, column keys, then rows
    texts.append(TextItem("Risk of bias domains", grid_left + grid_w / 2, y + 0.1, "center", size, True))
    y += 0.25
    for j, key in enumerate(columns):
        texts.append(TextItem(key, grid_left + (j + 0.5) * pitch, y + 0.08, "center", size, key == "Overall"))
    y += 0.2
    header_h = y
    cells = []
    for i, a in enumerate(assessments):
        cy = header_h + (i + 0.5) * pitch
        texts.append(TextItem(studies[i], grid_left - 0.12, cy, "right", size))
        judged = {d.key: d.judgement for d in a.domains}
        if overall:
            judged["Overall"] = a.overall
        for j, key in enumerate(columns):
            lv = rc.level(judged.get(key))
            if lv == "na":
                continue
            cells.append(Cell(i, j, lv, colours[lv], _theme.ROB_SYMBOLS[lv], rc.symbol_ink(palette, lv),
                              grid_left + (j + 0.5) * pitch, cy))
    grid_bottom = header_h + pitch * len(assessments)
    texts.append(TextItem("Study", grid_left - 0.12, header_h - 0.12, "right", size, True))
    # under the grid: domain names (left) and the judgement legend (right column)
    y = grid_bottom + 0.25
    domain_lines = [f"{k}: {names[k]}" for k in keys]
    used = {c.level for c in cells}
    legend = rc.legend(tool, palette, used or None)
    legend_x = m + max(max_width(domain_lines, small), 1.5) + 0.35
    for k, line in enumerate(domain_lines):
        texts.append(TextItem(line, m, y + k * 0.17, "left", small))
    texts.append(TextItem("Judgement", legend_x, y, "left", small, True))
    dots = []
    for k, item in enumerate(legend):
        ly = y + (k + 1) * 0.2
        dots.append((legend_x + 0.08, ly))
        texts.append(TextItem(item.label, legend_x + 0.22, ly, "left", small))
    bottom = max(y + max(len(domain_lines) - 1, 0) * 0.17, y + len(legend) * 0.2) + 0.2
    right = max([grid_left + grid_w] + [t.box()[2] for t in texts]) + m
    return TrafficLightLayout(tool, palette, studies, columns, tuple(cells), tuple(texts), legend, tuple(dots),
                              0.82 * pitch, (grid_left, header_h, grid_left + grid_w, grid_bottom), right,
                              bottom + m)


def _several_outcomes(assessments: Sequence[Any]) -> bool:
    return len({a.outcome for a in assessments}) > 1


def draw(layout: TrafficLightLayout, fig: Any = None) -> Any:
    """Render a traffic-light layout on a matplotlib Figure (a new one unless ``fig`` is given)."""
    import matplotlib as mpl

    from evisynth.plots._forest_draw import new_figure

    with mpl.rc_context(_theme.rc_params()):
        fig = new_figure(layout.width, layout.height, fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, layout.width)
        ax.set_ylim(layout.height, 0)
        ax.set_axis_off()
        left, top, right, bottom = layout.grid
        ax.add_patch(mpl.patches.Rectangle((left, top), right - left, bottom - top, fill=False, lw=0.6,
                                           edgecolor=_theme.GRID, zorder=1))
        for t in layout.texts:
            ax.text(t.x, t.y, t.text, ha=t.ha, va="center", fontsize=t.size,
                    fontweight="bold" if t.bold else "normal", color=_theme.INK)
        dot = (layout.dot_diameter * 72) ** 2
        if layout.cells:  # one collection for every dot (one scatter per cell was most of the drawing time)
            ax.scatter([c.x for c in layout.cells], [c.y for c in layout.cells], s=dot,
                       c=[c.colour for c in layout.cells], edgecolors=_theme.MUTED, linewidths=0.4, zorder=3)
        for c in layout.cells:
            ax.text(c.x, c.y, c.symbol, ha="center", va="center", fontsize=_theme.FONT_SIZE + 1, fontweight="bold",
                    color=c.symbol_colour, zorder=4)
        for item, (x, y) in zip(layout.legend, layout.legend_dots, strict=True):
            ax.scatter([x], [y], s=(0.15 * 72) ** 2, color=item.colour, edgecolors=_theme.MUTED, linewidths=0.4,
                       zorder=3)
            ax.text(x, y, item.symbol, ha="center", va="center", fontsize=_theme.SMALL_FONT_SIZE, fontweight="bold",
                    color=rc.symbol_ink(layout.palette, item.level), zorder=4)
    return fig


def traffic_light_plot(assessments: Sequence[Any], **kwargs: Any) -> Any:
    """Layout and draw in one call."""
    return draw(traffic_light_layout(assessments, **kwargs))
