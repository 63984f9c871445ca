"""Words against numbers: significance, "no effect", comparisons, direction and certainty wording.

Each rule looks at one sentence and the claims in it. A word is tied to the claim it
describes: the first claim after it in the same clause, otherwise the nearest claim before
it in that clause (clauses end at ``;``, *but*, *whereas*, *while*, *although*).

* Significance (``significant``, ``improved``, ``reduced``, ``effective``, ...) said of a
  result whose CI includes no effect or whose P >= 0.05 is an error (a warning when the
  verb is hedged, as in "may reduce").
* "No effect" / "no difference" said of a non-significant result is a warning (absence of
  evidence is not evidence of absence; say "little or no difference" or "uncertain");
  "not significant" or "no effect" said of a significant result is an error.
* Comparisons ("even greater", "more effective") between results on different measures
  (MD vs SMD, ratio vs difference) are errors; between results on the same measure they are
  warnings unless the text reports a test for subgroup differences (or interaction).

Certainty wording is checked in :mod:`~evisynth.check.certainty`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evisynth.check.model import RATIO_MEASURES, STATISTICS, Claim, Finding, Severity
from evisynth.check.text import Document

_SIG_RE = re.compile(r"\b(?:statistically\s+)?significant(?:ly)?\b", re.I)
_EFFECT_RE = re.compile(
    r"\b(?:improv(?:ed|es|e|ement|ements)|reduc(?:ed|es|e|tion|tions)|decreas(?:ed|es|e)|lower(?:ed|s)"
    r"|increas(?:ed|es|e)|effective|efficacious|benefit(?:ed|s)?|beneficial|superior|prevent(?:ed|s)?"
    r"|(?:lower|higher|fewer|more)\s+(?:risks?|odds|rates?|incidence|mortality|deaths|events))\b",
    re.I,
)
_NEG_RE = re.compile(
    r"\b(?:no|not|nor|neither|without|fail(?:ed|s)?\s+to|lack(?:ed|s)?|insufficient|unclear|uncertain|unable)\b"
    r"|n't\b|\bnon-?\s?significant|\binsignificant|\bnon-?\s?statistically",
    re.I,
)
_HEDGE_RE = re.compile(
    r"\b(?:may|might|could|possibly|potentially|perhaps|suggest\w*|trend\w*|tend\w*|appear\w*)\b", re.I
)
_NO_EFFECT_RE = re.compile(
    r"\b(?:(?:had|has|have|showed|shows|show|found|with|of|was|were)\s+)?no\s+"
    r"(?:effect|difference|benefit|improvement|impact|change|association)s?\b"
    r"|\bineffective\b|\bdoes\s+not\s+work\b|\bdid\s+not\s+(?:improve|reduce|change|affect|increase)\b",
    re.I,
)
_NOT_SIG_RE = re.compile(
    r"\bnot\s+(?:statistically\s+)?significant(?:ly)?\b|\bnon-?\s?significant(?:ly)?\b"
    r"|\bno\s+(?:statistically\s+)?significant\b|\binsignificant\b",
    re.I,
)
_LITTLE_RE = re.compile(r"little\s+(?:or|to)\s+no\b", re.I)
_CLAUSE_RE = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b|\balthough\b|\bhowever\b|\bin\s+contrast\b", re.I)
_COMPARE_RE = re.compile(
    r"\b(?:even\s+(?:greater|larger|more|bigger|stronger|higher|better)|(?:greater|larger|bigger|stronger|smaller"
    r"|weaker|higher)\s+than|more\s+(?:effective|pronounced|beneficial|benefit|improvement)|less\s+(?:effective"
    r"|pronounced|beneficial)|exceed(?:ed|s)?|outperform(?:ed|s)?|twice\s+as|greater\s+(?:effect|benefit|improvement"
    r"|reduction)|larger\s+(?:effect|benefit|improvement|reduction)"
    r"|(?:greater|larger|bigger|stronger|smaller|weaker|more\s+pronounced)\s+(?:in|among|for)\b)\b",
    re.I,
)
_BY_AMOUNT_RE = re.compile(r"\s*(?:by|of)(?:\s+(?:a|an|about|approximately|mean|average|of))*\s*", re.I)
_NOT_ABOUT_EFFECT_RE = re.compile(
    r"\s+(?:statistical\s+)?(?:heterogeneity|between-study|inconsistency|publication\s+bias|small-study"
    r"|funnel|asymmetry|interaction|subgroup\s+difference)",
    re.I,
)
_RISK_NAME_RE = re.compile(r"\b(?:absolute|relative)(?:\s+risk)?\s+$|\brisk\s+$", re.I)
_AGAINST_CONTROL_RE = re.compile(
    r"[^.;()]{0,30}?\bthan\s+(?:with\s+|in\s+|for\s+|did\s+)?(?:the\s+|a\s+)?(?:placebo|controls?|usual\s+care|sham"
    r"|no\s+(?:treatment|intervention|exercise)|standard\s+(?:care|treatment)|wait(?:ing)?[-\s]?list|comparators?"
    r"|comparison|baseline|nothing|those\s+(?:who|not|receiving|given|in\s+the\s+control))\b",
    re.I,
)
_SUBGROUP_TEST_RE = re.compile(
    r"subgroup\s+differences?|differences?\s+between\s+(?:the\s+)?subgroups|\binteraction\b|between-subgroup"
    r"|\bQ_?b(?:etween)?\b|\bP\s*[-_]?\s*(?:int|interaction|diff)\b|subgroup\s+test|test\s+for\s+(?:subgroup|interaction)",
    re.I,
)


def significance(claim: Claim) -> bool | None:
    """True when the claim's CI excludes no effect (or P < 0.05), False when it includes it, else None."""
    if claim.measure in STATISTICS or claim.measure in ("I2", "r"):
        return None
    if claim.ci_lower is not None and claim.ci_upper is not None:  # claim.has_ci, spelled out so it narrows
        null = 1.0 if claim.measure in RATIO_MEASURES else 0.0
        lo, hi = sorted((claim.ci_lower, claim.ci_upper))
        # a limit that rounds to the null itself ("-0.37 to -0.00") cannot be judged from the CI
        if lo != null and hi != null:
            return not (lo <= null <= hi)
    if claim.p_value is not None:
        if claim.p_relation == "<":
            return True if claim.p_value <= 0.05 else None
        if claim.p_relation == ">":
            return False if claim.p_value >= 0.05 else None
        if claim.p_value == 0.05:  # "P = 0.05" may be a rounded 0.046 or 0.054: borderline, not judged
            return None
        return claim.p_value < 0.05
    return None


