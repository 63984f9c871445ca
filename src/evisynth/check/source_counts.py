"""Counts in the summary against the source: studies, comparisons, participants and their pairs.

Approximate counts ("over 8,700 people", "about 1,200 participants") match a source count
they describe (within 5 %, on the side the word states), and a count that with another number
in its sentence makes up a source count ("14 young adults ... another 14", source: 28) is a
part of it, not a mismatch. A total of participants that adds up two counts the source gives one
by one ("two studies, which involved 186 children": 157 and 29) is accepted too.
"""

from __future__ import annotations

import re

from evisynth.check.model import Claim, Finding, Num, Severity
from evisynth.check.source_aligned import check_aligned_counts
from evisynth.check.source_facts import SourceFacts, SourceResult


def _finding(severity: Severity, kind: str, claim: Claim, i: int, num: Num | None, message: str) -> Finding:
    start, end = (num.start, num.end) if num is not None else (claim.start, claim.end)
    return Finding(severity, kind, start, end, message, i)


_APPROX_RE = re.compile(
    r"\b(?:over|more\s+than|about|approximately|around|nearly|almost|at\s+least|up\s+to|fewer\s+than|less\s+than|some)\s+$",
    re.I,
)
_RESULT_SENTENCE_RE = re.compile(r"\bCI\b|confidence\s+interval", re.I)
_TOTAL_RE = re.compile(
    r"\bwe\s+(?:included|found|identified|analy[sz]ed|reviewed|pooled)\b|\b(?:in\s+total|a\s+total\s+of|total\s+of|overall|combined|"
    r"involving|with\s+a\s+total)\b",
    re.I,
)
_DESCRIPTIVE_RE = re.compile(
    r"\b(?:largest|smallest|range|ranged|median|mean|average|each|per\s+study|awaiting|ongoing|excluded|screened)\b", re.I
)


_AT_LEAST = ("over", "more", "at")
_AT_MOST = ("nearly", "almost", "up", "fewer", "less")


def approximate_word(claim: Claim, num: Num) -> str | None:
    """The word that makes ``num`` approximate ("over", "about", "nearly", ...), lower case, or None."""
    before = claim.sentence[: max(0, num.start - claim.sentence_start)]
    m = _APPROX_RE.search(before)
    return m.group(0).split()[0].lower() if m else None


def approximately(said: int, source: int, word: str, tolerance: float = 0.05) -> bool:
    """Whether ``source`` is a count that "``word`` ``said``" describes (within ``tolerance``).

    >>> approximately(8700, 8728, "over"), approximately(1200, 1187, "about"), approximately(9000, 8728, "over")
    (True, True, False)
    """
    if source <= 0 or abs(source - said) > tolerance * source:
        return False
    if word in _AT_LEAST:
        return source >= said
    if word in _AT_MOST:
        return source <= said
    return True


_WHOLE_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d.])|(?<![\d.,])\d+(?![\d.,]\d)")


def _part_of(value: int, claim: Claim, own: set[int]) -> bool:
    """Whether ``value`` and another whole number of its sentence add up to a source count (the arms
    of a trial: "14 young adults ... another 14", source: 28 participants)."""
    numbers = [int(m.group(0).replace(",", "")) for m in _WHOLE_RE.finditer(claim.sentence)]
    others = list(numbers)
    if value in others:
        others.remove(value)
    return any(value + other in own for other in others if other > 0)


def _sum_of_two(value: int, own: set[int]) -> bool:
    """Whether ``value`` is the sum of two different counts of the source (a total over two studies
    that the source gives one by one).

    >>> _sum_of_two(186, {29, 30, 157, 170}), _sum_of_two(190, {29, 30, 157, 170})
    (True, False)
    """
    counts = sorted(own)
    return any(value - a in own and value - a != a for a in counts if a < value)


def check_counts(i: int, claim: Claim, facts: SourceFacts) -> list[Finding]:
    """Counts of studies, comparisons and participants in ``claim`` against the source's counts."""
    out: list[Finding] = []
    if facts.is_text:
        out = _text_counts(i, claim, facts)
        return out or _pairs(i, claim, facts) or check_aligned_counts(i, claim, facts)
    checks = (
        ("n_studies", facts.studies, "studies"),
        ("n_comparisons", facts.comparisons, "comparisons"),
        ("n_participants", facts.participants, "participants"),
    )
    for field, known, noun in checks:
        num = claim.num(field)
        if num is None:
            continue
        value = int(num.value)
        accepted = set(known)
        if field == "n_comparisons":
            accepted |= facts.studies if not facts.comparisons else set()
        if value in accepted:
            continue
        if not known and not (field == "n_comparisons" and facts.studies):
            out.append(
                _finding(
                    "warning",
                    "not_in_source",
                    claim,
                    i,
                    num,
                    f"The source gives no number of {noun} to check {value} against.",
                )
            )
            continue
        hint = ""
        if field == "n_studies" and value in facts.comparisons:
            hint = f"; {value} is the number of comparisons, not of studies"
        shown = ", ".join(str(k) for k in sorted(known)) or ", ".join(str(k) for k in sorted(facts.studies))
        out.append(
            _finding(
                "error",
                "count_mismatch",
                claim,
                i,
                num,
                f"The summary gives {value} {noun}; the source gives {shown}{hint}.",
            )
        )
    return out or _pairs(i, claim, facts)


