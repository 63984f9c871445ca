"""What a certainty verb covers, and how strongly it is hedged (split from :mod:`evisynth.check.certainty`).

* :func:`operative_before`: in "our findings suggest that repellents probably make little or no
  difference", the hedge on the claim is "probably"; "suggest that" frames the report. When the
  clause after the last "that" carries its own hedge, only that part counts.
* :func:`list_adjective`: "is associated with lower incidence of pain, reduced LA consumption, and
  ...": "reduced" describes an item of a list, it is not a verb with a subject.
* :func:`coordinated_outcomes`: "Anti-VEGFs reduce retinal breaks (...; high-certainty evidence) and
  the need for silicone oil (...; very low-certainty evidence)": one verb covers every result
  joined to the first by "and", each with its own certainty statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evisynth.check.context import ClaimIndex
from evisynth.check.text import Document

_THAT_RE = re.compile(r"\bthat\b", re.I)
_LIST_BEFORE_RE = re.compile(r"(?:,|\band)\s*$", re.I)
_WITH_RE = re.compile(r"\bwith\b", re.I)
#: Between two coordinated results: "and" outside brackets, nothing that turns the sentence.
_AND_RE = re.compile(r"^[^()]*?\band\b[^()]*$", re.I)
_TURN_RE = re.compile(r"\b(?:but|whereas|while|although|though|however|not|no|nor|except|unlike|compared)\b", re.I)


def operative_before(before: str, hedge_rxs: Sequence[re.Pattern[str]]) -> str:
    """The words before a verb whose hedges apply to it: after the last "that" when that part is
    hedged itself ("findings suggest that X probably reduces"), else all of them."""
    cut = [m.end() for m in _THAT_RE.finditer(before)]
    if not cut:
        return before
    tail = before[cut[-1] :]
    return tail if any(rx.search(tail) for rx in hedge_rxs) else before


def list_adjective(norm: str, start: int, clause_start: int) -> bool:
    """A participle that starts an item of a list hanging on "with" ("associated with lower X,
    reduced Y"): an adjective, not a verb."""
    word = re.match(r"[A-Za-z]+", norm[start:])
    if word is None or not word.group(0).lower().endswith("ed"):
        return False  # "and improves maternal satisfaction" is a verb
    before = norm[max(clause_start, start - 150) : start]
    return _LIST_BEFORE_RE.search(before) is not None and _WITH_RE.search(before) is not None


def coordinated_outcomes(
    doc: Document,
    index: ClaimIndex,
    verb_end: int,
    clause: tuple[int, int],
    declarations: Sequence[tuple[int, int, str]],
) -> list[tuple[int, int, str, int]]:
    """Results after the first one a verb covers, joined to it by "and", each with the certainty
    stated for it.

    Returns ``(start, end, level, claim index)`` per later result: the span is its outcome words
    (from the "and" to its numbers), ``level`` the certainty stated inside its brackets.
    """
    norm = doc.norm
    k = doc.sentence_index(verb_end)
    results = [(i, c) for i, c in index.by_sentence.get(k, []) if verb_end <= c.start < clause[1] and c.is_result]
    if len(results) < 2:
        return []
    out: list[tuple[int, int, str, int]] = []
    prev_end = results[0][1].end
    for i, c in results[1:]:
        close = norm.find(")", prev_end, c.start)
        if close < 0:  # "(12% versus 31%, RR 0.37, 95% CI ...": the same result's bracket
            prev_end = c.end
            continue
        gap_start = close + 1
        opened = norm.rfind("(", gap_start, c.start)
        gap = norm[gap_start : opened if opened >= 0 else c.start]
        if not _AND_RE.match(gap.strip(" ;,")) or _TURN_RE.search(gap):
            break
        bracket_end = norm.find(")", c.end)
        level = next((lv for s, _e, lv in declarations if c.start <= s <= max(bracket_end, c.end)), None)
        prev_end = c.end
        if level is None:
            continue
        words = gap.strip()
        lead = gap_start + (len(gap) - len(gap.lstrip()))
        if words:
            out.append((lead, lead + len(words), level, i))
    return out


def plural_subject(norm: str, start: int, not_subjects: frozenset[str]) -> bool:
    """ "Anti-VEGFs reduce", "Statins lower": a base-form verb after a plural noun states an effect
    (unlike "to reduce", "trials that reduce", "helps reduce")."""
    prev = _WORD_BEFORE_RE.search(norm, max(0, start - 40), start)
    if prev is None:
        return False
    word = prev.group(1).lower()
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in not_subjects


_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z-]*)\s+$")
