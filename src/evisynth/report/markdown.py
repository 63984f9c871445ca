"""Render a report's parts (paragraphs, tables, figures) as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from evisynth.report.tables import Table

if TYPE_CHECKING:
    from evisynth.report.sections import ReportSection


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_markdown(t: Table) -> str:
    """A pipe table with a bold title and its notes."""
    align = t.align or ("l",) * len(t.header)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [f"**{t.title}**", "", "| " + " | ".join(_cell(h) for h in t.header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    if t.notes:
        lines += [""] + [f"{n}  " for n in t.notes]
    return "\n".join(lines)


def render_markdown(title: str, meta: Sequence[str], methods: str, results: str, tables: Sequence[Table],
                    figures: Sequence[dict[str, Any]], warnings: Sequence[str], extra: str = "") -> str:
    """The whole report as Markdown; ``figures`` hold ``title``, ``caption``, ``png`` and ``svg`` paths.

    ``extra`` (Markdown, e.g. :func:`sections_markdown`) goes after the figures, before the warnings.
    """
    out = [f"# {title}", "", *[f"{m}  " for m in meta], "", "## Methods", "", methods, "", "## Results", "", results, ""]
    for t in tables:
        out += [table_markdown(t), ""]
    if figures:
        out += ["## Figures", ""]
        for i, f in enumerate(figures, 1):
            out += [f"### Figure {i}. {f['title']}", "", f"![{f['title']}]({f['png']})", "",
                    f"{f['caption']} ([SVG]({f['svg']}))", ""]
    if extra:
        out += [extra.rstrip(), ""]
    if warnings:
        out += ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""]
    return "\n".join(out).rstrip() + "\n"


def _figure_markdown(number: int, f: dict[str, Any]) -> list[str]:
    return [f"### Figure {number}. {f['title']}", "", f"![{f['title']}]({f['png']})", "",
            f"{f['caption']} ([SVG]({f['svg']}))", ""]


def sections_markdown(sections: Sequence[ReportSection], figures: Sequence[dict[str, Any]], first: int = 1) -> str:
    """The subgroup and meta-regression sections: heading, paragraph, tables and figures (numbered from ``first``).

    ``figures`` are the written files of the sections' figures, in order (``title``, ``caption``,
    ``png``, ``svg``).
    """
    out: list[str] = []
    j = 0
    for sec in sections:
        out += [f"## {sec.title}", ""]
        if sec.text:
            out += [sec.text, ""]
        for t in sec.tables:
            out += [table_markdown(t), ""]
        for f in figures[j:j + len(sec.figures)]:
            out += _figure_markdown(first + j, f)
            j += 1
    return "\n".join(out).rstrip() + "\n"