def _clause_bounds(norm: str, sent: tuple[int, int], pos: int) -> tuple[int, int]:
    start, end = sent
    for m in _CLAUSE_RE.finditer(norm, sent[0], sent[1]):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _target(doc: Document, claims: Sequence[tuple[int, Claim]], pos: int) -> tuple[int, Claim] | None:
    sent = doc.sentence_span(pos)
    c0, c1 = _clause_bounds(doc.norm, sent, pos)
    in_clause = [(i, c) for i, c in claims if c0 <= c.start < c1 or (c.start < c0 < c.end)]
    after = [(i, c) for i, c in in_clause if c.start >= pos]
    if after:
        return after[0]
    before = [(i, c) for i, c in in_clause if c.end <= pos]
    return before[-1] if before else None


def check_significance(doc: Document, claims: Sequence[Claim]) -> list[Finding]:
    """Significance, "no effect" and direction wording against each claim's numbers."""
    norm = doc.norm
    effect = [
        (i, c) for i, c in enumerate(claims) if c.estimate is not None or c.has_ci or c.p_value is not None
    ]
    out: list[Finding] = []
    covered: list[tuple[int, int]] = []
    for rx, kind in ((_NOT_SIG_RE, "notsig"), (_NO_EFFECT_RE, "noeffect")):
        for m in rx.finditer(norm):
            if any(s <= m.start() < e for s, e in covered):
                continue
            covered.append((m.start(), m.end()))
            target = _target(doc, effect, m.start())
            if target is None or significance(target[1]) is None:
                continue
            i, c = target
            said = doc.plain[m.start() : m.end()]
            if significance(c):
                out.append(
                    Finding(
                        "error",
                        "significance_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is said of a result whose CI excludes no effect (or P < 0.05).',
                        i,
                    )
                )
            elif kind == "noeffect" and not _LITTLE_RE.search(norm, max(0, m.start() - 15), m.end()):
                out.append(
                    Finding(
                        "warning",
                        "significance_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is said of a result that is only not statistically significant; its CI '
                        f'still includes effects, so write "little or no difference" or "uncertain".',
                        i,
                    )
                )
    for rx in (_SIG_RE, _EFFECT_RE):
        for m in rx.finditer(norm):
            if any(s <= m.start() < e for s, e in covered):
                continue
            if _NOT_ABOUT_EFFECT_RE.match(norm, m.end()):
                continue
            target = _target(doc, effect, m.start())
            if target is None or significance(target[1]) is None:
                continue
            i, c = target
            sent = doc.sentence_span(m.start())
            c0, _c1 = _clause_bounds(norm, sent, m.start())
            window_end = c.start if c.start > m.end() else m.end()
            context = norm[max(c0, m.start() - 40) : window_end]
            if _NEG_RE.search(context) or _LITTLE_RE.search(context):
                continue
            said = doc.plain[m.start() : m.end()]
            if significance(c) is False:
                hedged = _HEDGE_RE.search(norm, max(c0, m.start() - 30), m.start()) is not None
                severity: Severity = "warning" if hedged and rx is _EFFECT_RE else "error"
                out.append(
                    Finding(
                        severity,
                        "significance_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is said of a result whose confidence interval includes no effect '
                        f"(or P >= 0.05).",
                        i,
                    )
                )
            elif rx is _EFFECT_RE and c.has_ci and significance(c):
                out.extend(_direction(doc, m, said, i, c))
    return out


