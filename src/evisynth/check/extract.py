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
from dataclasses import dataclass, field, replace

from evisynth.check.model import STATISTICS, Claim, Num
from evisynth.check.parts import (
    _LABEL_RES,
    _NUM_RE,
    _is_time_point,
    _Part,
    find_parts,
    parse_count,
    parse_number,
)
from evisynth.check.patterns import NUM
from evisynth.check.text import Document

_PER_BEFORE_RE = re.compile(r"\bper\s*$")

__all__ = ["assemble", "extract_claims", "find_parts", "parse_count", "parse_number"]


@dataclass
class _Draft:
    start: int
    end: int
    sentence: tuple[int, int]
    measure: str | None = None
    nums: dict[str, Num] = field(default_factory=dict)
    level: float | None = None
    relation: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    statistic: str | None = None
    df: tuple[float, ...] = ()
    per: int | None = None

    def is_result(self) -> bool:
        return "estimate" in self.nums and self.measure not in STATISTICS


def _letters_between(norm: str, a: int, b: int) -> int:
    return sum(ch.isalpha() for ch in norm[a:b]) if b >= a else 99


def _near(doc: Document, draft: _Draft, part: _Part, letters: int) -> bool:
    same = doc.sentence_span(part.start) == draft.sentence
    return same and part.start - draft.end <= 90 and _letters_between(doc.norm, draft.end, part.start) <= letters


