"""Render a report's parts (paragraphs, tables, figures) as Markdown.

Every text that may carry a label from the data (study, outcome, moderator names) goes through
:func:`evisynth.files.markdown_text`, so the Markdown holds no live HTML and no links but the
figure links evisynth writes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from evisynth.files import markdown_cell, markdown_text
from evisynth.report.tables import Table

if TYPE_CHECKING:
    from evisynth.report.sections import ReportSection

_cell = markdown_cell
_t = markdown_text


def table_markdown(t: Table) -> str:
    """A pipe table with a bold title and its notes."""
    align = t.align or ("l",) * len(t.header)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [f"**{_t(t.title)}**", "", "| " + " | ".join(_cell(h) for h in t.header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    if t.notes:
        lines += [""] + [f"{_t(n)}  " for n in t.notes]
    return "\n".join(lines)


def render_markdown(title: str, meta: Sequence[str], methods: str, results: str, tables: Sequence[Table],
                    figures: Sequence[dict[str, Any]], warnings: Sequence[str], extra: str = "") -> str:
    """The whole report as Markdown; ``figures`` hold ``title``, ``caption``, ``png`` and ``svg`` paths.

    ``extra`` (Markdown, e.g. :func:`sections_markdown`) goes after the figures, before the warnings.
    """
    out = [f"# {_t(title)}", "", *[f"{_t(m)}  " for m in meta], "", "## Methods", "", _t(methods), "", "## Results", "",
           _t(results), ""]
    for t in tables:
        out += [table_markdown(t), ""]
    if figures:
        out += ["## Figures", ""]
        for i, f in enumerate(figures, 1):
            out += _figure_markdown(i, f)
    if extra:
        out += [extra.rstrip(), ""]
    if warnings:
        out += ["## Warnings", ""] + [f"- {_t(w)}" for w in warnings] + [""]
    return "\n".join(out).rstrip() + "\n"


def _figure_markdown(number: int, f: dict[str, Any]) -> list[str]:
    alt = _t(f["title"]).replace("[", "\\[").replace("]", "\\]")
    return [f"### Figure {number}. {_t(f['title'])}", "", f"![{alt}]({f['png']})", "",
            f"{_t(f['caption'])}" + (f" ([SVG]({f['svg']}))" if f.get("svg") else ""), ""]


def sections_markdown(sections: Sequence[ReportSection], figures: Sequence[dict[str, Any]], first: int = 1) -> str:
    """The subgroup and meta-regression sections: heading, paragraph, tables and figures (numbered from ``first``).

    ``figures`` are the written files of the sections' figures, in order (``title``, ``caption``,
    ``png``, ``svg``).
    """
    out: list[str] = []
    j = 0
    for sec in sections:
        out += [f"## {_t(sec.title)}", ""]
        if sec.text:
            out += [_t(sec.text), ""]
        for t in sec.tables:
            out += [table_markdown(t), ""]
        for f in figures[j:j + len(sec.figures)]:
            out += _figure_markdown(first + j, f)
            j += 1
    return "\n".join(out).rstrip() + "\n"
