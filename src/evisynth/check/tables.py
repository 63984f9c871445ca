"""Results laid out as tables: rows under a header cell that names the measure.

Pipe (Markdown) tables, HTML tables (whose cells :func:`~evisynth.check.text.strip_html`
turns into pipe rows), tab-separated and comma-separated (CSV) rows; and the row form
"Difference (95% CI) -0.38 (-0.76 to 0.00)" where the CI's level is announced before the
numbers.
"""

from __future__ import annotations

import re

from evisynth.check.draft import Draft, freeze, label_before
from evisynth.check.model import Claim
from evisynth.check.parts import parse_number
from evisynth.check.patterns import NUM
from evisynth.check.text import Document

_CELL_RESULT_RE = re.compile(
    r"\s*(?P<e>" + NUM + r")\s*[(\[]\s*(?P<lo>" + NUM + r")\s*(?:to|–|,|;)\s*(?P<hi>" + NUM + r")\s*[)\]]\s*$"
)
_CI_HEADER_RE = re.compile(r"(?P<level>\d{2})\s?%\s*-?\s*(?:CI|confidence|CrI|credible)", re.I)


def table_claims(doc: Document, taken: list[Claim]) -> list[Claim]:
    """Unlabelled table cells ("0.61 (0.39 to 0.95)") under a header cell that names the measure
    ("Odds Ratio (95% CI)"): Markdown or pipe tables, one row per line."""
    out: list[Claim] = []
    header: list[tuple[str | None, float | None]] | None = None
    pos = 0
    for line in doc.norm.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if "|" not in line:
            header = None
            continue
        cells, offsets, at = line.split("|"), [], start
        for cell in cells:
            offsets.append(at)
            at += len(cell) + 1
        labels = []
        for cell, off in zip(cells, offsets, strict=True):
            label = label_before(doc, off, off + len(cell))
            level = _CI_HEADER_RE.search(cell)
            labels.append((label[0] if label else None, float(level.group("level")) / 100 if level else None))
        if any(code for code, _lv in labels) and not any(_CELL_RESULT_RE.match(c) for c in cells):
            header = labels
            continue
        if header is None:
            continue
        for j, (cell, off) in enumerate(zip(cells, offsets, strict=True)):
            m = _CELL_RESULT_RE.match(cell)
            if m is None or j >= len(header) or header[j][0] is None:
                continue
            a, b = off + m.start("e"), off + m.end("hi") + 1
            if any(c.start < b and a < c.end for c in taken):
                continue
            nums = {
                k: parse_number(m.group(g), off + m.start(g))
                for k, g in (("estimate", "e"), ("ci_lower", "lo"), ("ci_upper", "hi"))
            }
            draft = Draft(a, min(b, start + len(line)), doc.sentence_span(a), header[j][0], nums, level=header[j][1])
            out.append(freeze(doc, draft))
    return out


_CI_FIRST_RE = re.compile(
    r"[(\[]\s*(?P<level>\d{2})\s?%\s*(?:CI|confidence\s+intervals?|CrI)\s*[)\]]\s*(?:[:=,]|\bwas\b|\bwere\b|\bof\b|\bis\b)?\s*"
    r"(?P<e>" + NUM + r")\s*[(\[]\s*(?P<lo>" + NUM + r")\s*(?:to|–|,|;)\s*(?P<hi>" + NUM + r")\s*[)\]]",
    re.I,
)


def ci_first_claims(doc: Document, taken: list[Claim]) -> list[Claim]:
    """ "The RR (95% CI) was 0.84 (0.71 to 0.99)": the CI's level announced before the numbers."""
    out: list[Claim] = []
    for m in _CI_FIRST_RE.finditer(doc.norm):
        sent = doc.sentence_span(m.start())
        label = label_before(doc, max(sent[0], m.start() - 40), m.start())
        if label is None or any(c.start < m.end() and m.start() < c.end for c in taken):
            continue
        nums = {
            k: parse_number(m.group(g), m.start(g)) for k, g in (("estimate", "e"), ("ci_lower", "lo"), ("ci_upper", "hi"))
        }
        draft = Draft(label[1], m.end(), sent, label[0], nums, level=float(m.group("level")) / 100)
        out.append(freeze(doc, draft))
    return out
