"""Words against numbers: significance, "no effect" (absence of evidence) and direction wording.

Each rule ties a word to the claim it describes (:meth:`ClaimIndex.target`: the first claim
after it in its clause, else the nearest before it) and judges the word against that
claim's CI and P value. The words come from ``lexicons/significance.toml``, which cites the
guidance behind them.

* "significant", "improved", "reduced", "effective", ... said of a result whose CI includes
  no effect (or P >= 0.05): an error (a warning when hedged, "may reduce"). The message shows
  P recomputed from the CI.
* the same said of a borderline result (P = 0.05, a CI limit that rounds to no effect): a
  warning that names both readings.
* "not significant" or "no effect" said of a result whose CI excludes no effect: an error.
* "no effect", "ineffective", "sham had no effect" (an error) or "no difference", "did not
  improve" (a warning) said of a non-significant result: absence of evidence read as evidence
  of absence.
* a direction word ("reduced") against the sign of the whole CI: a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from evisynth.check import lexicon
from evisynth.check.consistency import recomputed_p_range
from evisynth.check.context import ClaimIndex, borderline, significance
from evisynth.check.model import RATIO_MEASURES, Claim, Finding, Severity
from evisynth.check.text import Document
from evisynth.format import format_p

_BY_AMOUNT_RE = re.compile(r"\s*(?:by|of)(?:\s+(?:a|an|about|approximately|mean|average|of))*\s*", re.I)


def _rx(*path: str) -> re.Pattern[str]:
    return lexicon.regex("significance", *path)


def describe_numbers(claim: Claim) -> str:
    """The claim's CI and P, with P recomputed from the CI where possible (for messages)."""
    parts = []
    lo, hi = claim.num("ci_lower"), claim.num("ci_upper")
    if lo is not None and hi is not None:
        level = f"{(claim.ci_level or 0.95) * 100:g}%"
        parts.append(f"its {level} CI is {lo.text.strip()} to {hi.text.strip()}")
        rec = recomputed_p_range(claim)
        if rec is not None:
            mid = (rec[0] * rec[1]) ** 0.5 if rec[0] > 0 else rec[1]
            shown = format_p(mid)
            parts.append(f"P recomputed from the CI: {shown}")
    p = claim.num("p_value")
    if p is not None:
        parts.append(f"reported P {claim.p_relation or '='} {p.text.strip()}")
    return "; ".join(parts) if parts else "no CI or P value is given"


def _masked(mask: bytearray, start: int) -> bool:
    return bool(mask[start])


def _mark(mask: bytearray, start: int, end: int) -> None:
    mask[start:end] = b"\x01" * (end - start)


def check_significance(doc: Document, claims: Sequence[Claim]) -> list[Finding]:
    """Significance, "no effect" and direction wording against each claim's numbers."""
    norm = doc.norm
    keep = [i for i, c in enumerate(claims) if c.estimate is not None or c.has_ci or c.p_value is not None]
    index = ClaimIndex(doc, claims, keep)
    out: list[Finding] = []
    covered = bytearray(len(norm) + 1)
    rules = (
        ("accurate", _rx("words", "accurate_null")),
        ("notsig", _rx("words", "not_significant")),
        ("null_error", _rx("words", "null_error")),
        ("null_warning", _rx("words", "null_warning")),
    )
    for kind, rx in rules:
        for m in rx.finditer(norm):
            if _masked(covered, m.start()):
                continue
            _mark(covered, m.start(), m.end())
            target = index.target(m.start())
            if target is None:
                continue
            out.extend(_null_words(doc, kind, m, target))
    effect_rx = _rx("words", "effect")
    negations, hedges = _rx("modifiers", "negations"), _rx("modifiers", "hedges")
    not_about = _rx("modifiers", "not_about_effect")
    for rx in (_rx("words", "significant"), effect_rx):
        for m in rx.finditer(norm):
            if _masked(covered, m.start()) or not_about.match(norm, _skip_space(norm, m.end())):
                continue
            _mark(covered, m.start(), m.end())
            target = index.target(m.start())
            if target is None:
                continue
            i, c = target
            c0, _c1 = index.clause(m.start())
            window_end = c.start if c.start > m.end() else m.end()
            if negations.search(norm, max(c0, m.start() - 40), window_end):
                continue
            said = doc.plain[m.start() : m.end()]
            sig = significance(c)
            if sig is False:
                hedged = hedges.search(norm, max(c0, m.start() - 30), m.start()) is not None
                severity: Severity = "warning" if hedged and rx is effect_rx else "error"
                out.append(
                    Finding(
                        severity,
                        "significance_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is said of a result whose confidence interval includes no effect: {describe_numbers(c)}.',
                        i,
                    )
                )
            elif sig is None and (why := borderline(c)) is not None:
                out.append(
                    Finding(
                        "warning",
                        "significance_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is said of a borderline result: {why} ({describe_numbers(c)}). '
                        f"Read as P < 0.05 it is statistically significant, read as P >= 0.05 it is "
                        f'not; "{said}" takes the first reading without saying so.',
                        i,
                    )
                )
            elif sig and rx is effect_rx and c.has_ci:
                out.extend(_direction(doc, m, said, i, c))
    return out