def assemble(doc: Document, parts: list[_Part]) -> list[Claim]:
    """Join parts into claims (see the module docstring)."""
    drafts: list[_Draft] = []
    current: _Draft | None = None
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
            current = _Draft(
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
                current = _Draft(part.start, part.end, sentence, None, dict(part.nums), relation=part.relation)
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
                current = _Draft(part.start, part.end, sentence, counts={kind: part.count}, nums={kind: part.nums[kind]})
                drafts.append(current)
    return [_freeze(doc, d) for d in drafts]


def _inherited_measure(doc: Document, drafts: list[_Draft], pos: int) -> str | None:
    """The measure of the last labelled result in this or the previous sentence."""
    idx = doc.sentence_index(pos)
    earliest = doc.sentences[max(0, idx - 1)][0] if doc.sentences else 0
    for d in reversed(drafts):
        if d.start < earliest:
            break
        if d.measure is not None and d.measure not in STATISTICS and d.measure != "I2":
            return d.measure
    return None


def _orphan_ci(doc: Document, part: _Part, sentence: tuple[int, int], parts: list[_Part], starts: list[int]) -> _Draft:
    draft = _Draft(part.start, part.end, sentence, None, dict(part.nums), level=part.level)
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
            label = _label_before(doc, max(sentence[0], m.start() - 60), m.start())
            if label is not None:
                draft.measure, draft.start = label
    return draft


def _label_before(doc: Document, start: int, end: int) -> tuple[str, int] | None:
    """The last measure label in ``[start, end)`` ("HR at 5 years was 0.82"), with its start."""
    best: tuple[str, int] | None = None
    for rx, code in _LABEL_RES:
        for m in rx.finditer(doc.norm, start, end):
            if code not in ("I2", "r") and (best is None or m.start() > best[1]):
                best = (code, m.start())
    return best


def _freeze(doc: Document, d: _Draft) -> Claim:
    nums = {k: replace(v, text=doc.plain[v.start : v.end]) for k, v in d.nums.items()}
    est = nums.get("estimate")
    lo, hi, p = nums.get("ci_lower"), nums.get("ci_upper"), nums.get("p_value")
    stat = nums.get("statistic")
    counts = dict(d.counts)
    for kind in ("studies", "comparisons", "participants"):
        if kind in nums and kind not in counts:
            counts[kind] = int(nums[kind].value)
    ordered = tuple(
        (
            k.replace("studies", "n_studies")
            .replace("participants", "n_participants")
            .replace("comparisons", "n_comparisons"),
            v,
        )
        for k, v in nums.items()
    )
    end, start = d.end, d.start
    if start > 0 and doc.plain[start - 1] == "[" and _unmatched_close(doc.plain[start:end]):
        start -= 1  # "[RR] 0.84": keep the bracketed label whole
    while end > d.start and doc.plain[end - 1] in ")]" and _unmatched_close(doc.plain[d.start : end]):
        end -= 1
    while end < len(doc.plain) and doc.plain[end] in ")]" and _unmatched_open(doc.plain[d.start : end]):
        end += 1
    return Claim(
        start=start,
        end=end,
        text=doc.plain[start:end],
        measure=d.measure,
        estimate=est.value if est else None,
        ci_level=d.level,
        ci_lower=lo.value if lo else None,
        ci_upper=hi.value if hi else None,
        p_value=p.value if p else None,
        p_relation=d.relation if p else None,
        n_studies=counts.get("studies"),
        n_participants=counts.get("participants"),
        sentence=doc.plain[d.sentence[0] : d.sentence[1]],
        sentence_start=d.sentence[0],
        sentence_end=d.sentence[1],
        numbers=ordered,
        statistic=d.statistic,
        statistic_value=stat.value if stat else (est.value if d.measure in STATISTICS and est else None),
        df=d.df,
        n_comparisons=counts.get("comparisons"),
        per=d.per,
    )


def _unmatched_close(text: str) -> bool:
    return text.count(")") + text.count("]") > text.count("(") + text.count("[")


def _unmatched_open(text: str) -> bool:
    return text.count("(") + text.count("[") > text.count(")") + text.count("]")


_CELL_RESULT_RE = re.compile(
    r"\s*(?P<e>" + NUM + r")\s*[(\[]\s*(?P<lo>" + NUM + r")\s*(?:to|–|,|;)\s*(?P<hi>" + NUM + r")\s*[)\]]\s*$"
)
_CI_HEADER_RE = re.compile(r"(?P<level>\d{2})\s?%\s*-?\s*(?:CI|confidence|CrI|credible)", re.I)


def _table_claims(doc: Document, taken: list[Claim]) -> list[Claim]:
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
            label = _label_before(doc, off, off + len(cell))
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
            draft = _Draft(a, min(b, start + len(line)), doc.sentence_span(a), header[j][0], nums, level=header[j][1])
            out.append(_freeze(doc, draft))
    return out


_CI_FIRST_RE = re.compile(
    r"[(\[]\s*(?P<level>\d{2})\s?%\s*(?:CI|confidence\s+intervals?|CrI)\s*[)\]]\s*(?:[:=,]|\bwas\b|\bwere\b|\bof\b|\bis\b)?\s*"
    r"(?P<e>" + NUM + r")\s*[(\[]\s*(?P<lo>" + NUM + r")\s*(?:to|–|,|;)\s*(?P<hi>" + NUM + r")\s*[)\]]",
    re.I,
)


def _ci_first_claims(doc: Document, taken: list[Claim]) -> list[Claim]:
    """ "The RR (95% CI) was 0.84 (0.71 to 0.99)": the CI's level announced before the numbers."""
    out: list[Claim] = []
    for m in _CI_FIRST_RE.finditer(doc.norm):
        sent = doc.sentence_span(m.start())
        label = _label_before(doc, max(sent[0], m.start() - 40), m.start())
        if label is None or any(c.start < m.end() and m.start() < c.end for c in taken):
            continue
        nums = {
            k: parse_number(m.group(g), m.start(g)) for k, g in (("estimate", "e"), ("ci_lower", "lo"), ("ci_upper", "hi"))
        }
        draft = _Draft(label[1], m.end(), sent, label[0], nums, level=float(m.group("level")) / 100)
        out.append(_freeze(doc, draft))
    return out


def extract_claims(doc: Document) -> list[Claim]:
    """Every statistical claim in ``doc``, in reading order (table cells under a measure header too).

    >>> from evisynth.check.text import make_document
    >>> c = extract_claims(make_document("Outcome | Odds Ratio (95% CI) |\\nAge <60 | 0.61 (0.39 to 0.95) |"))
    >>> (c[0].measure, c[0].estimate, c[0].ci_lower, c[0].ci_upper, c[0].ci_level)
    ('OR', 0.61, 0.39, 0.95, 0.95)
    """
    claims = assemble(doc, find_parts(doc))
    extra = _ci_first_claims(doc, claims)
    if "|" in doc.norm:
        extra += _table_claims(doc, claims + extra)
    if extra:
        claims = sorted(claims + extra, key=lambda c: c.start)
    return claims
