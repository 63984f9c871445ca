"""The summary against its source: traceability, counts, direction, measure, dropped findings.

A number written in the summary matches a source number when the source number rounds
to it at the summary's precision (``0.0301`` -> ``0.03``; either way at an exact half), so
a summary may round more coarsely than its source but never invent digits. ``P < v`` matches
any source P below ``v`` and ``P > v`` any above it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from evisynth.check.extract import parse_number
from evisynth.check.model import RATIO_MEASURES, STATISTICS, Claim, Finding, Num, Severity
from evisynth.check.source_counts import check_counts as _counts
from evisynth.check.source_counts import check_result_counts as _result_counts
from evisynth.check.source_direction import words_direction
from evisynth.check.source_facts import SourceFacts, SourceResult
from evisynth.format import format_number, format_p

_EPS = 1e-9
#: The fields of a claim that hold the effect and its confidence limits.
_EFFECT_FIELDS = ("estimate", "ci_lower", "ci_upper")


def written_matches(num: Num, value: float | None) -> bool:
    """Whether ``value`` rounds to ``num`` as written (percent written for a fraction also matches)."""
    if value is None:
        return False
    if abs(value - num.value) <= num.half + _EPS * max(1.0, abs(value)):
        return True
    return num.percent and abs(value) <= 1 and abs(value * 100 - num.value) <= num.half + _EPS


def p_matches(num: Num, relation: str | None, value: float | None, source_relation: str = "=") -> bool:
    """Whether a reported P (with its relation) is traceable to a source P."""
    if value is None:
        return False
    if source_relation == "<":
        return relation == "<" and num.value >= value - _EPS
    if source_relation == ">":
        return relation == ">" and num.value <= value + _EPS
    if relation == "<":
        return value < num.value + _EPS
    if relation == ">":
        return value > num.value - _EPS
    return written_matches(num, value)


def _compatible(summary: str | None, source: str | None) -> bool:
    if summary is None or source is None:
        return True
    if summary == source:
        return True
    return summary == "beta" and source != "I2"  # a coefficient may be reported under any model's measure


def _flipped(result: SourceResult) -> SourceResult:
    def neg(x: float | None) -> float | None:
        if x is None:
            return None
        if result.measure in RATIO_MEASURES:
            return 1.0 / x if x > 0 else None
        return -x

    return replace(result, estimate=neg(result.estimate), ci_lower=neg(result.ci_upper), ci_upper=neg(result.ci_lower))


@dataclass
class _Match:
    result: SourceResult
    matched: dict[str, bool]
    flipped: bool
    origin: SourceResult | None = None

    @property
    def score(self) -> int:
        return sum(self.matched.values())


def _score(claim: Claim, result: SourceResult, flipped: bool) -> _Match:
    matched = {}
    for field in _EFFECT_FIELDS:
        num = claim.num(field)
        if num is not None:
            matched[field] = written_matches(num, getattr(result, field))
    p = claim.num("p_value")
    if p is not None and result.p_value is not None:
        matched["p_value"] = p_matches(p, claim.p_relation, result.p_value, result.p_relation)
    return _Match(result, matched, flipped)


def _percent_changes(result: SourceResult) -> list[SourceResult]:
    """A ratio as the relative change people write: RR 0.77 (0.71-0.83) is "23% lower (17% to 29%)"."""
    if result.estimate is None:
        return []

    def pct(x: float | None, sign: float) -> float | None:
        return None if x is None else sign * (x - 1.0) * 100.0

    down = replace(
        result,
        measure=None,
        estimate=pct(result.estimate, -1),
        ci_lower=pct(result.ci_upper, -1),
        ci_upper=pct(result.ci_lower, -1),
    )
    up = replace(
        result,
        measure=None,
        estimate=pct(result.estimate, 1),
        ci_lower=pct(result.ci_lower, 1),
        ci_upper=pct(result.ci_upper, 1),
    )
    return [down, up]


def best_match(claim: Claim, facts: SourceFacts) -> _Match | None:
    """The source result that best explains a claim's numbers (ties prefer a compatible measure)."""
    best: _Match | None = None
    best_key: tuple[int, int, int] | None = None
    for result in facts.results:
        if (result.measure == "I2") != (claim.measure == "I2"):
            continue
        if (claim.measure in STATISTICS) != (result.measure in STATISTICS):
            continue
        variants = [(result, False), (_flipped(result), True)]
        if claim.measure is None and result.measure in RATIO_MEASURES:
            variants += [(v, False) for v in _percent_changes(result)]
        for variant, flipped in variants:
            if flipped and (claim.measure in ("I2",) or claim.measure in STATISTICS):
                continue
            cand = _score(claim, variant, flipped)
            cand.origin = result
            nums = sum(cand.matched.get(f, False) for f in _EFFECT_FIELDS)
            key = (nums, cand.score, int(_compatible(claim.measure, result.measure)) - int(flipped))
            if best_key is None or key > best_key:
                best, best_key = cand, key
    return best


