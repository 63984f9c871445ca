"""Rendering of a :class:`~evisynth.plots._forest_geometry.ForestLayout` on an explicit matplotlib Figure."""

from __future__ import annotations

import math
from typing import Any

from evisynth.plots import _theme
from evisynth.plots._forest_geometry import Column, ForestLayout
from evisynth.plots._layout import is_number

_BOLD_KINDS = ("subgroup_header", "cluster_header", "subtotal", "total")


def new_figure(width: float, height: float, fig: Any = None) -> Any:
    """A Figure of the given size (inches) with an Agg canvas attached."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if fig is None:
        fig = Figure(figsize=(width, height), dpi=100)
    else:
        fig.set_size_inches(width, height)
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig


def draw_forest(layout: ForestLayout, fig: Any = None) -> Any:
    """Draw a forest-plot layout; returns the Figure."""
    import matplotlib as mpl

    with mpl.rc_context(_theme.rc_params()):
        fig = new_figure(layout.width, layout.height, fig)
        _draw(layout, fig)
    return fig


def _draw(lay: ForestLayout, fig: Any) -> None:
    from matplotlib.patches import Polygon

    W, H, rh = lay.width, lay.height, lay.row_height
    size = _theme.FONT_SIZE
    tab = fig.add_axes((0, 0, 1, 1))
    tab.set_xlim(0, W)
    tab.set_ylim(H, 0)
    tab.set_axis_off()

    top = _theme.MARGIN
    if lay.title:
        tab.text(_theme.MARGIN, top + 0.5 * rh, lay.title, ha="left", va="center", fontsize=size + 1,
                 fontweight="bold")
        top += rh
    y_group, y_head = top + 0.55 * rh, top + 1.55 * rh
    # column headers
    groups: dict[str, list[Any]] = {}
    for col in lay.columns:
        x = _anchor(col)
        tab.text(x, y_head, col.header, ha=_ha(col.align), va="center", fontweight="bold", fontsize=size)
        if col.group:
            groups.setdefault(col.group, []).append(col)
    for name, cols in groups.items():
        left, right = cols[0].x, cols[-1].x + cols[-1].width
        tab.text((left + right) / 2, y_group, name, ha="center", va="center", fontweight="bold", fontsize=size)
        if len(cols) > 1:
            tab.plot([left, right], [y_group + 0.45 * rh] * 2, color=_theme.INK, lw=0.5)
    gx, gw = lay.graph_x, lay.graph_width
    tab.text(gx + gw / 2, y_group, lay.measure_header, ha="center", va="center", fontweight="bold", fontsize=size)
    tab.text(gx + gw / 2, y_head, lay.method_header, ha="center", va="center", fontweight="bold", fontsize=size)
    if lay.rob_domains:
        left, right = lay.rob_x[0] - rh / 2, lay.rob_x[-1] + rh / 2
        tab.text((left + right) / 2, y_group, "Risk of Bias", ha="center", va="center", fontweight="bold",
                 fontsize=size)
        for d, x in zip(lay.rob_domains, lay.rob_x, strict=True):
            tab.text(x, y_head, d, ha="center", va="center", fontweight="bold", fontsize=size)
    right_edge = (lay.rob_x[-1] + rh / 2) if lay.rob_domains else gx + gw
    tab.plot([_theme.MARGIN, right_edge], [lay.header_height - 0.1 * rh] * 2, color=_theme.INK, lw=0.6)

    # graph axes over the rows that carry marks
    n = lay.n_graph_rows
    bottom = 1 - (lay.header_height + n * rh) / H
    gax = fig.add_axes((gx / W, bottom, gw / W, n * rh / H))
    ax = lay.axis
    gax.set_xlim(ax.lower, ax.upper)
    gax.set_ylim(n, 0)
    gax.set_yticks([])
    for side in ("left", "right", "top"):
        gax.spines[side].set_visible(False)
    gax.set_xticks(list(ax.ticks))
    gax.set_xticklabels(list(ax.tick_labels))
    gax.patch.set_alpha(0)
    gax.axvline(0.0 if ax.null is None else ax.null, color=_theme.NULL_LINE, lw=0.6, zorder=1)
    null = 0.0 if ax.null is None else ax.null
    null_frac = min(max((null - ax.lower) / (ax.upper - ax.lower), 0.0), 1.0)  # favours labels meet at the null
    gax.annotate(lay.favours[0], xy=(null_frac, 0), xycoords="axes fraction", xytext=(-8, -24),
                 textcoords="offset points", ha="right", va="top", fontsize=size)
    gax.annotate(lay.favours[1], xy=(null_frac, 0), xycoords="axes fraction", xytext=(8, -24),
                 textcoords="offset points", ha="left", va="top", fontsize=size)

    max_side = 0.85 * rh * 72
    lo_lim, hi_lim = ax.lower, ax.upper
    dots: list[tuple[float, float, str]] = []  # risk-of-bias dots, drawn as one collection below
    for i, row in enumerate(lay.rows):
        y = lay.row_y(i)
        kind = row.kind
        colour = _theme.EXCLUDED if kind == "excluded" else _theme.INK
        if kind in ("heterogeneity", "overall_effect", "subgroup_difference"):
            tab.text(_theme.MARGIN, y, row.label, ha="left", va="center", fontsize=size)
            continue
        if kind == "legend":
            tab.text(_theme.MARGIN, y, row.label, ha="left", va="center", fontsize=_theme.SMALL_FONT_SIZE,
                     fontweight="bold" if row.label == "Risk of bias legend" else "normal")
            continue
        if row.label:
            tab.text(_theme.MARGIN, y, row.label, ha="left", va="center", fontsize=size, color=colour,
                     fontweight="bold" if kind in _BOLD_KINDS else "normal")
        for col in lay.columns:
            text = row.cells.get(col.key)
            if text and col.key != "label":
                tab.text(_anchor(col), y, text, ha=_ha(col.align), va="center", fontsize=size, color=colour,
                         fontweight="bold" if kind in ("subtotal", "total") else "normal")
        for d, x in zip(lay.rob_domains, lay.rob_x, strict=True):
            level = row.rob.get(d)
            if level:
                dots.append((x, y, _theme.ROB_COLOURS[level]))
                tab.text(x, y, _theme.ROB_SYMBOLS[level], ha="center", va="center", fontsize=size,
                         fontweight="bold", color="white" if level in ("high", "critical") else _theme.INK, zorder=4)
        yy = i + 0.5
        if kind == "excluded":
            gax.text((lo_lim + hi_lim) / 2, yy, row.note, ha="center", va="center", fontsize=_theme.SMALL_FONT_SIZE,
                     style="italic", color=_theme.EXCLUDED, clip_on=False,
                     bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6}, zorder=4)
        elif kind == "study" and is_number(row.estimate):
            _whisker(gax, row.lower, row.upper, yy, lo_lim, hi_lim, _theme.WHISKER, 0.8)
            if lo_lim <= row.estimate <= hi_lim:
                w = row.weight if is_number(row.weight) else 0.0
                sq_side = max(2.5, max_side * math.sqrt(max(w, 0.0) / lay.max_weight)) if lay.max_weight > 0 else 3
                sq_side = lay.square_side or sq_side
                gax.scatter([row.estimate], [yy], marker="s", s=sq_side**2, color=_theme.STUDY, edgecolors="none",
                            zorder=3)
        elif kind in ("subtotal", "total") and is_number(row.estimate) and is_number(lo := row.lower) \
                and is_number(hi := row.upper):
            h = 0.36
            colour_d = _theme.POOLED if kind == "total" else _theme.SUBTOTAL
            gax.add_patch(Polygon([(lo, yy), (row.estimate, yy - h), (hi, yy), (row.estimate, yy + h)],
                                  closed=True, facecolor=colour_d, edgecolor=colour_d, lw=0.5, zorder=3))
        elif kind == "prediction" and is_number(row.lower):
            _whisker(gax, row.lower, row.upper, yy, lo_lim, hi_lim, _theme.PI_COLOUR, 3.0)
    if dots:
        xs, ys, colours = zip(*dots, strict=True)
        tab.scatter(xs, ys, s=(0.8 * rh * 72) ** 2, c=list(colours), edgecolors="none", zorder=3)


def _whisker(gax: Any, lo: Any, hi: Any, y: float, lo_lim: float, hi_lim: float, colour: str, lw: float) -> None:
    if not (is_number(lo) and is_number(hi)):
        return
    a, b = max(lo, lo_lim), min(hi, hi_lim)
    if a < b:
        gax.plot([a, b], [y, y], color=colour, lw=lw, solid_capstyle="butt", zorder=2)
    if lo < lo_lim:
        gax.plot([lo_lim], [y], marker="<", ms=3.5, color=colour, clip_on=False, zorder=2)
    if hi > hi_lim:
        gax.plot([hi_lim], [y], marker=">", ms=3.5, color=colour, clip_on=False, zorder=2)


def _anchor(col: Column) -> float:
    if col.align == "left":
        return col.x
    if col.align == "center":
        return col.x + col.width / 2
    return col.x + col.width


def _ha(align: str) -> str:
    return {"left": "left", "center": "center"}.get(align, "right")
