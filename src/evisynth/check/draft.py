"""A claim being assembled (:class:`Draft`) and its conversion into a :class:`Claim`.

Shared by :mod:`~evisynth.check.extract`, which joins parts found in running text, and
:mod:`~evisynth.check.tables`, which reads results laid out in table rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from evisynth.check.model import STATISTICS, Claim, Num
from evisynth.check.parts import _LABEL_RES
from evisynth.check.text import Document


@dataclass
class Draft:
    """A claim under assembly: its span, sentence, measure and numbers found so far."""

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


def label_before(doc: Document, start: int, end: int) -> tuple[str, int] | None:
    """The last measure label in ``[start, end)`` ("HR at 5 years was 0.82"), with its start."""
    best: tuple[str, int] | None = None
    for rx, code in _LABEL_RES:
        for m in rx.finditer(doc.norm, start, end):
            if code not in ("I2", "r") and (best is None or m.start() > best[1]):
                best = (code, m.start())
    return best


def freeze(doc: Document, d: Draft) -> Claim:
    """The :class:`Claim` a finished draft makes (number texts and span read from the plain text)."""
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