def _describe(result: SourceResult) -> str:
    parts = []
    if result.measure:
        parts.append(result.measure)
    if result.estimate is not None:
        parts.append(format_number(result.estimate, 2 if abs(result.estimate) < 100 else 0))
    if result.ci_lower is not None and result.ci_upper is not None:
        parts.append(f"(CI {format_number(result.ci_lower)} to {format_number(result.ci_upper)})")
    if result.p_value is not None:
        body = format_p(result.p_value)
        parts.append(f"P {body}" if body.startswith("<") else f"P = {body}")
    text = " ".join(parts)
    return f"{text} [{result.label}]" if result.label and not result.written else text


def check_against_source(claims: Sequence[Claim], facts: SourceFacts) -> tuple[list[Finding], dict[int, str]]:
    """Findings from comparing claims with the source, and the certainty of each matched claim."""
    out: list[Finding] = []
    certainty: dict[int, str] = {}
    used: set[int] = set()
    for i, claim in enumerate(claims):
        counted = _counts(i, claim, facts)
        mark = len(out)
        out.extend(counted)
        has_values = claim.estimate is not None or claim.has_ci or claim.p_value is not None
        if not has_values:
            continue
        match = best_match(claim, facts)
        if match is None or not match.matched:
            if claim.p_value is not None and not claim.has_ci and claim.estimate is None:
                out.extend(_p_not_found(claim, i, facts, f"The P value {claim.text.strip()} is not found in the source."))
                continue
            out.append(_unmatched(claim, i, match))
            continue
        used.add(id(match.origin or match.result))
        if match.result.certainty:
            certainty[i] = match.result.certainty
        nums_matched = [f for f in _EFFECT_FIELDS if match.matched.get(f)]
        nums_total = [f for f in _EFFECT_FIELDS if f in match.matched]
        if match.flipped and len(nums_matched) >= 2:
            out.append(
                Finding(
                    "error",
                    "direction_mismatch",
                    claim.start,
                    claim.end,
                    f"The direction is reversed: the source gives {_describe(_flipped(match.result))}.",
                    i,
                )
            )
            continue
        reversed_change = _reversed_change(claim, i, match)
        if reversed_change is not None:
            out.append(reversed_change)
            continue
        if len(nums_matched) >= max(1, min(2, len(nums_total))) and not match.flipped:
            if len(nums_matched) == len(nums_total) >= 2 and (claim.n_studies or claim.n_participants):
                by_result = _result_counts(i, claim, _same_values(claim, facts))
                if by_result:  # the result's own counts say which number is wrong: they replace a pair finding
                    kept = [f for f in counted if (f.start, f.end) != (claim.start, claim.end)]
                    out[mark : mark + len(counted)] = kept
                    out.extend(f for f in by_result if all((g.start, g.end) != (f.start, f.end) for g in kept))
            if not _compatible(claim.measure, match.result.measure):
                out.append(
                    Finding(
                        "error",
                        "measure_mismatch",
                        claim.start,
                        claim.end,
                        f"The summary calls this result {claim.measure}, but the source reports it as "
                        f"{match.result.measure}.",
                        i,
                    )
                )
            for field in nums_total:
                if not match.matched[field]:
                    out.append(
                        _finding(
                            "error",
                            "not_in_source",
                            claim,
                            i,
                            claim.num(field),
                            f"{field.replace('_', ' ')} {claim.num(field).text.strip()} "  # type: ignore[union-attr]
                            f"is not a rounding of the source, which gives {_describe(match.result)}.",
                        )
                    )
            if match.matched.get("p_value") is False:
                out.append(
                    _finding(
                        "error",
                        "not_in_source",
                        claim,
                        i,
                        claim.num("p_value"),
                        f"The P value ({claim.p_relation} {claim.num('p_value').text.strip()}) "  # type: ignore[union-attr]
                        f"does not match the source, which gives {_describe(match.result)}.",
                    )
                )
            continue
        if not nums_total and claim.p_value is not None:
            out.extend(_p_not_found(claim, i, facts, "The P value is not found in the source."))
            continue
        out.append(_unmatched(claim, i, match))
    numeric_digest = not facts.is_text or bool(used)
    for result in facts.results:
        if numeric_digest and result.key and id(result) not in used:
            out.append(
                Finding(
                    "warning",
                    "other",
                    None,
                    None,
                    f"A key finding of the source is not reported in the summary: {_describe(result)}.",
                )
            )
    return out, certainty


