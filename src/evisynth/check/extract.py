"""Assemble claim parts into :class:`Claim` objects.

Parts are found independently (see :mod:`~evisynth.check.parts`: an effect label
with its estimate, a confidence interval, a P value, a test statistic, a count of studies
or participants) and then joined in reading order: a part joins the claim before it when it
lies in the same sentence, that claim has no such part yet, and only a few letters separate
them (so ``MD -0.23 (95% CI -0.43 to -0.02; P = 0.03)`` is one claim while a P value in
the next clause about another outcome is not). A CI or P value that joins nothing becomes a
claim of its own.
"""

from __future__ import annotations

import bisect
import re

from evisynth.check.draft import Draft, freeze, label_before
from evisynth.check.model import STATISTICS, Claim
from evisynth.check.parts import (
    _NUM_RE,
    _is_time_point,
    _Part,
    find_parts,
    parse_count,
    parse_number,
)
from evisynth.check.tables import ci_first_claims, table_claims
from evisynth.check.text import Document

_PER_BEFORE_RE = re.compile(r"\bper\s*$")

__all__ = ["assemble", "extract_claims", "find_parts", "parse_count", "parse_number"]


def _letters_between(norm: str, a: int, b: int) -> int:
    return sum(ch.isalpha() for ch in norm[a:b]) if b >= a else 99


def _near(doc: Document, draft: Draft, part: _Part, letters: int) -> bool:
    same = doc.sentence_span(part.start) == draft.sentence
    return same and part.start - draft.end <= 90 and _letters_between(doc.norm, draft.end, part.start) <= letters


def assemble(doc: Document, parts: list[_Part]) -> list[Claim]:
    """Join parts into claims (see the module docstring)."""
    drafts: list[Draft] = []
    current: Draft | None = None
    starts = [p.start for p in parts]
    for part in parts:
        sentence = doc.sentence_span(part.start)
        if part.kind in ("anchor", "stat"):
            if (
                part.kind == "stat"
                and part.measure in ("Z", "t")
                and current is not None
                and current.is_result()
                and current.statistic is None
                and "p_value" not in current.nums
                and _near(doc, current, part, 30)
            ):
                current.statistic = part.measure
                current.nums["statistic"] = part.nums["estimate"]
                current.df = part.df
                current.end = part.end
                continue
            measure = part.measure
            if part.inherit:
                measure = _inherited_measure(doc, drafts, part.start)
            current = Draft(
                part.start, part.end, sentence, measure, dict(part.nums), level=part.level, df=part.df, per=part.per
            )
            if part.kind == "stat":
                current.statistic = part.measure
            drafts.append(current)
        elif part.kind == "ci":
            if (
                current is not None
                and "ci_lower" not in current.nums
                and current.is_result()
                and _near(doc, current, part, 20)
            ):
                current.nums.update(part.nums)
                current.level = part.level
                current.end = part.end
            else:
                current = _orphan_ci(doc, part, sentence, parts, starts)
                drafts.append(current)
        elif part.kind == "p":
            if (
                current is not None
                and "p_value" not in current.nums
                and ("estimate" in current.nums or "ci_lower" in current.nums)
                and (not part.qualified or current.measure in ("I2", "chi2", "Q"))
                and _near(doc, current, part, 15)
            ):
                current.nums.update(part.nums)
                current.relation = part.relation
                current.end = part.end
            else:
                current = Draft(part.start, part.end, sentence, None, dict(part.nums), relation=part.relation)
                drafts.append(current)
        else:
            kind = part.kind
            assert part.count is not None
            count_only = (
                current is not None
                and bool(current.counts)
                and not (current.nums.keys() & {"estimate", "ci_lower", "p_value"})
            )
            joinable = (
                current is not None
                and kind not in current.counts
                and (
                    (current.is_result() and current.measure != "I2" and _near(doc, current, part, 15))
                    or (count_only and _near(doc, current, part, 25))
                )
            )
            before_i2 = drafts[-2] if current is not None and current.measure == "I2" and len(drafts) >= 2 else None
            if joinable and current is not None:
                current.counts[kind] = part.count
                current.nums[kind] = part.nums[kind]
                current.end = part.end
            elif (
                before_i2 is not None
                and before_i2.is_result()
                and kind not in before_i2.counts
                and before_i2.sentence == sentence
                and part.start - before_i2.end <= 60
            ):  # "(RR 1.13, 95% CI 1.08 to 1.18; I2 = 71%; 39 studies, 4088 participants)"
                before_i2.counts[kind] = part.count
                before_i2.nums[kind] = part.nums[kind]
            else:
                current = Draft(part.start, part.end, sentence, counts={kind: part.count}, nums={kind: part.nums[kind]})
                drafts.append(current)
    return [freeze(doc, d) for d in drafts]


def _inherited_measure(doc: Document, drafts: list[Draft], pos: int) -> str | None:
    """The measure of the last labelled result in this or the previous sentence."""
    idx = doc.sentence_index(pos)
    earliest = doc.sentences[max(0, idx - 1)][0] if doc.sentences else 0
    for d in reversed(drafts):
        if d.start < earliest:
            break
        if d.measure is not None and d.measure not in STATISTICS and d.measure != "I2":
            return d.measure
    return None


def _orphan_ci(doc: Document, part: _Part, sentence: tuple[int, int], parts: list[_Part], starts: list[int]) -> Draft:
    draft = Draft(part.start, part.end, sentence, None, dict(part.nums), level=part.level)
    window_start = max(sentence[0], part.start - 60)
    # parts are in reading order and do not overlap: only those near the window can occupy it
    pos = bisect.bisect_left(starts, window_start - 200)
    occupied = []
    for p in parts[pos:]:
        if p.start >= part.start:
            break
        occupied.append((p.start, p.end))
    candidates = [
        m for m in _NUM_RE.finditer(doc.norm, window_start, part.start) if not any(s <= m.start() < e for s, e in occupied)
    ]
    if candidates:
        m = candidates[-1]
        if (
            _letters_between(doc.norm, m.end(), part.start) <= 12
            and not _is_time_point(doc.norm, m.start(), m.end())
            and not _PER_BEFORE_RE.search(doc.norm, max(0, m.start() - 6), m.start())
        ):  # "incidence 202 per 1000, 95% CI ...": 1000 is the denominator, not the estimate
            text = m.group(0)[: len(m.group(0)) - len(m.group("pct") or "")]
            draft.nums["estimate"] = parse_number(text, m.start(), percent=m.group("pct") is not None)
            draft.start = m.start()
            label = label_before(doc, max(sentence[0], m.start() - 60), m.start())
            if label is not None:
                draft.measure, draft.start = label
    return draft


def extract_claims(doc: Document) -> list[Claim]:
    """Every statistical claim in ``doc``, in reading order (table cells under a measure header too).

    >>> from evisynth.check.text import make_document
    >>> c = extract_claims(make_document("Outcome | Odds Ratio (95% CI) |\\nAge <60 | 0.61 (0.39 to 0.95) |"))
    >>> (c[0].measure, c[0].estimate, c[0].ci_lower, c[0].ci_upper, c[0].ci_level)
    ('OR', 0.61, 0.39, 0.95, 0.95)
    """
    claims = assemble(doc, find_parts(doc))
    extra = ci_first_claims(doc, claims)
    if "|" in doc.norm or "\t" in doc.plain or "%" in doc.norm:  # a table needs cells, or a CSV header's CI
        extra += table_claims(doc, claims + extra)
    if extra:
        claims = sorted(claims + extra, key=lambda c: c.start)
    return claims
