"""Rendering of a :class:`~evisynth.plots._layout.ScatterLayout` on an explicit matplotlib Figure."""

from __future__ import annotations

from typing import Any

from evisynth.plots import _theme
from evisynth.plots._forest_draw import new_figure
from evisynth.plots._layout import ScatterLayout

_STYLES = {"solid": "-", "dashed": "--", "dotted": ":"}
#: Area in points² of a point of relative size 1.
BASE_AREA = 28.0


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

    bottom = 0.13 if not lay.caption else 0.19
    right = 0.70 if lay.legend else 0.95
    ax = fig.add_axes((0.11, bottom, right - 0.11, 0.89 - bottom - (0.0 if lay.title else -0.05)))
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
    for x, y, text in lay.annotations:
        ax.annotate(text, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=_theme.SMALL_FONT_SIZE,
                    zorder=5)
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
        ax.legend(handles=handles, fontsize=_theme.SMALL_FONT_SIZE, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    if lay.caption:
        fig.text(0.02, 0.02, lay.caption, fontsize=_theme.SMALL_FONT_SIZE, ha="left", va="bottom",
                 color=_theme.MUTED, wrap=True)
