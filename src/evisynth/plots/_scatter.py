"""Rendering of a :class:`~evisynth.plots._layout.ScatterLayout` on an explicit matplotlib Figure."""

from __future__ import annotations

from typing import Any

from evisynth.plots import _theme
from evisynth.plots._forest_draw import new_figure
from evisynth.plots._layout import ScatterLayout
from evisynth.plots._scatter_geometry import BASE_AREA, finish, legend_top

_STYLES = {"solid": "-", "dashed": "--", "dotted": ":"}
__all__ = ["BASE_AREA", "draw_scatter"]


def draw_scatter(lay: ScatterLayout, fig: Any = None) -> Any:
    """Draw a scatter-type layout; returns the Figure."""
    import matplotlib as mpl

    with mpl.rc_context(_theme.rc_params()):
        fig = new_figure(lay.width, lay.height, fig)
        _draw(lay, fig)
    return fig


def _draw(lay: ScatterLayout, fig: Any) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Polygon

    if lay.box is None:  # a layout built by hand: let the geometry step decide
        lay = finish(lay)
    assert lay.box is not None
    W, H = lay.width, lay.height
    left, bottom, width, height = lay.box
    ax = fig.add_axes((left / W, bottom / H, width / W, height / H))
    if lay.title:
        ax.set_title(lay.title, fontsize=_theme.FONT_SIZE + 1, fontweight="bold", loc="left")
    for r in lay.regions:
        ax.add_patch(Polygon(list(zip(r.xs, r.ys, strict=True)), closed=True, facecolor=r.colour, edgecolor="none",
                             zorder=0))
    for ln in lay.lines:
        ax.plot(ln.xs, ln.ys, _STYLES.get(ln.style, "-"), color=ln.colour, lw=ln.width, zorder=2)
    for kind in ("study", "highlight", "filled", "pooled"):
        pts = lay.points_of(kind)
        if not pts:
            continue
        xs = [p.x for p in pts]
        ys = [p.y for p in pts]
        area = [BASE_AREA * max(p.size, 0.05) for p in pts]
        if kind == "filled":
            ax.scatter(xs, ys, s=area, facecolors=_theme.FILLED, edgecolors=_theme.INK, linewidths=0.8, zorder=3)
        elif kind == "pooled":
            ax.scatter(xs, ys, s=area, marker="D", color=_theme.POOLED, zorder=4)
        else:
            colour = _theme.HIGHLIGHT if kind == "highlight" else _theme.STUDY
            ax.scatter(xs, ys, s=area, color=colour, alpha=0.75, edgecolors=_theme.INK, linewidths=0.4, zorder=3)
    for a in lay.annotations:
        arrow = {"arrowstyle": "-", "color": _theme.MUTED, "lw": 0.5, "shrinkA": 0, "shrinkB": 2} if a.leader else None
        ax.annotate(a.text, (a.x, a.y), xytext=(a.dx, a.dy), textcoords="offset points", ha=a.ha, va=a.va,
                    fontsize=_theme.SMALL_FONT_SIZE, zorder=5, arrowprops=arrow, annotation_clip=False)
    ax.set_xlim(lay.x.lower, lay.x.upper)
    lo, hi = lay.y.lower, lay.y.upper
    ax.set_ylim((hi, lo) if lay.invert_y else (lo, hi))
    ax.set_xticks(list(lay.x.ticks))
    ax.set_xticklabels(list(lay.x.tick_labels))
    ax.set_yticks(list(lay.y.ticks))
    ax.set_yticklabels(list(lay.y.tick_labels))
    ax.set_xlabel(lay.x.label)
    ax.set_ylabel(lay.y.label)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if lay.legend:
        handles: list[Patch | Line2D] = []
        for label, style in lay.legend:
            if style.startswith("region:"):
                handles.append(Patch(facecolor=style.split(":", 1)[1], edgecolor=_theme.MUTED, lw=0.4, label=label))
            elif style == "filled":
                handles.append(Line2D([], [], marker="o", ls="", mfc=_theme.FILLED, mec=_theme.INK, label=label))
            elif style == "study":
                handles.append(Line2D([], [], marker="o", ls="", color=_theme.STUDY, label=label))
            else:
                handles.append(Line2D([], [], ls=_STYLES.get(style, "-"), color=_theme.INK, label=label))
        fig.legend(handles=handles, fontsize=_theme.SMALL_FONT_SIZE, frameon=False, loc="upper left",
                   bbox_to_anchor=(left / W, legend_top(lay) / H), ncol=max(lay.legend_columns, 1),
                   borderaxespad=0.0, borderpad=0.0, columnspacing=1.2, handlelength=1.8, labelspacing=0.25)
    if lay.caption:  # line breaks decided by the layout (between clauses), never wrapped here
        fig.text(_theme.MARGIN / W, _theme.MARGIN / H, lay.caption, fontsize=_theme.SMALL_FONT_SIZE, ha="left",
                 va="bottom", color=_theme.MUTED, linespacing=1.25)
