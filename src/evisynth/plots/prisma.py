"""PRISMA 2020 flow diagram (new systematic reviews; databases and registers) from :class:`PrismaCounts`.

:func:`prisma_layout` computes every box, arrow and phase band as plain data (tested without
drawing); :func:`draw_prisma` draws that layout on a new :class:`matplotlib.figure.Figure`;
:func:`save_prisma` writes SVG, PNG and PDF plus the counts as JSON. The counts are checked first
and a diagram that does not add up is refused.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evisynth.records.prisma import PrismaCounts

_LINE = 0.18  # height of one text line, inches
_PAD = 0.16
_WIDTH = 9.0
_LEFT_X, _LEFT_W = 0.75, 4.0
_RIGHT_X, _RIGHT_W = 5.15, 3.6
_GAP = 0.4


@dataclass(frozen=True, slots=True)
class Box:
    """A box: ``key`` names the PRISMA box, ``x, y`` its lower-left corner (inches)."""

    key: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Arrow:
    """An arrow from ``(x0, y0)`` to ``(x1, y1)`` (inches)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything :func:`draw_prisma` draws."""

    width: float
    height: float
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    phases: tuple[tuple[str, float, float], ...]  # label, y bottom, y top
    title: str


def _n(value: int) -> str:
    # no-break spaces keep "(n = 12)" on one line when a box label wraps
    return f"(n\u00a0=\u00a0{value})"


def _wrap(lines: list[str], width: float) -> tuple[str, ...]:
    chars = int(width * 13)
    out: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        out += textwrap.wrap(line, chars, subsequent_indent=" " * (indent + 2)) or [""]
    return tuple(out)


def prisma_layout(counts: PrismaCounts, title: str = "") -> Layout:
    """Boxes and arrows of the diagram for ``counts`` (which must add up).

    Raises
    ------
    InputError
        When the counts fail a balance check (see :meth:`PrismaCounts.check`).
    """
    counts.check()
    rows: list[tuple[list[str], list[str], str, str]] = [
        (
            ["Records identified from:", f"Databases {_n(counts.database_results)}"]
            + [f"  {name} {_n(n)}" for name, n in counts.database_specific_results.items()]
            + [f"Registers {_n(counts.register_results)}"],
            [
                "Records removed before screening:",
                f"  Duplicate records removed {_n(counts.duplicates)}",
                f"  Records marked as ineligible by automation tools {_n(counts.excluded_automatic)}",
                f"  Records removed for other reasons {_n(counts.excluded_other)}",
            ],
            "identified",
            "removed",
        ),
        (
            [f"Records screened {_n(counts.records_screened)}"],
            [f"Records excluded {_n(counts.records_excluded)}"],
            "screened",
            "excluded",
        ),
        (
            [f"Reports sought for retrieval {_n(counts.dbr_sought_reports)}"],
            [f"Reports not retrieved {_n(counts.dbr_notretrieved_reports)}"],
            "sought",
            "not_retrieved",
        ),
        (
            [f"Reports assessed for eligibility {_n(counts.dbr_assessed)}"],
            ["Reports excluded:"]
            + [f"  {reason} {_n(n)}" for reason, n in counts.dbr_excluded.items()]
            + ([] if counts.dbr_excluded else ["  none"]),
            "assessed",
            "fulltext_excluded",
        ),
        (
            [
                f"Studies included in review {_n(counts.new_studies)}",
                f"Reports of included studies {_n(counts.new_reports)}",
            ],
            [],
            "included",
            "",
        ),
    ]
    wrapped = [(_wrap(left, _LEFT_W), _wrap(right, _RIGHT_W), lk, rk) for left, right, lk, rk in rows]
    heights = [max(len(l_), len(r_)) * _LINE + 2 * _PAD for l_, r_, _, _ in wrapped]
    top_margin = 0.7 if title else 0.35
    total = top_margin + sum(heights) + _GAP * (len(heights) - 1) + 0.35
    boxes: list[Box] = []
    arrows: list[Arrow] = []
    y_top = total - top_margin
    tops: list[float] = []
    for (left, right, lk, rk), h in zip(wrapped, heights, strict=True):
        y = y_top - h
        tops.append(y_top)
        boxes.append(Box(lk, _LEFT_X, y, _LEFT_W, h, left))
        if right:
            boxes.append(Box(rk, _RIGHT_X, y, _RIGHT_W, h, right))
            arrows.append(Arrow(_LEFT_X + _LEFT_W, y + h / 2, _RIGHT_X, y + h / 2))
        y_top = y - _GAP
    mid = _LEFT_X + _LEFT_W / 2
    lefts = [b for b in boxes if b.x == _LEFT_X]
    for upper, lower in itertools.pairwise(lefts):
        arrows.append(Arrow(mid, upper.y, mid, lower.y + lower.height))
    phases = (
        ("Identification", lefts[0].y, lefts[0].y + lefts[0].height),
        ("Screening", lefts[3].y, lefts[1].y + lefts[1].height),
        ("Included", lefts[4].y, lefts[4].y + lefts[4].height),
    )
    return Layout(_WIDTH, total, tuple(boxes), tuple(arrows), phases, title)


def draw_prisma(layout: Layout) -> Any:
    """Draw ``layout`` on a new :class:`matplotlib.figure.Figure` (no pyplot state) and return it."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig = Figure(figsize=(layout.width, layout.height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(0, layout.height)
    ax.axis("off")
    if layout.title:
        ax.text(
            layout.width / 2,
            layout.height - 0.35,
            layout.title,
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
        )
    for label, y0, y1 in layout.phases:
        ax.add_patch(
            FancyBboxPatch(
                (0.2, y0),
                0.35,
                y1 - y0,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor="#9fc5e8",
                edgecolor="#3d6e99",
                linewidth=0.8,
            )
        )
        ax.text(
            0.375, (y0 + y1) / 2, label, rotation=90, ha="center", va="center", fontsize=9, fontweight="bold"
        )
    for box in layout.boxes:
        ax.add_patch(
            FancyBboxPatch(
                (box.x, box.y),
                box.width,
                box.height,
                boxstyle="square,pad=0",
                facecolor="white",
                edgecolor="black",
                linewidth=0.9,
            )
        )
        ax.text(
            box.x + _PAD,
            box.y + box.height - _PAD,
            "\n".join(box.lines),
            ha="left",
            va="top",
            fontsize=8.5,
            linespacing=1.45,
            family="DejaVu Sans",
        )
    for arrow in layout.arrows:
        ax.add_patch(
            FancyArrowPatch(
                (arrow.x0, arrow.y0),
                (arrow.x1, arrow.y1),
                arrowstyle="-|>",
                mutation_scale=12,
                linewidth=0.9,
                color="black",
            )
        )
    return fig


def save_prisma(
    counts: PrismaCounts, out_dir: str | Path, *, stem: str = "prisma", title: str = "", dpi: int = 200,
    force: bool = False, inputs: tuple[str | Path, ...] = (), provenance: dict[str, Any] | None = None,
) -> list[Path]:
    """Check the counts, then write ``<stem>.svg``, ``.png``, ``.pdf`` and ``<stem>.json`` to ``out_dir``.

    The files are written together and atomically; ``<stem>.json`` carries ``provenance`` when
    given. Existing files evisynth did not write are replaced only with ``force``; ``inputs``
    (the project's database and review file) never.
    """
    import io

    from evisynth.files import OutputSet

    fig = draw_prisma(prisma_layout(counts, title))
    out = OutputSet(out_dir, inputs=inputs, force=force, by="prisma", provenance=provenance)
    paths = []
    for ext in ("svg", "png", "pdf"):
        # no creation dates, so the same counts give the same files
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": None}[ext]
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=dpi, metadata=metadata)
        paths.append(out.add(f"{stem}.{ext}", buf.getvalue()))
    doc = counts.to_dict()
    if provenance:
        doc["provenance"] = provenance
    paths.append(out.add_json(f"{stem}.json", doc))
    out.commit()
    return paths
