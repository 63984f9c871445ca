"""Results laid out as tables: rows under a header cell that names the measure.

Pipe (Markdown) tables, HTML tables (whose cells :func:`~evisynth.check.text.strip_html`
turns into pipe rows), tab-separated and comma-separated (CSV) rows; and the row form
"Difference (95% CI) -0.38 (-0.76 to 0.00)" where the CI's level is announced before the
numbers.
"""

from __future__ import annotations

import re

from evisynth.check.draft import Draft, freeze, label_before
from evisynth.check.model import Claim, Num
from evisynth.check.parts import parse_number
from evisynth.check.patterns import NUM
from evisynth.check.text import Document

_CELL_RESULT_RE = re.compile(
    r"\s*(?P<e>" + NUM + r")\s*[(\[]\s*(?P<lo>" + NUM + r")\s*(?:to|–|,|;)\s*(?P<hi>" + NUM + r")\s*[)\]]\s*$"
)
_CI_HEADER_RE = re.compile(r"(?P<level>\d{2})\s?%\s*-?\s*(?:CI|confidence|CrI|credible)", re.I)


_P_HEADER_RE = re.compile(r"\s*(?:two-sided\s+)?P(?:\s*-?\s*values?)?\s*[*†‡a-z]?\s*$", re.I)
_P_CELL_RE = re.compile(r"\s*(?P<rel>[<>≤≥=]?)\s*(?P<p>" + NUM + r")\s*$")
_BRACKETS = str.maketrans("[]", "()")


def _estimate_and_ci(m: re.Match[str], offset: int = 0) -> dict[str, Num]:
    """The estimate and CI limits of a match with groups ``e``, ``lo`` and ``hi``; ``offset`` places
    a match made inside a cell in the text."""
    groups = (("estimate", "e"), ("ci_lower", "lo"), ("ci_upper", "hi"))
    return {k: parse_number(m.group(g), offset + m.start(g)) for k, g in groups}


def _cells(line: str, raw: str, start: int, delimiter: str) -> list[tuple[str, int]]:
    """The cells of a table line with the offset of each; commas inside brackets separate nothing.

    ``raw`` is the same line in the plain text (normalising turns a tab into a space).
    """
    cells: list[tuple[str, int]] = []
    depth, cell_start = 0, 0
    for i, ch in enumerate(raw.translate(_BRACKETS)):
        depth += (ch == "(") - (ch == ")")
        if ch == delimiter and (depth <= 0 or delimiter != ","):
            cells.append((line[cell_start:i], start + cell_start))
            cell_start = i + 1
    cells.append((line[cell_start:], start + cell_start))
    return cells


def _delimiter(line: str, header_delimiter: str | None) -> str | None:
    """The cell delimiter of a table line: a pipe, a tab, or a comma in a CSV table whose
    header names a CI ("Outcome,Risk ratio (95% CI),P value")."""
    if "|" in line:
        return "|"
    if "\t" in line:
        return "\t"
    if "," in line and (header_delimiter == "," or _CI_HEADER_RE.search(line)):
        return ","
    return None


def _csv_header(cells: list[tuple[str, int]]) -> bool:
    """A CSV header is short cells, not a sentence with commas ("Mortality fell (RR 0.84, 95% CI ...), and")."""
    return len(cells) >= 2 and all(len(c.strip()) <= 40 and not c.rstrip().endswith(".") for c, _off in cells)


class _Header:
    """What each column of a table holds: a measure code, a CI level, or P values."""

    def __init__(self, doc: Document, cells: list[tuple[str, int]], delimiter: str) -> None:
        self.delimiter = delimiter
        self.columns: list[tuple[str | None, float | None]] = []
        self.p_column: int | None = None
        for j, (cell, off) in enumerate(cells):
            label = label_before(doc, off, off + len(cell))
            level = _CI_HEADER_RE.search(cell)
            self.columns.append((label[0] if label else None, float(level.group("level")) / 100 if level else None))
            if _P_HEADER_RE.match(cell) and self.p_column is None:
                self.p_column = j

    def names_a_measure(self) -> bool:
        return any(code for code, _level in self.columns)


