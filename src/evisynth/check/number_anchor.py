"""A summary sentence tied to a source result by a number they share (issue #16, third round).

Plain-language summaries restate a result by one of its numbers rather than by its estimate:
"prevents one admission for every 101 people treated" restates "(RR 0.94, 95% CI 0.88 to 1.02;
...; NNTB 101)", "778 out of 1000 succeeded" restates the absolute effect printed beside the
relative one. When a number of the sentence (10 or more, not a year, not a count of studies) occurs
in the bracket of exactly one source result and nowhere else in the source, the sentence talks
about that result, whatever words it uses for the outcome. Outcome words still decide everything
else; this is tried first, because a shared number is the stronger tie.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evisynth.check.model import Claim
from evisynth.check.text import Document

_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{2,}(?:,\d{3})*)(?![\w,]*\d)(?!\.\d)")
_COUNT_AFTER_RE = re.compile(r"\s*(?:studies|study|trials?|RCTs?|reviews?)\b", re.I)


def _numbers(text: str, start: int, end: int) -> dict[int, list[int]]:
    """Whole numbers of 10 or more in ``text[start:end]`` (not years or counts of studies) and where."""
    out: dict[int, list[int]] = {}
    for m in _NUMBER_RE.finditer(text, start, end):
        value = int(m.group(1).replace(",", ""))
        if 1900 <= value <= 2100 or _COUNT_AFTER_RE.match(text, m.end()):
            continue
        out.setdefault(value, []).append(m.start())
    return out


def result_region(norm: str, claim: Claim) -> tuple[int, int]:
    """The span a result's numbers take: the bracket around it, else the claim itself.

    >>> from evisynth.check.extract import extract_claims
    >>> from evisynth.check.text import make_document
    >>> d = make_document("Death fell (RR 0.80, 95% CI 0.70 to 0.95; 5 studies; NNTB 40). Pain did not.")
    >>> c = extract_claims(d)[0]
    >>> start, end = result_region(d.norm, c)
    >>> d.norm[start:end]
    '(RR 0.80, 95% CI 0.70 to 0.95; 5 studies; NNTB 40)'
    """
    opened = norm.rfind("(", claim.sentence_start, claim.start + 1)
    if opened < 0 or ")" in norm[opened : claim.start]:
        return claim.start, claim.end
    depth = 0
    for i in range(opened, claim.sentence_end):
        if norm[i] == "(":
            depth += 1
        elif norm[i] == ")":
            depth -= 1
            if depth == 0:
                return opened, i + 1
    return claim.start, claim.end


class SourceNumbers:
    """The numbers of a source that tie a sentence to one result, read once per source.

    A number ties to a result when it occurs in that result's region (:func:`result_region`) and
    nowhere else in the source.
    """

    def __init__(self, source_doc: Document, source_claims: Sequence[Claim]) -> None:
        everywhere = _numbers(source_doc.norm, 0, len(source_doc.norm))
        #: number -> (source order, result, region) of every result it ties to
        self._ties: dict[int, list[tuple[int, Claim, tuple[int, int]]]] = {}
        for order, c in enumerate(source_claims):
            if not (c.has_ci and c.estimate is not None):
                continue
            region = result_region(source_doc.norm, c)
            for value, places in _numbers(source_doc.norm, *region).items():
                if len(everywhere.get(value, ())) == len(places):
                    self._ties.setdefault(value, []).append((order, c, region))

    def result_at(self, doc: Document, pos: int) -> tuple[Claim, tuple[int, int]] | None:
        """The source result the sentence at ``pos`` restates by a shared number, with its region.

        Returns None when no number of the sentence is unique to one source result, or when its
        numbers point to different results.
        """
        s0, s1 = doc.sentence_span(pos)
        found: dict[int, tuple[int, Claim, tuple[int, int]]] = {}
        for value in _numbers(doc.norm, s0, s1):
            for order, c, region in self._ties.get(value, ()):
                if region[0] not in found or found[region[0]][0] < order:
                    found[region[0]] = (order, c, region)  # a region's last result in source order
        if len(found) != 1:
            return None
        _order, c, region = next(iter(found.values()))
        return c, region


def anchored_result(
    doc: Document, pos: int, source_doc: Document, source_claims: Sequence[Claim]
) -> tuple[Claim, tuple[int, int]] | None:
    """The source result the sentence at ``pos`` restates by a shared number, with its region.

    One look-up; a checker looking up many sentences keeps a :class:`SourceNumbers`.
    Returns None when no number of the sentence is unique to one source result, or when its
    numbers point to different results.
    """
    return SourceNumbers(source_doc, source_claims).result_at(doc, pos)