def _skip_space(norm: str, pos: int) -> int:
    while pos < len(norm) and norm[pos] == " ":
        pos += 1
    return pos


def _null_words(doc: Document, kind: str, m: re.Match[str], target: tuple[int, Claim]) -> list[Finding]:
    i, c = target
    sig = significance(c)
    said = doc.plain[m.start() : m.end()]
    if sig:
        return [
            Finding(
                "error",
                "significance_language",
                m.start(),
                m.end(),
                f'"{said}" is said of a result whose CI excludes no effect: {describe_numbers(c)}.',
                i,
            )
        ]
    if sig is False and kind not in ("notsig", "accurate"):
        severity: Severity = "error" if kind == "null_error" else "warning"
        return [
            Finding(
                severity,
                "significance_language",
                m.start(),
                m.end(),
                f'"{said}" reads a result that is only not statistically significant as evidence of no '
                f"effect ({describe_numbers(c)}); the CI still includes effects either way. Absence of "
                f'evidence is not evidence of absence: write "little or no difference" or "uncertain".',
                i,
            )
        ]
    return []


def _direction(doc: Document, m: re.Match[str], said: str, i: int, c: Claim) -> list[Finding]:
    if _measure_name_before().search(doc.norm[max(0, m.start() - 25) : m.start()]):
        return []  # "absolute risk reduction": a measure's name, not a direction
    est = c.num("estimate")
    if c.measure is None or (
        est is not None and 0 <= est.start - m.end() <= 30 and _BY_AMOUNT_RE.fullmatch(doc.norm, m.end(), est.start)
    ):
        return []  # "a reduction of 5.2 mmHg": the word carries the sign
    if c.ci_lower is None or c.ci_upper is None:
        return []
    null = 1.0 if c.measure in RATIO_MEASURES else 0.0
    lo = min(c.ci_lower, c.ci_upper)
    down = lexicon.regex("significance", "direction", "down").fullmatch(said.split()[0]) is not None
    up = lexicon.regex("significance", "direction", "up").fullmatch(said.split()[0]) is not None
    if (down and lo > null) or (up and lo < null):
        where = "above" if down else "below"
        return [
            Finding(
                "warning",
                "direction_mismatch",
                m.start(),
                m.end(),
                f'"{said}" does not match the direction of the result: its whole CI '
                f"({c.ci_lower:g} to {c.ci_upper:g}) lies {where} no effect ({null:g}).",
                i,
            )
        ]
    return []


@cache
def _measure_name_before() -> re.Pattern[str]:
    names = lexicon.regex("significance", "direction", "measure_names")
    return re.compile(r"(?:" + names.pattern + r")\s+$", re.I)
