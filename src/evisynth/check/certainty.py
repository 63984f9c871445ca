"""Certainty wording against the GRADE rating (Santesso et al. 2020, GRADE guidelines 26).

GRADE wording: high "reduces", moderate "probably reduces", low "may reduce", very low "we
are very uncertain whether ... reduces". Wording one step stronger than the rating is a
warning; two or more steps, or words that claim certainty ("clearly", "proven", "works",
"demonstrates") below high certainty, an error. Background, objectives and methods sections
are not held to it. All words: ``lexicons/certainty.toml``.

The rating of a sentence is, in order: stated in the sentence ("moderate-certainty
evidence", "⊕⊕◯◯"); the rating of the source result its numbers were traced to; the rating
stated in the summary or the source for the outcome it names (matched by outcome words); an
outcome name from the ``certainty`` mapping; the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from evisynth.check import lexicon
from evisynth.check.context import ClaimIndex, OutcomeIndex
from evisynth.check.model import Claim, Finding, Severity
from evisynth.check.text import Document

CERTAINTY_RANK: dict[str, int] = {k: int(v) for k, v in lexicon.load("certainty")["levels"].items()}
_WORDING = {4: "reduces", 3: "probably reduces", 2: "may reduce", 1: "we are very uncertain whether ... reduces"}
_LEVEL_WORD_RE = re.compile(r"very\s+low|low|moderate|high", re.I)
_NEG_RE = re.compile(r"\b(?:no|not|nor|without|lack\w*|insufficient|little)\b|n't\b", re.I)


@dataclass(frozen=True)
class Rating:
    """A certainty level and where it was read (for the message)."""

    level: str
    origin: str


@cache
def _symbols_re() -> re.Pattern[str]:
    lex = lexicon.load("certainty")["declared"]
    filled = "".join(re.escape(c) for c in lex["symbols_filled"])
    empty = "".join(re.escape(c) for c in lex["symbols_empty"] if c != "O")
    return re.compile(f"[{filled}][{filled}{empty}O]{{3}}(?![A-Za-z])")


def _level_of(text: str) -> str | None:
    levels = [re.sub(r"\s+", " ", w.lower()) for w in _LEVEL_WORD_RE.findall(text)]
    if not levels:
        return None
    return max(levels, key=lambda v: CERTAINTY_RANK[v])  # "low to moderate": the more lenient reading


def declarations(doc: Document) -> list[tuple[int, int, str]]:
    """Every certainty statement in ``doc``: ``(start, end, level)``."""
    out = []
    for m in lexicon.regex("certainty", "declared", "phrases").finditer(doc.norm):
        level = _level_of(m.group(0))
        if level is not None:
            out.append((m.start(), m.end(), level))
    filled = set(lexicon.load("certainty")["declared"]["symbols_filled"])
    for m in _symbols_re().finditer(doc.norm):
        n = sum(ch in filled for ch in m.group(0))
        out.append((m.start(), m.end(), {4: "high", 3: "moderate", 2: "low", 1: "very low"}[max(1, n)]))
    out.sort()
    return out


def findings_sections(doc: Document) -> list[bool]:
    """For each sentence: True when it reports findings (not background, objectives or methods)."""
    lex = lexicon.load("certainty")["claims"]
    heads = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in lex["background_headings"])
    finds = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in lex["finding_headings"])
    rx = re.compile(rf"[#*\s]*(?:(?P<bg>{heads})|{finds})\s*\**\s*(?::|\?|\n|$)", re.I)
    out, state = [], True
    for start, _end in doc.sentences:
        m = rx.match(doc.norm, start)
        if m:
            state = m.group("bg") is None
        out.append(state)
    return out


def source_ratings(text_doc: Document | None, by_outcome: Mapping[str, str]) -> OutcomeIndex:
    """Outcome words of the source's certainty statements (text) and outcome names (JSON)."""
    index = OutcomeIndex()
    for name, level in by_outcome.items():
        index.add(name, Rating(level, f"the source rates {name!r} as {level} certainty"))
    if text_doc is not None:
        for start, end, level in declarations(text_doc):
            s0, s1 = text_doc.sentence_span(start)
            index.add(
                text_doc.norm[s0:s1], Rating(level, f"the source states {level} certainty ('{text_doc.plain[start:end]}')")
            )
    return index


