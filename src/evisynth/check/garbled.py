"""Numbers that cannot be read: typesetting damage in a sentence that reports statistics.

A sign after a decimal point ("95% CI 0.-64 to 0.46", published so in a Cochrane abstract) is no
number a reader can recover; the result cannot be checked, so the text is reported (kind ``other``).
The same count noun twice in one result's bracket ("5 studies, 171 studies") is a slip for a count of
another kind (participants), reported as a warning.
"""

from __future__ import annotations

import re

from evisynth.check.model import Finding
from evisynth.check.text import Document

#: A decimal point followed by a sign ("0.-64", "0.‐64" in the normalised text): a garbled number.
_GARBLED_RE = re.compile(r"(?<![\w.])\d+\.[-–]\d+")
#: Two counts with the same noun side by side: "5 studies, 171 studies".
_TWICE_RE = re.compile(
    r"\b\d+\s+(?P<noun>studies|trials|RCTs|participants|patients|people)\s*[,;]\s*\d[\d,]*\s+(?P=noun)\b", re.I
)
_STATS_RE = re.compile(r"\bCI\b|confidence\s+interval|\b(?:MD|SMD|RR|OR|HR|RD)\b|\bP\s*[=<>]", re.I)


def check_garbled(doc: Document) -> list[Finding]:
    """Numbers that cannot be read in a sentence reporting statistics ("95% CI 0.-64 to 0.46").

    Parameters
    ----------
    doc : Document
        The text checked.

    Returns
    -------
    list of Finding
        One ``other`` error per garbled number.

    >>> from evisynth.check.text import make_document
    >>> doc = make_document("Anxiety: SMD -0.09; 95% CI 0.‐64 to 0.46.")
    >>> [(f.kind, doc.plain[f.start : f.end]) for f in check_garbled(doc)]
    [('other', '0.‐64')]
    """
    out = _counted_twice(doc)
    for m in _in_result_sentences(doc, _GARBLED_RE):
        said = doc.plain[m.start() : m.end()]
        out.append(
            Finding(
                "error",
                "other",
                m.start(),
                m.end(),
                f'"{said}" is not a number: a sign stands after the decimal point (a typesetting error), '
                "so the result cannot be read or checked.",
            )
        )
    return out


def _in_result_sentences(doc: Document, rx: re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of ``rx`` in sentences that report a statistical result."""
    out = []
    for m in rx.finditer(doc.norm):
        start, end = doc.sentence_span(m.start())
        if _STATS_RE.search(doc.norm, start, end):
            out.append(m)
    return out


def _counted_twice(doc: Document) -> list[Finding]:
    """ "(MD 5.72%, 95% CI 1.62 to 9.81; 5 studies, 171 studies)": the second count has the wrong noun."""
    out = []
    for m in _in_result_sentences(doc, _TWICE_RE):
        said = doc.plain[m.start() : m.end()]
        out.append(
            Finding(
                "warning",
                "other",
                m.start(),
                m.end(),
                f'"{said}" gives two counts of {m.group("noun").lower()} for one result; one of them is probably '
                "a count of another kind (participants or studies).",
            )
        )
    return out
