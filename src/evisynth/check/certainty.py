"""Certainty wording against the GRADE rating (Santesso et al. 2020; Cochrane PLS guidance 2021).

GRADE wording: high "reduces", moderate "probably reduces", low "may reduce", very low "we
are uncertain whether ... reduces". Wording one step stronger than the known rating is a
warning; two or more steps, or words such as "clear", "proves", "conclusively" below high
certainty, an error. Background, objectives and methods sections are not held to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from evisynth.check.language import _LITTLE_RE, _NEG_RE, _clause_bounds
from evisynth.check.model import Claim, Finding, Severity
from evisynth.check.text import Document

CERTAINTY_RANK = {"high": 4, "moderate": 3, "low": 2, "very low": 1}
_HEADING_RE = re.compile(
    r"#*\s*(?:(?P<bg>background|introduction|objectives?|aims?|purpose|rationale|context|importance|methods?"
    r"|search\s+methods|selection\s+criteria|data\s+collection(?:\s+and\s+analysis)?|design|setting)"
    r"|(?:main\s+)?results?|findings|conclusions?|interpretation|key\s+messages|what\s+did\s+we\s+find"
    r"|authors'\s+conclusions|implications|discussion)\s*(?::|\n|$)",
    re.I,
)
_DECLARED_RE = re.compile(
    r"\b(high|moderate|low|very\s+low)[-\s]+(?:certainty|quality)\b"
    r"|\b(?:certainty|quality)\s+(?:of\s+(?:the\s+)?evidence\s+)?(?:was|is|:|=|rated\s+as)?\s*(high|moderate|low|very\s+low)\b",
    re.I,
)
_DEFINITIVE_RE = re.compile(
    r"\b(?:clear(?:ly)?|definitive(?:ly)?|conclusive(?:ly)?|prove[sdn]?|proven|establishe[sd]|confirm(?:s|ed)"
    r"|certainly|undoubted(?:ly)?|unequivocal(?:ly)?|strong\s+evidence|robust\s+evidence|without\s+doubt)\b",
    re.I,
)
_VERB_RE = re.compile(
    r"\b(?:reduces|improves|increases|decreases|lowers|prevents|benefits|works|results\s+in|leads\s+to"
    r"|(?:is|are|was|were)\s+effective|reduce|improve|increase|decrease|lower|prevent|result\s+in|make|makes)\b",
    re.I,
)
_HEDGE_LEVELS = (
    (re.compile(r"\buncertain\b|\bnot\s+know\b|\bdon't\s+know\b|\bvery\s+uncertain\b", re.I), 1),
    (re.compile(r"\b(?:may|might|could|possibly)\b", re.I), 2),
    (re.compile(r"\b(?:probably|likely)\b", re.I), 3),
)
_BASE_VERBS = {"reduce", "improve", "increase", "decrease", "lower", "prevent", "result in", "make"}


def _sentence_certainty(
    doc: Document,
    sent: tuple[int, int],
    claims: Sequence[tuple[int, Claim]],
    by_claim: Mapping[int, str],
    by_outcome: Mapping[str, str],
    default: str | None,
) -> str | None:
    declared = _DECLARED_RE.search(doc.norm, sent[0], sent[1])
    if declared:
        return re.sub(r"\s+", " ", (declared.group(1) or declared.group(2)).lower())
    for i, c in claims:
        if c.sentence_start == sent[0] and i in by_claim:
            return by_claim[i]
    text = doc.norm[sent[0] : sent[1]].lower()
    for name, level in by_outcome.items():
        if name and name.lower() in text:
            return level
    return default


def check_certainty(
    doc: Document,
    claims: Sequence[Claim],
    *,
    default: str | None = None,
    by_claim: Mapping[int, str] | None = None,
    by_outcome: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Certainty wording against the GRADE level known for each sentence."""
    indexed = list(enumerate(claims))
    out: list[Finding] = []
    in_background = False
    for sent in doc.sentences:
        heading = _HEADING_RE.match(doc.norm, sent[0])
        if heading:
            in_background = heading.group("bg") is not None
        if in_background:
            continue  # background, objectives and methods describe no finding of this review
        level = _sentence_certainty(doc, sent, indexed, by_claim or {}, by_outcome or {}, default)
        if level not in CERTAINTY_RANK:
            continue
        rank = CERTAINTY_RANK[level]
        claim_idx = next((i for i, c in indexed if c.sentence_start == sent[0]), None)
        flagged_until = -1
        for m in _DEFINITIVE_RE.finditer(doc.norm, sent[0], sent[1]):
            if rank >= 4 or _NEG_RE.search(doc.norm, max(sent[0], m.start() - 12), m.start()):
                continue
            said = doc.plain[m.start() : m.end()]
            flagged_until = m.end() + 25
            out.append(
                Finding(
                    "error",
                    "certainty_language",
                    m.start(),
                    m.end(),
                    f'"{said}" claims more certainty than the {level}-certainty evidence supports.',
                    claim_idx,
                )
            )
        for m in _VERB_RE.finditer(doc.norm, sent[0], sent[1]):
            c0, _c1 = _clause_bounds(doc.norm, sent, m.start())
            before = doc.norm[max(c0, m.start() - 100) : m.start()]
            strength = 4
            for rx, value in _HEDGE_LEVELS:
                if rx.search(before):
                    strength = min(strength, value)
            verb = re.sub(r"\s+", " ", m.group(0).lower())
            if strength == 4 and verb in _BASE_VERBS:
                continue  # an infinitive or plural without a hedge: not a claim about the effect
            if _NEG_RE.search(before[-15:]) or _LITTLE_RE.search(
                doc.norm, m.end(), min(sent[1], m.end() + 20)
            ):
                continue
            if strength > rank and m.start() > flagged_until:
                said = doc.plain[m.start() : m.end()]
                severity: Severity = "error" if strength - rank >= 2 else "warning"
                wording = {
                    4: "reduces",
                    3: "probably reduces",
                    2: "may reduce",
                    1: "we are uncertain whether",
                }[rank]
                out.append(
                    Finding(
                        severity,
                        "certainty_language",
                        m.start(),
                        m.end(),
                        f'"{said}" is stronger than {level}-certainty evidence allows; GRADE wording for '
                        f'{level} certainty is "{wording}".',
                        claim_idx,
                    )
                )
    return out
