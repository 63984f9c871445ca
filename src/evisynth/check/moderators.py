"""Comparisons between results and claims about subgroups and moderators.

* Comparative words ("even greater", "more effective") between results on different
  measures (MD vs SMD, ratio vs difference): ``incommensurable_comparison``, an error;
  between results on one measure with no supporting test for subgroup differences: a warning
  of the same kind.
* Subgroup and moderator claims ("more effective in", "depends on", "works better than other
  approaches") need a test for subgroup differences, an interaction or a meta-regression that
  supports them; claims of no moderation ("regardless of", "independent of") from a test that
  is not significant (or from no test) read absence of evidence as evidence of absence. Both
  are ``significance_language``. Phrases: ``lexicons/subgroups.toml`` (sources cited there).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from evisynth.check import lexicon
from evisynth.check.context import ClaimIndex, significance
from evisynth.check.model import RATIO_MEASURES, Claim, Finding, Severity
from evisynth.check.text import Document

_COMPARE_RE = re.compile(
    r"\b(?:even\s+(?:greater|larger|more|bigger|stronger|higher|better)|(?:greater|larger|bigger|stronger|smaller"
    r"|weaker|higher)\s+than|more\s+(?:effective|pronounced|beneficial|benefit|improvement)|less\s+(?:effective"
    r"|pronounced|beneficial)|exceed(?:ed|s)?|outperform(?:ed|s)?|twice\s+as|greater\s+(?:effect|benefit|improvement"
    r"|reduction)|larger\s+(?:effect|benefit|improvement|reduction)"
    r"|(?:greater|larger|bigger|stronger|smaller|weaker|more\s+pronounced)\s+(?:in|among|for)\b)\b",
    re.I,
)
_AGAINST_CONTROL_RE = re.compile(
    r"[^.;()]{0,40}?\b(?:than|compared\s+(?:with|to)|versus|vs\.?|relative\s+to|over)\s+(?:with\s+|in\s+|for\s+|did\s+)?"
    r"(?:the\s+|a\s+)?(?:placebo|controls?|usual\s+care|care[-\s]as[-\s]usual|treatment[-\s]as[-\s]usual|CAU|TAU|sham"
    r"|no\s+(?:treatment|intervention|exercise)|standard\s+(?:care"
    r"|treatment)|wait(?:ing)?[-\s]?list|comparators?|comparison|baseline|nothing|those\s+(?:who|not|receiving|given|in\s+"
    r"the\s+control))\b",
    re.I,
)
_GERUND_AFTER_RE = re.compile(r"\s+(?:(?:in|at|for|by)\s+)?(?:\w+ly\s+)?[a-z]{3,}ing\b")
_NEGATED_RE = re.compile(r"\b(?:not|no|never|nor|neither|without)\b|n't\b", re.I)
_THAN_OTHER_RE = re.compile(r"[^.;()]{0,30}?\bthan\s+(?!in\b|among\b|for\b|with\b|that\b|those\b)", re.I)
_HEDGE_RE = re.compile(r"\b(?:may|might|could|possibly|perhaps|suggest\w*|appear\w*|seem\w*|tend\w*)\b", re.I)


def _family(measure: str | None) -> str | None:
    return "ratio" if measure in RATIO_MEASURES else measure


def subgroup_tests(doc: Document, claims: Sequence[Claim]) -> list[tuple[int, bool | None, str]]:
    """Each reported test for subgroup differences, interaction or meta-regression.

    Returns ``(position, significant, text)``: ``significant`` is True/False from the P value
    (or the CI of a meta-regression coefficient) reported with it, None when none is.
    """
    index = ClaimIndex(doc, claims)
    found: list[tuple[int, bool | None, str]] = []
    for m in lexicon.regex("subgroups", "tests", "phrases").finditer(doc.norm):
        near = [c for _, c in index.near(m.start() - 10, m.end() + 80) if c.p_value is not None or c.measure == "beta"]
        said = doc.plain[m.start() : m.end()]
        if not near:
            found.append((m.start(), None, said))
            continue
        c = near[0]
        if c.measure in ("chi2", "Q", "F") and c.p_value is not None and c.p_relation != "<":
            found.append((m.start(), c.p_value < 0.05, said))
            continue
        if c.measure == "beta" and c.has_ci:
            found.append((m.start(), significance(c), said))
        elif c.p_relation == "<":
            found.append((m.start(), True if (c.p_value or 1) <= 0.05 else None, said))
        else:
            found.append((m.start(), (c.p_value or 1) < 0.05, said))
    for c in claims:  # a meta-regression coefficient is itself the test
        if c.measure == "beta" and c.has_ci:
            found.append((c.start, significance(c), doc.plain[c.start : c.end]))
    found.sort()
    return found


def check_comparisons(doc: Document, claims: Sequence[Claim]) -> list[Finding]:
    """Comparative words between results on different scales, or subgroups without a test."""
    norm = doc.norm
    effect = [i for i, c in enumerate(claims) if c.is_result and c.measure not in ("I2",)]
    index = ClaimIndex(doc, claims, effect)
    tests = subgroup_tests(doc, claims)
    has_test = bool(tests)
    test_supports = any(t[1] is not False for t in tests)
    out: list[Finding] = []
    for m in _COMPARE_RE.finditer(norm):
        idx = doc.sentence_index(m.start())
        here = list(index.in_sentence(m.start()))
        if len(here) < 2 and idx > 0:  # compared with the last result of the two sentences before
            earlier = index.by_sentence.get(idx - 1) or index.by_sentence.get(idx - 2) or []
            here = earlier[-1:] + here
        if len(here) < 2:
            continue
        if _AGAINST_CONTROL_RE.match(norm, m.end()) or any(c.measure == "beta" for _, c in here):
            continue
        if _GERUND_AFTER_RE.match(norm, m.end()) or _THAN_OTHER_RE.match(norm, m.end()):
            continue  # "less effective in averting relapse", "less effective than the biosimilar": not subgroups
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
                    f'"{said}" compares results on different scales ({names}); their sizes cannot be compared directly.',
                    target,
                )
            )
        elif not has_test or not test_supports:
            extra = " MDs of different outcomes are in different units." if measures == {"MD"} else ""
            why = (
                "the text reports no test for subgroup differences (or interaction) to support the comparison"
                if not has_test
                else "the test for subgroup differences (or interaction) it reports is not statistically significant"
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


def check_moderators(
    doc: Document,
    claims: Sequence[Claim],
    findings_so_far: Sequence[Finding],
    in_findings: Sequence[bool],
    source: tuple[Document, Sequence[Claim]] | None = None,
) -> list[Finding]:
    """Subgroup and moderator claims against the tests reported for them.

    ``in_findings[k]`` says whether sentence ``k`` reports findings (not background or methods);
    words already flagged as comparisons are not flagged again.
    """
    norm = doc.norm
    tests = subgroup_tests(doc, claims)
    source_tests = subgroup_tests(*source) if source is not None else []
    test_starts = [t[0] for t in tests]
    overview = _first_of_each(tests + source_tests)
    taken = {(f.start, f.end) for f in findings_so_far}
    taken_starts = sorted(f.start for f in findings_so_far if f.start is not None)
    context = lexicon.regex("subgroups", "context", "not_a_claim")
    index = ClaimIndex(doc, claims)
    out: list[Finding] = []
    effect_subject = lexicon.regex("subgroups", "claims", "effect_subjects")
    for kind in ("difference", "difference_of_effect", "no_difference", "no_difference_reported"):
        for m in lexicon.regex("subgroups", "claims", kind).finditer(norm):
            if _GERUND_AFTER_RE.match(norm, m.end()):
                continue  # "more effective in preventing relapse": an outcome, not a subgroup
            k = doc.sentence_index(m.start())
            if k >= len(in_findings) or not in_findings[k]:
                continue
            sent = doc.sentences[k] if doc.sentences else (0, len(norm))
            if context.search(norm, sent[0], sent[1]) or _AGAINST_CONTROL_RE.match(norm, m.end()):
                continue
            if (m.start(), m.end()) in taken or _overlaps(taken_starts, m.start(), m.end()):
                continue
            lo = bisect.bisect_left(test_starts, sent[0] - 300)
            hi = bisect.bisect_right(test_starts, sent[1] + 300)
            local = tests[lo:hi] or overview  # tests near the claim, else the text's (and source's) first of each kind
            local = local + _statistics_in(doc, index, sent)
            if kind == "no_difference_reported" and (
                tests[lo:hi] or source_tests or local or hedged_negation(norm, sent, m.start())
            ):
                continue
            studies = _BETWEEN_STUDIES_RE.match(norm, m.end())
            if (studies and not _QUALIFIED_RE.match(norm, studies.end())) or _NOT_A_GROUP_RE.match(norm, m.end()):
                continue  # "the results differed between studies": heterogeneity, not a subgroup claim
            if _SIMILAR_BEFORE_RE.search(norm, max(sent[0], m.start() - 60), m.start()):
                continue  # "similar imprecise effects were seen for revision surgery": another outcome, alike
            if doc.norm[sent[0] : sent[1]].rstrip(" \n*_#").endswith("?"):
                continue  # a question ("Does the effect differ between groups?") claims nothing
            c0 = index.clause(m.start())[0]
            if kind == "difference_of_effect" and not effect_subject.search(norm, max(c0, m.start() - 80), m.start()):
                continue  # "the exercise protocols differed between studies": not about the effect
            if kind.startswith("difference") and _NEGATED_RE.search(norm[max(c0, m.start() - 60) : m.start()]):
                continue  # "did not differ by", "no clear evidence that the effect differs": no claim of a difference
            if kind.startswith("difference") and conceded(norm, m.end(), sent, local):
                continue
            said = doc.plain[m.start() : m.end()]
            hedged = _HEDGE_RE.search(norm, max(sent[0], m.start() - 40), m.start()) is not None
            finding = _judge("difference" if kind == "difference_of_effect" else kind, said, local, hedged)
            if finding is not None:
                severity, message = finding
                out.append(Finding(severity, "significance_language", m.start(), m.end(), message, None))
    return out


#: After "differed between" / "varied across": the studies themselves (inconsistency, I²), not subgroups.
_BETWEEN_STUDIES_RE = re.compile(
    r"\s+(?:the\s+|individual\s+|included\s+)?(?:studies|trials|study\s+to\s+study|trial\s+to\s+trial)\b", re.I
)


#: After "studies"/"trials": a qualified set of them ("driven by trials in older adults") is a subgroup.
_QUALIFIED_RE = re.compile(
    r"\s+(?:in|with|of|that|which|among|using|at|from|conducted|enrolling|including|recruiting)\b", re.I
)


#: After "especially important in": a circumstance, not a group of patients or studies.
_NOT_A_GROUP_RE = re.compile(r"\s+(?:the\s+)?(?:context|light|era|face|wake|time|times|view)\b", re.I)
#: "Similar ... effects were seen for": a like result for another outcome, not a difference between subgroups.
_SIMILAR_BEFORE_RE = re.compile(r"\b(?:similar|comparable|the\s+same)\b[^,;.]*$", re.I)


def _first_of_each(tests: list[tuple[int, bool | None, str]]) -> list[tuple[int, bool | None, str]]:
    """One significant, one non-significant and one unknown test: all that a judgement needs."""
    out: dict[bool | None, tuple[int, bool | None, str]] = {}
    for t in tests:
        out.setdefault(t[1], t)
    return list(out.values())


def _statistics_in(doc: Document, index: ClaimIndex, sent: tuple[int, int]) -> list[tuple[int, bool | None, str]]:
    """A Q, chi-squared or F test with its P in the sentence of a moderator claim is the test for it
    (unless the sentence calls it heterogeneity)."""
    out: list[tuple[int, bool | None, str]] = []
    for _i, c in index.near(sent[0], sent[1]):
        if c.measure not in ("chi2", "Q", "F") or c.p_value is None:
            continue
        if re.search(r"heterogeneity|I2|I²", doc.norm[max(sent[0], c.start - 40) : c.start], re.I):
            continue
        sig: bool | None = c.p_value < 0.05 if c.p_relation != "<" else (True if c.p_value <= 0.05 else None)
        out.append((c.start, sig, doc.plain[c.start : c.end]))
    return out


#: Between a subgroup claim and the test after it: the sentence turns ("..., but the test ...").
_CONTRAST_RE = re.compile(r"\b(?:but|however|although|though|yet|whereas)\b", re.I)


def conceded(norm: str, end: int, sent: tuple[int, int], tests: Sequence[tuple[int, bool | None, str]]) -> bool:
    """ "The effect appeared larger in women, but the test for subgroup differences was not significant":
    the sentence itself reports that the test does not support the difference."""
    return any(
        end <= pos < sent[1] and sig is False and _CONTRAST_RE.search(norm, end, pos) is not None
        for pos, sig, _t in tests
    )


def hedged_negation(norm: str, sent: tuple[int, int], pos: int) -> bool:
    """ "no evidence that ... differed", "did not significantly differ": the statement is about the test."""
    return (
        re.search(r"\b(?:significantly|statistically|evidence)\b", norm[max(sent[0], pos - 40) : pos + 40], re.I) is not None
    )


def _overlaps(starts: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(starts, start - 30)
    return k < len(starts) and starts[k] < end


def _judge(kind: str, said: str, tests: list[tuple[int, bool | None, str]], hedged: bool) -> tuple[Severity, str] | None:
    significant = [t for t in tests if t[1] is True]
    not_sig = [t for t in tests if t[1] is False]
    if kind == "difference":
        if significant or (tests and not not_sig):
            return None  # a supporting (or unreported-P) test is there
        severity: Severity = "warning" if hedged else "error"
        if not_sig:
            return severity, (
                f'"{said}" claims the effect differs between subgroups, but the test reported for it '
                f'("{not_sig[0][2]}") is not statistically significant.'
            )
        return severity, (
            f'"{said}" claims the effect differs between subgroups or with a moderator, but the text '
            f"reports no test for subgroup differences, interaction or meta-regression; one subgroup's "
            f"estimate cannot show that."
        )
    if significant:
        return "error", (
            f'"{said}" claims the effect does not differ, but the test reported ("{significant[0][2]}") '
            f"is statistically significant."
        )
    severity = "warning" if hedged else "error"
    basis = (
        f'the test reported ("{not_sig[0][2]}") is only not statistically significant'
        if not_sig
        else "no test for subgroup differences or meta-regression is reported"
    )
    return severity, (
        f'"{said}" claims the effect does not depend on this factor, but {basis}: absence of evidence '
        f"of a difference is not evidence that there is none."
    )