def _pairs(i: int, claim: Claim, facts: SourceFacts) -> list[Finding]:
    """A right number of studies paired with the wrong number of participants (or the reverse)."""
    out: list[Finding] = []
    s_num, p_num = claim.num("n_studies"), claim.num("n_participants")
    if s_num is not None and p_num is not None and facts.pairs:
        pair = (int(s_num.value), int(p_num.value))
        partners = sorted({s for s, p in facts.pairs if p == pair[1]} | {p for s, p in facts.pairs if s == pair[0]})
        word = approximate_word(claim, p_num)
        if _part_of(pair[1], claim, {p for s, p in facts.pairs if s == pair[0]}):
            return out  # one arm of the source's total ("14 adults ... another 14", source: 1 study, 28)
        if word is not None and any(s == pair[0] and approximately(pair[1], p, word) for s, p in facts.pairs):
            return out  # "60 studies with over 8,700 people": the source's 60 studies and 8728 participants
        if pair not in facts.pairs and partners:
            message = (
                f"The source never reports {pair[0]} studies together with {pair[1]} participants; "
                f"it pairs them with {', '.join(map(str, partners))}."
            )
            out.append(_finding("error", "count_mismatch", claim, i, _wrong_number(pair, facts, s_num, p_num), message))
    return out


def _wrong_number(pair: tuple[int, int], facts: SourceFacts, s_num: Num, p_num: Num) -> Num | None:
    """Which count of a mismatched pair is wrong: the one whose partner the source pairs with
    something else ("19 studies, 1528 participants" when the source has 16 studies with 1528: the 19).
    ``None`` (the whole claim) when neither or both are known to the source."""
    studies_known = any(s == pair[0] for s, _p in facts.pairs)
    participants_known = any(p == pair[1] for _s, p in facts.pairs)
    if participants_known and not studies_known:
        return s_num
    if studies_known and not participants_known:
        return p_num
    return None


def _text_counts(i: int, claim: Claim, facts: SourceFacts) -> list[Finding]:
    """Counts against a text source.

    A number the source gives as a count of another kind is a mismatch ("18 studies" when the
    source has 13 studies and 18 comparisons). Otherwise any whole number the source writes is
    accepted (texts describe subsets: "nine studies awaiting classification"), approximate or
    descriptive counts ("over 60,000", "the largest study") and counts up to 3 are not checked, and
    a count the source never writes is a mismatch when the source gives counts of that kind.
    """
    out: list[Finding] = []
    kinds = {"n_studies": facts.studies, "n_comparisons": facts.comparisons, "n_participants": facts.participants}
    nouns = {"n_studies": "studies", "n_comparisons": "comparisons", "n_participants": "participants"}
    for field, noun in nouns.items():
        num = claim.num(field)
        if num is None or not (
            claim.is_result or claim.has_ci or _RESULT_SENTENCE_RE.search(claim.sentence) or _TOTAL_RE.search(claim.sentence)
        ):
            continue  # a subset ("TBI was evaluated in 17 studies") cannot be checked against a text
        value = int(num.value)
        own = kinds[field] | (facts.studies if field == "n_comparisons" else set())
        if value in own or _part_of(value, claim, own):
            continue
        if field == "n_participants" and _TOTAL_RE.search(claim.sentence) and _sum_of_two(value, own):
            continue  # "two studies, which involved 186 children": the source's 157 and 29 analysed, added up
        word = approximate_word(claim, num)
        if word is not None and any(approximately(value, k, word) for k in own):
            continue
        other = next((nouns[f] for f, known in kinds.items() if f != field and value in known), None)
        if other is not None and not (field == "n_studies" and other == "comparisons" and value in facts.studies):
            message = f"The summary gives {value} {noun}; in the source {value} is the number of {other}"
            shown = ", ".join(str(k) for k in sorted(own))
            out.append(
                _finding("error", "count_mismatch", claim, i, num, message + (f" ({noun}: {shown})." if shown else "."))
            )
            continue
        if value in facts.counts_written or not own or value <= 3:
            continue
        before = claim.sentence[: max(0, num.start - claim.sentence_start)]
        if _APPROX_RE.search(before) or _DESCRIPTIVE_RE.search(claim.sentence):
            continue
        shown = ", ".join(str(k) for k in sorted(own))
        out.append(
            _finding(
                "error",
                "count_mismatch",
                claim,
                i,
                num,
                f"The summary gives {value} {noun}; the source never gives that number (its counts: {shown}).",
            )
        )
    return out


def check_result_counts(i: int, claim: Claim, results: list[SourceResult]) -> list[Finding]:
    """Counts given with a result against the counts the source gives with the same result.

    ``results`` are the source results whose effect numbers the claim restates (a result written
    twice, in the results and the conclusions, counts once for each). A count that none of them
    gives is a mismatch when at least one of them gives a count of that kind.

    Parameters
    ----------
    i : int
        Index of the claim.
    claim : Claim
        A summary claim whose effect numbers all match the source.
    results : list of SourceResult
        The source results with those numbers.

    Returns
    -------
    list of Finding
        One ``count_mismatch`` error per count none of them gives.
    """
    out: list[Finding] = []
    for field, noun in (("n_studies", "studies"), ("n_participants", "participants")):
        num = claim.num(field)
        known = {getattr(r, field) for r in results} - {None}
        if num is None or not known:
            continue
        value = int(num.value)
        word = approximate_word(claim, num)
        if value in known or (word is not None and any(approximately(value, k, word) for k in known)):
            continue
        shown = ", ".join(str(k) for k in sorted(known))
        out.append(
            _finding(
                "error",
                "count_mismatch",
                claim,
                i,
                num,
                f"The summary gives this result with {value} {noun}; the source gives it with {shown}.",
            )
        )
    return out
