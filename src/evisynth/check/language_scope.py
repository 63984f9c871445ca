"""Where an effect word's reach begins and ends (split from :mod:`evisynth.check.language`).

:func:`describe_numbers`: a claim's CI and recomputed P, for the messages of both modules;
:func:`coordinated`: one word covering several results joined by "and" is judged against each;
:func:`not_a_finding`: an effect word describing what was measured or how a scale reads is no claim;
:func:`joined_results`: an estimate and its CI written apart in one sentence, judged as one result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from evisynth.check import lexicon
from evisynth.check.consistency import recomputed_p_range
from evisynth.check.context import ClaimIndex, significance
from evisynth.check.model import STATISTICS, Claim, Finding, Severity
from evisynth.check.text import Document
from evisynth.format import format_p


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



#: "how quickly bilirubin levels decrease", "how much pain improved": the outcome measured, not a finding.
_HOW_RE = re.compile(r"\bhow\s+(?:quickly|fast|much|well|often|far|long|soon)\b[^,;.]{0,60}$", re.I)
#: Inside a bracket that explains a scale: "(+5 maximum was improvement)", "(higher scores indicate improvement)".
_SCALE_RE = re.compile(r"\b(?:scale|maximum|minimum|max|min|scores?|points?|indicat\w*|means|ranges?)\b|=", re.I)


#: Between two results one effect word covers: "... (RR 0.69, ...) and heart failure admissions (RR 0.82, ...)".
_AND_RE = re.compile(r"^[^()]*?\band\b[^()]*$", re.I)
_TURN_RE = re.compile(r"\b(?:but|whereas|while|although|though|however|not|no|nor|except|unlike|compared)\b", re.I)


def coordinated(
    doc: Document,
    index: ClaimIndex,
    m: re.Match[str],
    said: str,
    first: Claim,
    hedges: re.Pattern[str],
) -> list[Finding]:
    """ "likely reduced A (RR 0.69, 95% CI 0.56 to 0.86) and B (RR 0.82, 95% CI 0.49 to 1.35)": the word
    covers every result joined to the first by "and" in its clause, and B's CI includes no effect."""
    norm = doc.norm
    c0, c1 = index.clause(m.start())
    k = doc.sentence_index(m.start())
    out: list[Finding] = []
    prev_end = first.end
    for j, c in index.by_sentence.get(k, []):
        if c.start <= first.start or c.start >= c1:
            continue
        gap = norm[prev_end : c.start].split(")", 1)[-1].rsplit("(", 1)[0]   # outside the results' brackets
        effect_word = lexicon.regex("significance", "words", "effect").search(gap)
        if not _AND_RE.match(gap.strip(" ;,")) or _TURN_RE.search(gap) or effect_word:
            break
        prev_end = c.end
        if c.has_ci and significance(c) is False:
            hedged = hedges.search(norm, max(c0, m.start() - 30), m.start()) is not None
            severity: Severity = "warning" if hedged else "error"
            out.append(Finding(severity, "significance_language", c.start, c.end,
                               f'"{said}" also covers {c.text.strip()}, whose confidence interval includes no '
                               f"effect: {describe_numbers(c)}.", j))
    return out


def not_a_finding(norm: str, pos: int) -> bool:
    """An effect word describing what was measured or how a scale reads, not a result."""
    if _HOW_RE.search(norm, max(0, pos - 80), pos):
        return True
    opened = norm.rfind("(", max(0, pos - 60), pos)
    if opened < 0 or ")" in norm[opened:pos]:
        return False
    closed = norm.find(")", pos, pos + 60)
    inside = norm[opened + 1 : closed if closed >= 0 else pos]
    return _SCALE_RE.search(inside) is not None and not re.search(r"\d\s*(?:to|-|–)\s*-?\d", inside)


def joined_results(claims: Sequence[Claim]) -> tuple[list[Claim], set[int]]:
    """Claims with an estimate and its CI written apart in one sentence joined into one result.

    "a risk ratio of 3.50 for otalgia ..., although the overall occurrence of pain was low (95% CI 0.74
    to 16.59; ...)": the estimate (with its measure, no CI) and the next CI of the sentence (no measure,
    no estimate, the estimate inside it). Returns the claims with the estimate's claim replaced by the
    joined result, and the indices of the CIs it took (to be left out).
    """
    out = list(claims)
    taken: set[int] = set()
    for i, c in enumerate(claims):
        if c.estimate is None or c.measure is None or c.measure in STATISTICS or c.has_ci:
            continue
        for j in range(i + 1, min(len(claims), i + 4)):
            d = claims[j]
            if d.sentence_start != c.sentence_start or d.estimate is not None:
                break
            if not d.has_ci or d.measure is not None:
                continue
            lo, hi = sorted((d.ci_lower or 0.0, d.ci_upper or 0.0))
            if lo <= c.estimate <= hi:
                out[i] = replace(
                    c,
                    end=d.end,
                    text=f"{c.text.strip()} ({d.text.strip()})",
                    ci_level=d.ci_level,
                    ci_lower=d.ci_lower,
                    ci_upper=d.ci_upper,
                    numbers=c.numbers + d.numbers,
                )
                taken.add(j)
            break
    return out, taken


def question(doc: Document, pos: int) -> bool:
    """True when the sentence at ``pos`` is a question ("Is drug A as effective as drug B?"): it claims nothing."""
    start, end = doc.sentence_span(pos)
    return doc.norm[start:end].rstrip(" \n*_#").endswith("?")
