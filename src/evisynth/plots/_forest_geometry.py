"""Geometry of every forest-type figure: rows, columns, widths and the figure size.

:func:`assemble` measures the text of the rows a layout built (with the theme's font) and
places the columns, the graph, the risk-of-bias columns and their legend; the RevMan forest
plot (:mod:`evisynth.plots.forest`) and the leave-one-out and cumulative plots
(:mod:`evisynth.plots.sensitivity_plots`) share it. Nothing here reads a result or draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from evisynth.plots import _theme
from evisynth.plots._layout import (
    RATIO_CANDIDATES,
    Axis,
    fitted_axis,
    is_number,
    max_width,
    side_limit,
    text_width,
    thin_ticks,
    tick_text,
    wider_side_limit,
)

#: Kinds of rows that carry a diamond.
POOLED_KINDS = ("subtotal", "total")
#: Kinds of rows that are a line of text spanning the table.
TEXT_KINDS = ("heterogeneity", "overall_effect", "subgroup_difference", "legend")


@dataclass(frozen=True)
class Column:
    """A text column left of the graph: ``group`` is the spanning header (``Experimental``)."""

    key: str
    header: str
    group: str = ""
    align: str = "right"  # left | right | center
    x: float = 0.0  # left edge, inches
    width: float = 0.0


@dataclass(frozen=True)
class ForestRow:
    """One row of the forest plot.

    ``kind`` is one of ``subgroup_header``, ``cluster_header`` (a study with several comparisons),
    ``study``, ``excluded``, ``subtotal``, ``total``,
    ``events``, ``prediction``, ``heterogeneity``, ``overall_effect``, ``subgroup_difference``,
    ``legend`` or ``blank``. Positions (``estimate``, ``lower``, ``upper``) are on the analysis
    scale (log ratios for ratio measures); ``cells`` hold the column texts.
    """

    kind: str
    label: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None
    weight: float | None = None
    note: str = ""
    rob: dict[str, str] = field(default_factory=dict)
    study_index: int | None = None
    group: str | None = None


@dataclass(frozen=True)
class ForestLayout:
    """Everything :func:`draw` needs, in inches (y grows downwards from the top edge)."""

    rows: tuple[ForestRow, ...]
    columns: tuple[Column, ...]
    axis: Axis
    measure_header: str
    method_header: str
    favours: tuple[str, str]
    rob_domains: tuple[str, ...]
    rob_x: tuple[float, ...]
    graph_x: float
    graph_width: float
    width: float
    height: float
    header_height: float
    row_height: float
    max_weight: float
    n_graph_rows: int
    title: str | None = None
    square_side: float | None = None  # fixed square side in points (re-analysis plots); None = sized by weight

    def kinds(self) -> list[str]:
        """Row kinds in order (handy in tests)."""
        return [r.kind for r in self.rows]

    def row_y(self, i: int) -> float:
        """Centre of row ``i`` in inches from the top."""
        return self.header_height + (i + 0.5) * self.row_height


def assemble(rows: list[ForestRow], headers: list[tuple[str, str, str, str]], axis: Axis, measure: str, method: str,
             favours: tuple[str, str], rob_domains: tuple[str, ...] = (), title: str | None = None,
             wide_after: tuple[str, ...] = ("label",), square_side: float | None = None) -> ForestLayout:
    """Measure the columns of ``rows`` and place everything: the geometry step of every forest-type layout.

    ``headers`` lists ``(key, header, spanning group, align)`` for the text columns, the label
    column first; ``wide_after`` are columns followed by a double gap.
    """
    rows = list(rows)
    size, gap, rh = _theme.FONT_SIZE, _theme.COLUMN_GAP, _theme.ROW_HEIGHT
    cell_widths = {key: max(max_width([r.cells.get(key, "") for r in rows if r.kind not in POOLED_KINDS], size),
                            max_width([r.cells.get(key, "") for r in rows if r.kind in POOLED_KINDS], size, True))
                   for key, *_ in headers}
    bold_labels = [r.label for r in rows if r.kind in ("subgroup_header", "cluster_header", *POOLED_KINDS)]
    plain_labels = [r.label for r in rows if r.kind in ("study", "excluded", "events", "prediction")]
    cell_widths["label"] = max(max_width(bold_labels, size, True), max_width(plain_labels, size))
    widths = {key: max(cell_widths[key], text_width(head, size)) for key, head, *_ in headers}
    # spanning group headers ("Experimental") must fit over their columns
    for group in dict.fromkeys(g for k, _h, g, _a in headers if g and k != "effect"):
        keys = [k for k, _h, g, _a in headers if g == group]
        need = text_width(group, size, True) - (sum(widths[k] for k in keys) + gap * (len(keys) - 1))
        if need > 0:
            for k in keys:
                widths[k] += need / len(keys)
    widths["effect"] = max(widths["effect"], text_width(measure, size, True))
    x = _theme.MARGIN
    columns = []
    for key, head, group, align in headers:
        columns.append(Column(key, head, group, align, x, widths[key]))
        x += widths[key] + (2 * gap if key in wide_after else gap)
    table_right = x
    text_lines = [r.label for r in rows if r.kind in TEXT_KINDS]
    graph_x = max(table_right, _theme.MARGIN + max_width(text_lines, size) + gap) + gap
    if graph_x > table_right + gap:  # give the spare width to the label column, as RevMan does
        extra = graph_x - table_right - gap
        columns = [Column(c.key, c.header, c.group, c.align, c.x + (extra if c.key != "label" else 0.0),
                          c.width + (extra if c.key == "label" else 0.0)) for c in columns]
    notes = [r.note for r in rows if r.kind == "excluded"]
    graph_width = max(_theme.FOREST_AXIS_WIDTH, text_width(measure, size, True) + 0.2,
                      text_width(method, size) + 0.2, min(max_width(notes, _theme.SMALL_FONT_SIZE) + 0.2, 3.5))
    fav = favours
    graph_width = max(graph_width, favours_width(axis, fav))
    right = graph_x + graph_width + gap
    rob_x: list[float] = []
    if rob_domains:
        right += gap
        for d in rob_domains:
            w = max(1.3 * rh, text_width(d, size) + 0.08)
            rob_x.append(right + w / 2)
            right += w
        used = [lev for lev in _theme.ROB_LABELS if any(lev in r.rob.values() for r in rows)]
        legend = ["Risk of bias legend"] + [
            f"({d}) {_theme.ROB2_DOMAINS.get(d, d)}" for d in rob_domains
        ] + ["   ".join(f"{_theme.ROB_SYMBOLS[lev] or '·'} {_theme.ROB_LABELS[lev]}" for lev in used)]
        rows.append(ForestRow("blank"))
        rows += [ForestRow("legend", line) for line in legend]
    width = right + _theme.MARGIN + (0.0 if rob_domains else 0.15)
    header_height = _theme.MARGIN + 2.2 * rh + (rh if title else 0.0)
    n_graph = max(i for i, r in enumerate(rows) if r.kind in (*POOLED_KINDS, "prediction", "events")) + 1
    # rows below the last graph row share their height with the axis (ticks + favours labels)
    rows_below = len(rows) - n_graph
    axis_rows = 3.2
    height = header_height + (n_graph + max(rows_below, axis_rows)) * rh + _theme.MARGIN
    weights = [r.weight for r in rows if r.kind == "study" and is_number(r.weight)]
    return ForestLayout(
        rows=tuple(rows), columns=tuple(columns), axis=axis, measure_header=measure, method_header=method,
        favours=fav, rob_domains=rob_domains, rob_x=tuple(rob_x), graph_x=graph_x, graph_width=graph_width,
        width=width, height=height, header_height=header_height, row_height=rh,
        max_weight=max(weights, default=1.0), n_graph_rows=n_graph, title=title, square_side=square_side,
    )


def favours_labels(intervention: str = "Experimental", comparison: str = "Control", *, lower_is_better: bool = True,
                   left: str | None = None, right: str | None = None) -> tuple[str, str]:
    """The favours labels under the axis (``Favours [experimental]`` / ``Favours [control]``).

    RevMan's bracketed defaults name the arms generically; given names are used as they are.
    ``lower_is_better`` puts the intervention on the left; ``left``/``right`` override.

    >>> favours_labels(), favours_labels("rTMS", "sham", lower_is_better=False)
    (('Favours [experimental]', 'Favours [control]'), ('Favours sham', 'Favours rTMS'))
    """
    exp = "[experimental]" if intervention == "Experimental" else intervention
    ctl = "[control]" if comparison == "Control" else comparison
    first, second = f"Favours {exp}", f"Favours {ctl}"
    if not lower_is_better:
        first, second = second, first
    return (left or first, right or second)


#: The widest graph column a forest plot takes to keep an axis that fits the data (inches).
MAX_GRAPH_WIDTH = 4.2
#: Gap between the line of no effect and a favours label (8 pt) plus a margin, in inches.
_FAVOURS_PAD = 0.15


def favours_width(axis: Axis, favours: tuple[str, str], size: float = _theme.FONT_SIZE) -> float:
    """The graph width (inches) at which each favours label fits under its own side of the null line."""
    span = axis.upper - axis.lower
    null = 0.0 if axis.null is None else axis.null
    frac = min(max((null - axis.lower) / span, 0.02), 0.98) if span > 0 else 0.5
    return max((text_width(favours[0], size) + _FAVOURS_PAD) / frac,
               (text_width(favours[1], size) + _FAVOURS_PAD) / (1 - frac))


def forest_axis(left: float, right: float, favours: tuple[str, str], *, log: bool, label: str = "") -> Axis:
    """The axis of a forest-type plot: each side's nice limit fits the data on that side.

    ``left`` and ``right`` are how far the data reach below and above the line of no effect
    (analysis scale). A side with little or no data still gets a tenth of the other side, and is
    widened (to RevMan's next scale value) until its favours label fits under it in a graph no
    wider than :data:`MAX_GRAPH_WIDTH`. Tick labels that would touch are dropped.

    >>> ax = forest_axis(4.6, 1.7, ("Favours A", "Favours B"), log=False)
    >>> ax.lower, ax.upper, ax.tick_labels
    (-5.0, 2.0, ('-5', '-2.5', '0', '1', '2'))
    """
    big = max(left, right, 1e-9)
    lo = side_limit(max(left, 0.1 * big), log=log)
    hi = side_limit(max(right, 0.1 * big), log=log)
    axis = fitted_axis(lo, hi, log=log, label=label)
    # widen the shorter side until its label fits; never past the longer side (long labels then widen the graph)
    while favours_width(axis, favours) > MAX_GRAPH_WIDTH and lo != hi:
        if lo < hi:
            lo = min(wider_side_limit(lo, log=log), hi)
        else:
            hi = min(wider_side_limit(hi, log=log), lo)
        axis = fitted_axis(lo, hi, log=log, label=label)
    return thin_ticks(axis, max(_theme.FOREST_AXIS_WIDTH, favours_width(axis, favours)))


def user_axis(lower: float, upper: float, *, log: bool, label: str = "") -> Axis:
    """The axis a user asked for: exactly ``[lower, upper]`` (analysis scale), with round ticks inside.

    >>> [t for t in user_axis(-6.0, 3.0, log=False).tick_labels]
    ['-6', '-3', '0', '1.5', '3']
    >>> user_axis(math.log(0.2), math.log(5.0), log=True).tick_labels
    ('0.2', '0.5', '1', '2', '5')
    """
    eps = 1e-9 * max(1.0, upper - lower)
    if log:
        inside = [math.log(c) for c in RATIO_CANDIDATES if lower - eps <= math.log(c) <= upper + eps]
        ticks = sorted({lower, *inside, upper}, key=float)
        ticks = [t for i, t in enumerate(ticks) if i == 0 or t - ticks[i - 1] > eps]
    elif lower < 0 < upper:
        ticks = [lower, lower / 2, 0.0, upper / 2, upper]
    else:
        ticks = [lower, (lower + upper) / 2, upper]
    axis = Axis(lower, upper, tuple(ticks), tuple(tick_text(t, log) for t in ticks), log, 0.0, label)
    return thin_ticks(axis, _theme.FOREST_AXIS_WIDTH)