def _reversed_change(claim: Claim, i: int, match: _Match) -> Finding | None:
    """A ratio restated as a relative change in the wrong direction: "23% more falls" for RR 0.77."""
    origin, variant = match.origin, match.result
    if origin is None or variant is origin or origin.estimate is None or variant.estimate is None:
        return None
    if not match.matched.get("estimate"):
        return None
    change = "down" if abs(variant.estimate - (1.0 - origin.estimate) * 100.0) < 1e-9 else "up"
    said = words_direction(claim)
    if said is None or said == change or (origin.estimate - 1.0) * (1 if change == "up" else -1) <= 0:
        return None
    return Finding(
        "error",
        "direction_mismatch",
        claim.start,
        claim.end,
        f"The direction is reversed: the source gives {_describe(origin)}, a relative change "
        f"{'down' if origin.estimate < 1 else 'up'}, but the words around {claim.text.strip()!r} say "
        f"{'less' if said == 'down' else 'more'}.",
        i,
    )


def _same_values(claim: Claim, facts: SourceFacts) -> list[SourceResult]:
    """Every source result whose effect numbers all round to the claim's (as written, not flipped)."""
    out = []
    for result in facts.results:
        scored = _score(claim, result, False)
        fields = [f for f in _EFFECT_FIELDS if f in scored.matched]
        if fields and all(scored.matched[f] for f in fields):
            out.append(result)
    return out


def _p_anywhere(claim: Claim, facts: SourceFacts) -> bool:
    num = claim.num("p_value")
    assert num is not None
    candidates = [r.p_value for r in facts.results if r.p_value is not None] + list(facts.numbers)
    return any(p_matches(num, claim.p_relation, p) for p in candidates if 0 <= p <= 1)


def _p_not_found(claim: Claim, i: int, facts: SourceFacts, message: str) -> list[Finding]:
    """An error at the claim's P value unless that P matches one anywhere in the source."""
    if _p_anywhere(claim, facts):
        return []
    return [_finding("error", "not_in_source", claim, i, claim.num("p_value"), message)]


def _unmatched(claim: Claim, i: int, match: _Match | None) -> Finding:
    """An error for a claim no source result explains, naming the closest result if any number matched."""
    closest = f"; the closest is {_describe(match.result)}." if match is not None and match.score else "."
    return _finding(
        "error", "not_in_source", claim, i, None, f"No result in the source matches {claim.text.strip()!r}{closest}"
    )


def _finding(severity: Severity, kind: str, claim: Claim, i: int, num: Num | None, message: str) -> Finding:
    start, end = (num.start, num.end) if num is not None else (claim.start, claim.end)
    return Finding(severity, kind, start, end, message, i)


_DECIMAL_RE = re.compile(r"(?<![\w.\-–])(\d+\.\d+)(\s?%)?(?![\d.]\d)")


def check_loose_numbers(norm: str, claims: Sequence[Claim], facts: SourceFacts) -> list[Finding]:
    """Decimal numbers outside any claim (event rates, means) that the source does not contain.

    Only numbers written with a decimal point are traced: whole numbers in prose are too often
    ages, doses, years or scale ranges. These findings are warnings. Against a text source only
    numbers in sentences that report a result are traced (event rates next to an estimate): an
    abstract rarely holds every detail (ages, durations) its summary may take from the full report.
    """
    result_sentences = {(c.sentence_start, c.sentence_end) for c in claims if c.is_result}
    taken = bytearray(len(norm) + 1)
    for claim in claims:
        taken[claim.start : claim.end] = b"\x01" * (claim.end - claim.start)
    out: list[Finding] = []
    for m in _DECIMAL_RE.finditer(norm):
        if any(taken[m.start() : m.end()]):
            continue
        if facts.is_text and not any(a <= m.start() < b for a, b in result_sentences):
            continue
        num = parse_number(m.group(1), m.start(1), percent=m.group(2) is not None)
        if any(written_matches(num, x) for x in facts.numbers):
            continue
        out.append(
            Finding(
                "warning",
                "not_in_source",
                m.start(1),
                m.end(1),
                f"The number {m.group(1)} is not found in the source (at this or a finer precision).",
            )
        )
    return out
