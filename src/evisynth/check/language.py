"""Words against numbers: significance, "no effect" (absence of evidence) and direction wording.

Each rule ties a word to the claim it describes (:meth:`ClaimIndex.target`: the first claim
after it in its clause, else the nearest before it) and judges the word against that
claim's CI and P value. The words come from ``lexicons/significance.toml``, which cites the
guidance behind them.

* "significant", "improved", "reduced", "effective", ... said of a result whose CI includes
  no effect (or P >= 0.05): an error (a warning when hedged, "may reduce", or when the result
  was found by its outcome's words in another sentence or the source, a match that can be
  wrong). The message shows P recomputed from the CI.
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
from evisynth.check.claim_scope import not_an_effect_claim, result_bracket_end
from evisynth.check.context import ClaimIndex, OutcomeIndex, borderline, common_words, significance
from evisynth.check.language_scope import coordinated, describe_numbers, joined_results, not_a_finding, question
from evisynth.check.language_unlocated import asserted, blanket_null, clinical_threshold, quote, unlocated_null
from evisynth.check.model import RATIO_MEASURES, Claim, Finding, Severity
from evisynth.check.number_anchor import SourceNumbers
from evisynth.check.text import Document

_CONJUNCT_RE = re.compile(r",|\band\b|\bor\b")
_BY_AMOUNT_RE = re.compile(r"\s*(?:by|of)(?:\s+(?:a|an|about|approximately|mean|average|of))*\s*", re.I)


def _rx(*path: str) -> re.Pattern[str]:
    return lexicon.regex("significance", *path)


def _masked(mask: bytearray, start: int) -> bool:
    return bool(mask[start])


def _mark(mask: bytearray, start: int, end: int) -> None:
    mask[start:end] = b"\x01" * (end - start)


class _Outcomes:
    """Results of this text (and of its source) keyed by the words that name their outcome.

    A word in a sentence without numbers ("probably reduced the risk of pneumothorax") is
    judged against the result whose outcome words it shares, when that match is unambiguous.
    """

    def __init__(self, doc: Document, index: ClaimIndex, source: tuple[Document, Sequence[Claim]] | None) -> None:
        self.doc = doc
        self.index = OutcomeIndex(cap=8, ignore=common_words(doc, source[0] if source is not None else None))
        for i, c in index.items:
            self.index.add(_outcome_words(doc, c), (i, c, False))
        if source is not None:
            sdoc, sclaims = source
            for c in sclaims:
                if c.estimate is not None or c.has_ci:
                    self.index.add(_outcome_words(sdoc, c), (None, c, True))

    def target(self, clause: str, pos: int) -> tuple[int | None, Claim, bool] | None:
        """The result a clause without numbers talks about: earlier in the text, or in the source."""
        # earlier in the text, in the next sentence ("X may increase ear pain. One study ... (RR 3.50 ...)")
        # or in the source
        nxt = self.doc.sentence_index(pos) + 1
        hits = [
            h
            for h in self.index.lookup(clause, min_score=0.5)
            if isinstance(h, tuple) and (h[2] or h[1].end <= pos or self.doc.sentence_index(h[1].start) == nxt)
        ]
        if not hits or len({significance(c) for _i, c, _s in hits}) != 1:
            return None
        return hits[0]


def _outcome_words(doc: Document, claim: Claim) -> str:
    """The words before a result back to the previous result or clause, which name its outcome
    ("The need for revision surgery for POVCH occurred less frequently ... (RR 0.44 ...")."""
    sent = doc.sentence_span(claim.start)
    before = doc.norm[max(sent[0], claim.start - 250) : claim.start]
    cut = max(before.rfind(";"), result_bracket_end(before))
    est, low = claim.num("estimate"), claim.num("ci_lower")
    if est is not None and low is not None and low.start - est.end > 20:  # "a risk ratio of 3.50 for otalgia ... (95% CI"
        return before[cut + 1 :] + " " + doc.norm[est.end : low.start]
    return before[cut + 1 :]


def check_significance(
    doc: Document,
    claims: Sequence[Claim],
    source: tuple[Document, Sequence[Claim]] | None = None,
    in_findings: Sequence[bool] | None = None,
) -> list[Finding]:
    """Significance, "no effect", equivalence and direction wording against the numbers.

    ``source`` (the source's document and claims) lets words in sentences without numbers be
    judged against the source result for the same outcome.
    """
    norm = doc.norm
    claims, taken = joined_results(claims)
    if source is not None:
        joined, gone = joined_results(source[1])
        source = (source[0], [c for j, c in enumerate(joined) if j not in gone])
    anchors = SourceNumbers(*source) if source is not None else None
    keep = [
        i for i, c in enumerate(claims) if (c.estimate is not None or c.has_ci or c.p_value is not None) and i not in taken
    ]
    index = ClaimIndex(doc, claims, keep)
    outcomes = _Outcomes(doc, index, source)
    out: list[Finding] = []
    covered = bytearray(len(norm) + 1)
    hedges = _rx("modifiers", "hedges")
    effect_rx = _rx("words", "effect")
    threshold = clinical_threshold(doc, source[0] if source is not None else None)

    def locate(pos: int, end: int) -> tuple[int | None, Claim, bool] | None:
        found = index.target(pos)
        if found is not None:
            return (found[0], found[1], False)
        k = doc.sentence_index(pos)
        if in_findings is not None and (k >= len(in_findings) or not in_findings[k]):
            return None  # background and methods use effect words about no result of this review
        if anchors is not None and (anchor := anchors.result_at(doc, pos)) is not None:
            return (None, anchor[0], True)  # "one admission prevented for every 101": the result with NNT 101
        _c0, c1 = index.clause(pos)
        stop = min(c1, pos + 120)
        # "results in less nasal trauma and likely a reduction in pneumothorax": the next effect word
        # has its own outcome, judged on its own
        nxt = effect_rx.search(norm, end + 2, stop)  # not the word right after ("significantly improved")
        query = norm[pos : nxt.start() if nxt is not None else stop]
        # "less nasal trauma and pneumothorax": each coordinated outcome on its own first; the
        # whole phrase only when no part names an outcome
        parts = _CONJUNCT_RE.split(query)
        hits = [h for h in (outcomes.target(part, pos) for part in parts) if h is not None] if len(parts) > 1 else []
        not_sig = next((h for h in hits if significance(h[1]) is False), None)
        return not_sig or (hits[0] if hits else outcomes.target(query, pos))

    rules = (
        ("accurate", _rx("words", "accurate_null")),
        ("uncertain", _rx("words", "uncertain")),
        ("notsig", _rx("words", "not_significant")),
        ("null_error", _rx("words", "null_error")),
        ("null_warning", _rx("words", "null_warning")),
        ("equivalence", _rx("words", "equivalence")),
    )
    for kind, rx in rules:
        for m in rx.finditer(norm):
            if _masked(covered, m.start()):
                continue
            _mark(covered, m.start(), m.end())
            if kind == "uncertain" or question(doc, m.start()):
                continue
            if kind.startswith("null") and _SIGNIFICANTLY_RE.match(norm, m.end()):
                continue  # "did not reduce mortality significantly": the accurate wording
            target = locate(m.start(), m.end())
            if target is not None and kind != "equivalence" and target[2] and significance(target[1]):
                target = None  # "has no effect" and a significant source result for a like outcome: no
                # result this wording could describe, and "no effect" is never shown (judged as unlocated)
            c0, _c1 = index.clause(m.start())
            hedged = hedges.search(norm, max(c0, m.start() - 25), m.start()) is not None
            if target is None:
                clause = index.clause(m.start())
                if asserted(doc, m.start(), clause, kind, in_findings, threshold):
                    out.append(unlocated_null(m.start(), m.end(), quote(doc.plain, m.start(), clause[1]), kind))
                continue
            out.extend(_null_words(doc, kind, m, target, hedged))
    negations = _rx("modifiers", "negations")
    equivalence_rx = _rx("words", "equivalence")
    bare = _rx("words", "predicative_comparatives")
    not_about = _rx("modifiers", "not_about_effect")
    for rx in (_rx("words", "significant"), effect_rx):
        for m in rx.finditer(norm):
            if _masked(covered, m.start()) or not_about.match(norm, _skip_space(norm, m.end())):
                continue
            _mark(covered, m.start(), m.end())
            target = locate(m.start(), m.end())
            if target is None:
                continue
            i, c, from_source = target
            c0, _c1 = index.clause(m.start())
            window_end = c.start if (not from_source and m.end() < c.start < _c1) else m.end()
            if negations.search(norm, max(c0, m.start() - 40), window_end):
                continue
            if not_a_finding(norm, m.start()) or question(doc, m.start()):
                continue
            if rx is effect_rx and not_an_effect_claim(norm, m.start(), m.end(), doc.sentence_span(m.start()), c0):
                continue  # a request for research, a symptom in a list of harms, an open question
            if bare.fullmatch(m.group(0)) and not _PREDICATIVE_RE.match(norm, m.end()):
                continue  # "longer follow-up", "shorter courses": the studies described, not a result
            if equivalence_rx.search(norm, m.end(), min(_c1, m.end() + 80)):
                continue  # "A improved QoL to a similar extent as B": a comparison of two active arms
            said = doc.plain[m.start() : m.end()]
            sig = significance(c)
            here = not from_source and c0 <= c.start < _c1
            where = _where(c, from_source, not here)
            if sig is False:
                hedged = hedges.search(norm, max(c0, m.start() - 30), m.start()) is not None
                # "a trend towards benefit", "marginally significant", "reduced pain, approaching
                # significance": the wording itself concedes the result is not clearly significant
                conceded = bool(
                    hedges.search(said)
                    or _CONCEDED_RE.search(norm, m.end(), min(_c1, m.end() + 40))
                    or _MARGINAL_RE.search(norm, max(c0, m.start() - 15), m.start())
                )
                severity: Severity = "warning" if (hedged and rx is effect_rx) or conceded or not here else "error"
                out.append(
                    Finding(
                        severity,
                        "significance_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is said of a result whose confidence interval includes no effect: '
                        f"{where}{describe_numbers(c)}.",
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
                        f'"{said}" is said of a borderline result: {where}{why} ({describe_numbers(c)}). '
                        f"Read as P < 0.05 it is statistically significant, read as P >= 0.05 it is "
                        f'not; "{said}" takes the first reading without saying so.',
                        i,
                    )
                )
            elif sig and rx is effect_rx and c.has_ci and here and i is not None:
                out.extend(_direction(doc, m, said, i, c))
                out.extend(coordinated(doc, index, m, said, c, hedges))
    out.extend(blanket_null(doc, claims, source[1] if source is not None else (), in_findings))
    return out


def _where(claim: Claim, from_source: bool, elsewhere: bool) -> str:
    if from_source:
        return f"the source reports {claim.text.strip()}; "
    if elsewhere:
        return f"the result for this outcome is {claim.text.strip()}; "
    return ""


def _skip_space(norm: str, pos: int) -> int:
    while pos < len(norm) and norm[pos] == " ":
        pos += 1
    return pos


def _null_words(
    doc: Document, kind: str, m: re.Match[str], target: tuple[int | None, Claim, bool], hedged: bool
) -> list[Finding]:
    i, c, from_source = target
    sig = significance(c)
    said = doc.plain[m.start() : m.end()]
    elsewhere = from_source or doc.sentence_index(c.start) != doc.sentence_index(m.start())
    where = _where(c, from_source, elsewhere)
    if sig:
        if kind in ("uncertain", "equivalence") or elsewhere:
            return []  # "the effect on stroke was similar": a comparison of sizes, not a null claim
        return [
            Finding(
                "error",
                "significance_language",
                m.start(),
                m.end(),
                f'"{said}" is said of a result whose CI excludes no effect: {where}{describe_numbers(c)}.',
                i,
            )
        ]
    if sig is not False or kind in ("notsig", "accurate"):
        return []
    if kind == "null_warning" and hedged and not re.search(r"\bno\s", said, re.I):
        return []  # "likely does not increase": hedged wording of a null result
    severity: Severity = "error" if kind == "null_error" and not hedged else "warning"
    if kind == "equivalence":
        why = "reads a result that is only not statistically significant as equivalence"
    else:
        why = "reads a result that is only not statistically significant as evidence of no effect"
    return [
        Finding(
            severity,
            "significance_language",
            m.start(),
            m.end(),
            f'"{said}" {why} ({where}{describe_numbers(c)}); the CI still includes effects either way. Absence of '
            f'evidence is not evidence of absence: write "little or no difference" or "uncertain".',
            i,
        )
    ]


#: After a bare comparative: it is predicative ("recovered sooner (MD ...", "was shorter with the drug").
_PREDICATIVE_RE = re.compile(r"\s*(?:\(|than\b|with\b|in\s+the\b|among\b|[,.;]|$)", re.I)
#: After a null word, in its clause: "did not reduce mortality significantly" says the result is not significant.
_SIGNIFICANTLY_RE = re.compile(r"[^.;,()]{0,50}?\b(?:statistically\s+)?significantly\b", re.I)


#: After an effect word: the text itself says the result only approached significance.
_CONCEDED_RE = re.compile(r"\b(?:approach(?:ed|ing)|near(?:ly|ing)?)\s+(?:statistical\s+)?significance", re.I)
#: Just before a significance word: "marginally significant", "borderline significant".
_MARGINAL_RE = re.compile(r"\b(?:marginal(?:ly)?|borderline|nearly|almost|approaching)\s+(?:statistically\s+)?$", re.I)
_THRESHOLD_BEFORE_RE = re.compile(r"[<>≥≤]\s*\d+(?:\.\d+)?\s*%?\s*$")


def _direction(doc: Document, m: re.Match[str], said: str, i: int, c: Claim) -> list[Finding]:
    if _THRESHOLD_BEFORE_RE.search(doc.norm, max(0, m.start() - 12), m.start()):
        return []  # "a > 50% reduction of proteinuria": an outcome defined by a threshold
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