def table_claims(doc: Document, taken: list[Claim]) -> list[Claim]:
    """Unlabelled table cells ("0.61 (0.39 to 0.95)") under a header cell that names the measure
    ("Odds Ratio (95% CI)"), with the row's P value when a column is headed "P value".

    Pipe (Markdown), HTML (cells read as pipe rows), tab-separated and CSV tables, one row per
    line; a blank line between rows (as HTML leaves) does not end the table.
    """
    out: list[Claim] = []
    header: _Header | None = None
    pos = 0
    for line in doc.norm.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        raw = doc.plain[start : start + len(line)]
        delimiter = _delimiter(raw, header.delimiter if header else None)
        if delimiter is None:
            header = None
            continue
        cells = _cells(line, raw, start, delimiter)
        if not any(_CELL_RESULT_RE.match(c) for c, _off in cells):
            candidate = _Header(doc, cells, delimiter)
            if candidate.names_a_measure() and (delimiter != "," or _csv_header(cells)):
                header = candidate
            continue
        if header is None or header.delimiter != delimiter:
            continue
        out.extend(_row_claims(doc, taken, header, cells, start + len(line)))
    return out


def _row_claims(
    doc: Document, taken: list[Claim], header: _Header, cells: list[tuple[str, int]], line_end: int
) -> list[Claim]:
    out: list[Claim] = []
    p_match: re.Match[str] | None = None
    p_off = 0
    if header.p_column is not None and header.p_column < len(cells):
        p_cell, p_off = cells[header.p_column]
        p_match = _P_CELL_RE.match(p_cell)
    for j, (cell, off) in enumerate(cells):
        m = _CELL_RESULT_RE.match(cell)
        if m is None or j >= len(header.columns) or header.columns[j][0] is None:
            continue
        a, b = off + m.start("e"), off + m.end("hi") + 1
        if any(c.start < b and a < c.end for c in taken):
            continue
        nums = _estimate_and_ci(m, off)
        code, level = header.columns[j]
        draft = Draft(a, min(b, line_end), doc.sentence_span(a), code, nums, level=level)
        if p_match is not None:
            nums["p_value"] = parse_number(p_match.group("p"), p_off + p_match.start("p"))
            rel = p_match.group("rel")
            draft.relation = "<" if rel in ("<", "≤") else ">" if rel in (">", "≥") else "="
        out.append(freeze(doc, draft))
    return out


_CI_FIRST_RE = re.compile(
    r"[(\[]\s*(?P<level>\d{2})\s?%\s*(?:CI|confidence\s+intervals?|CrI)\s*[)\]]\s*(?:[:=,]|\bwas\b|\bwere\b|\bof\b|\bis\b)?\s*"
    r"(?P<e>" + NUM + r")\s*[(\[]\s*(?P<lo>" + NUM + r")\s*(?:to|–|,|;)\s*(?P<hi>" + NUM + r")\s*[)\]]",
    re.I,
)


_GENERIC_BEFORE_RE = re.compile(r"\b(?:difference|effect(?:\s+size)?|estimate)\s*$", re.I)


def ci_first_claims(doc: Document, taken: list[Claim]) -> list[Claim]:
    """ "The RR (95% CI) was 0.84 (0.71 to 0.99)": the CI's level announced before the numbers."""
    out: list[Claim] = []
    for m in _CI_FIRST_RE.finditer(doc.norm):
        sent = doc.sentence_span(m.start())
        label: tuple[str | None, int] | None = label_before(doc, max(sent[0], m.start() - 40), m.start())
        if label is None:  # a JAMA table row: "Difference (95% CI) -0.38 (-0.76 to 0.00)"
            generic = _GENERIC_BEFORE_RE.search(doc.norm, max(sent[0], m.start() - 30), m.start())
            label = (None, generic.start()) if generic else None
        if label is None or any(c.start < m.end() and m.start() < c.end for c in taken):
            continue
        nums = _estimate_and_ci(m)
        draft = Draft(label[1], m.end(), sent, label[0], nums, level=float(m.group("level")) / 100)
        out.append(freeze(doc, draft))
    return out