def check_certainty(
    doc: Document,
    claims: Sequence[Claim],
    *,
    default: str | None = None,
    by_claim: Mapping[int, str] | None = None,
    by_outcome: Mapping[str, str] | None = None,
    source: OutcomeIndex | None = None,
    in_findings: Sequence[bool] | None = None,
) -> list[Finding]:
    """Certainty wording against the GRADE level known for each sentence."""
    by_claim = by_claim or {}
    index = ClaimIndex(doc, claims)
    sections = list(in_findings) if in_findings is not None else findings_sections(doc)
    decl = declarations(doc)
    stated = OutcomeIndex()
    for start, end, level in decl:
        s0, s1 = doc.sentence_span(start)
        stated.add(doc.norm[s0:s1], Rating(level, f"the summary states {level} certainty ('{doc.plain[start:end]}')"))
    mapping = OutcomeIndex()
    for name, level in (by_outcome or {}).items():
        mapping.add(name, Rating(level, f"{name!r} is rated {level} certainty"))
    decl_by_sentence: dict[int, list[tuple[int, int, str]]] = {}
    for item in decl:
        decl_by_sentence.setdefault(doc.sentence_index(item[0]), []).append(item)
    out: list[Finding] = []
    for k, sent in enumerate(doc.sentences):
        if not sections[k]:
            continue
        rating = _rating(doc, k, sent, decl_by_sentence, index, by_claim, stated, source, mapping, default)
        if rating is None or rating.level not in CERTAINTY_RANK:
            continue
        claim_idx = next((i for i, _c in index.by_sentence.get(k, [])), None)
        out.extend(_words(doc, sent, rating, claim_idx, index))
    return out


def _rating(
    doc: Document,
    k: int,
    sent: tuple[int, int],
    decl_by_sentence: Mapping[int, list[tuple[int, int, str]]],
    index: ClaimIndex,
    by_claim: Mapping[int, str],
    stated: OutcomeIndex,
    source: OutcomeIndex | None,
    mapping: OutcomeIndex,
    default: str | None,
) -> Rating | None:
    own = decl_by_sentence.get(k)
    if own:
        level = max((lv for _s, _e, lv in own), key=lambda v: CERTAINTY_RANK[v])
        return Rating(level, f"this sentence states {level} certainty ('{doc.plain[own[0][0] : own[0][1]]}')")
    for i, _c in index.by_sentence.get(k, []):
        if i in by_claim:
            return Rating(by_claim[i], f"the source result these numbers come from is rated {by_claim[i]} certainty")
    text = doc.norm[sent[0] : sent[1]]
    for idx in (stated, source, mapping):
        if idx is None:
            continue
        hits = [r for r in idx.lookup(text) if isinstance(r, Rating)]
        if hits:
            return max(hits, key=lambda r: CERTAINTY_RANK[r.level])
    if default is not None:
        return Rating(default, f"the evidence is rated {default} certainty")
    return None


def _words(doc: Document, sent: tuple[int, int], rating: Rating, claim_idx: int | None, index: ClaimIndex) -> list[Finding]:
    norm = doc.norm
    rank = CERTAINTY_RANK[rating.level]
    out: list[Finding] = []
    flagged_until = -1
    lex = lexicon.load("certainty")
    not_after = lexicon.regex("certainty", "claims", "not_definitive_after")
    if rank < 4:
        for m in lexicon.regex("certainty", "claims", "definitive").finditer(norm, sent[0], sent[1]):
            if _NEG_RE.search(norm, max(sent[0], m.start() - 12), m.start()) or not_after.match(norm, m.end() + 1):
                continue
            said = doc.plain[m.start() : m.end()]
            flagged_until = m.end() + 25
            out.append(
                Finding(
                    "error",
                    "certainty_language",
                    m.start(),
                    m.end(),
                    f'{rating.origin[0].upper()}{rating.origin[1:]}; "{said}" states high certainty. '
                    f'GRADE wording for {rating.level} certainty is "{_WORDING[rank]}".',
                    claim_idx,
                )
            )
    base = set(lex["claims"]["base_forms"])
    for m in lexicon.regex("certainty", "claims", "verbs").finditer(norm, sent[0], sent[1]):
        if m.start() <= flagged_until:
            continue
        c0, _c1 = index.clause(m.start())
        before = norm[max(c0, m.start() - 100) : m.start()]
        strength = 4
        for level, value in (("very low", 1), ("low", 2), ("moderate", 3)):
            if lexicon.regex("certainty", "hedges", level).search(before):
                strength = min(strength, value)
        verb = re.sub(r"\s+", " ", m.group(0).lower())
        if strength == 4 and verb in base:
            continue  # an infinitive or plural without a hedge: not a claim about the effect
        if _NEG_RE.search(before[-15:]) or re.match(r"\s+little\s+(?:or|to)\s+no\b", norm[m.end() : m.end() + 20], re.I):
            continue
        if strength > rank:
            said = doc.plain[m.start() : m.end()]
            severity: Severity = "error" if strength - rank >= 2 else "warning"
            states = {4: "high", 3: "moderate", 2: "low"}[strength]
            out.append(
                Finding(
                    severity,
                    "certainty_language",
                    m.start(),
                    m.end(),
                    f'{rating.origin[0].upper()}{rating.origin[1:]}; "{said}" states {states} certainty. '
                    f'GRADE wording for {rating.level} certainty is "{_WORDING[rank]}".',
                    claim_idx,
                )
            )
    return out