def _direction(doc: Document, m: re.Match[str], said: str, i: int, c: Claim) -> list[Finding]:
    if _RISK_NAME_RE.search(doc.norm, max(0, m.start() - 25), m.start()):
        return []  # "absolute risk reduction", "relative risk increase": a measure's name, not a direction
    est = c.num("estimate")
    if c.measure is None or (
        est is not None
        and 0 <= est.start - m.end() <= 30
        and _BY_AMOUNT_RE.fullmatch(doc.norm, m.end(), est.start)
    ):
        return []  # "a reduction of 5.2 mmHg", "reduced by 1.2 points": the word carries the sign
    if c.ci_lower is None or c.ci_upper is None:
        return []  # no CI, no direction to compare with (callers pass only claims with a CI)
    word = said.lower()
    null = 1.0 if c.measure in RATIO_MEASURES else 0.0
    lo = min(c.ci_lower, c.ci_upper)
    down = word.startswith(("reduc", "decreas", "lower", "fewer"))
    up = word.startswith(("increas", "higher", "more "))
    if (down and lo > null) or (up and lo < null):
        where = "above" if down else "below"
        return [
            Finding(
                "warning",
                "direction_mismatch",
                m.start(),
                m.end(),
                f'"{said}" does not match the direction of the result: its whole CI lies {where} '
                f"no effect ({null:g}).",
                i,
            )
        ]
    return []


def _family(measure: str | None) -> str | None:
    if measure in RATIO_MEASURES:
        return "ratio"
    return measure


def check_comparisons(doc: Document, claims: Sequence[Claim]) -> list[Finding]:
    """Comparative words between results on different scales, or subgroups without a test."""
    norm = doc.norm
    effect = [(i, c) for i, c in enumerate(claims) if c.is_result and c.measure not in ("I2",)]
    tests = _subgroup_tests(norm, claims)
    has_test = bool(tests)
    test_supports = any(t is not False for t in tests)
    out: list[Finding] = []
    for m in _COMPARE_RE.finditer(norm):
        sent = doc.sentence_span(m.start())
        idx = doc.sentence_index(m.start())
        here = [(i, c) for i, c in effect if c.sentence_start == sent[0]]
        if len(here) < 2 and idx > 0:  # compared with the last result of the two sentences before
            window = doc.sentences[max(0, idx - 2)][0]
            here = [(i, c) for i, c in effect if window <= c.sentence_start < sent[0]][-1:] + here
        if len(here) < 2:
            continue
        if _AGAINST_CONTROL_RE.match(norm, m.end()) or any(c.measure == "beta" for _, c in here):
            continue  # intervention against its control, or a meta-regression (itself the test)
        said = doc.plain[m.start() : m.end()]
        measures = {_family(c.measure) for _, c in here}
        target = next((i for i, c in here if c.start >= m.start()), here[-1][0])
        if len(measures) > 1 and None not in measures:
            names = " and ".join(sorted(str(c.measure) for c in {c.measure: c for _, c in here}.values()))
            out.append(
                Finding(
                    "error",
                    "incommensurable_comparison",
                    m.start(),
                    m.end(),
                    f'"{said}" compares results on different scales ({names}); their sizes cannot be '
                    f"compared directly.",
                    target,
                )
            )
        elif not has_test or not test_supports:
            extra = " MDs of different outcomes are in different units." if measures == {"MD"} else ""
            why = (
                "the text reports no test for subgroup differences (or interaction) to support the comparison"
                if not has_test
                else "the test for subgroup differences (or interaction) it reports is not "
                "statistically significant"
            )
            out.append(
                Finding(
                    "warning",
                    "incommensurable_comparison",
                    m.start(),
                    m.end(),
                    f'"{said}" compares two results, but {why}.{extra}',
                    target,
                )
            )
    return out


def _subgroup_tests(norm: str, claims: Sequence[Claim]) -> list[bool | None]:
    """One entry per mention of a subgroup/interaction test: its P significant, not, or unknown (None)."""
    found: list[bool | None] = []
    for m in _SUBGROUP_TEST_RE.finditer(norm):
        p_claims = [(c.p_relation, c.p_value) for c in claims
                    if c.p_value is not None and m.start() - 10 <= c.start <= m.end() + 80]
        if not p_claims:
            found.append(None)
            continue
        relation, p = p_claims[0]
        if relation == "<":
            found.append(True if p <= 0.05 else None)
        else:
            found.append(p < 0.05)
    return found
