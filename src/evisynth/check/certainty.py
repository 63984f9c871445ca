"""Certainty wording against the GRADE rating (Santesso et al. 2020, GRADE guidelines 26).

GRADE wording: high "reduces", moderate "probably reduces", low "may reduce", very low "we
are very uncertain whether ... reduces". Wording one step stronger than the rating is a
warning; two or more steps, or words that claim certainty ("clearly", "proven", "works",
"demonstrates") below high certainty, an error. Background, objectives and methods sections
are not held to it. All words: ``lexicons/certainty.toml``.

The rating of a sentence is, in order: stated in the sentence ("moderate-certainty
evidence", "⊕⊕◯◯"); the rating of the source result its numbers were traced to; the rating
stated in the source or, failing that, in the summary for the outcome it names (matched by outcome
words; when the two disagree the source is the authority); an outcome name from the ``certainty``
mapping; the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from evisynth.check import lexicon
from evisynth.check.certainty_scope import (
    coordinated_outcomes,
    list_adjective,
    no_evidence_that,
    not_a_statement,
    not_found_effect,
    operative_before,
    plural_subject,
    raised,
    used_otherwise,
)
from evisynth.check.claim_scope import (
    hedge_window_start,
    list_item_verb,
    not_an_effect_claim,
    not_definitive,
)
from evisynth.check.context import ClaimIndex, OutcomeIndex
from evisynth.check.model import Claim, Finding, Severity
from evisynth.check.source_wording import Hedged, hedged_claims, match
from evisynth.check.text import Document

CERTAINTY_RANK: dict[str, int] = {k: int(v) for k, v in lexicon.load("certainty")["levels"].items()}
#: Certainty statements about other outcomes that score at least this share of the best match also
#: count, and the most lenient of them applies: a sentence sharing the intervention's and comparator's
#: words with one statement and the outcome's words with another is not held to the first alone.
NEAR = 0.6
_WORDING = {4: "reduces", 3: "probably reduces", 2: "may reduce", 1: "we are very uncertain whether ... reduces"}
LEVEL_WORD_RE = re.compile(r"very[\s-]+low|low|moderate|high", re.I)
_NEITHER_RE = re.compile(r"\bneither\b", re.I)
_NEG_RE = re.compile(r"\b(?:no|not|nor|without|lack\w*|insufficient|little)\b|n't\b", re.I)
_ARTICLE_RE = re.compile(r"\s+(?:the|a|an)\s+", re.I)
_DEF_NEG_RE = re.compile(r"\b(?:no|not|nor|cannot|without|lack\w*|insufficient|little)\b|n't\b", re.I)


@dataclass(frozen=True)
class Rating:
    """A certainty level and where it was read (for the message)."""

    level: str
    origin: str
    #: False when the rating was inferred by matching the claim's outcome words to the source's, or is
    #: only the highest rating stated anywhere: a finding against it is a prompt (warning), never an
    #: error, unless a word such as "clearly" claims high certainty outright.
    direct: bool = True


@cache
def _symbols_re() -> re.Pattern[str]:
    lex = lexicon.load("certainty")["declared"]
    filled = "".join(re.escape(c) for c in lex["symbols_filled"])
    empty = "".join(re.escape(c) for c in lex["symbols_empty"] if c != "O")
    return re.compile(f"[{filled}][{filled}{empty}O]{{3}}(?![A-Za-z])")


def _level_of(text: str) -> str | None:
    levels = [re.sub(r"[\s-]+", " ", w.lower()) for w in LEVEL_WORD_RE.findall(text)]
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
    generic = "|".join(h.replace(" ", r"\s+") for h in lex["background_heading_starts"])
    # a question opens a background section only as a heading: on its own line
    question = rf"(?P<bg2>(?:{generic})[^\n]{{0,100}}(?:\?[ \t*_#]*(?:\n|$)|\n|$))"
    end = r"\s*\**\s*(?::|\?|\n|$)"
    rx = re.compile(rf"[#*\s]*(?:(?P<bg>{heads}){end}|(?:{finds}){end}|{question})", re.I)
    out, state = [], True
    for start, _end in doc.sentences:
        m = rx.match(doc.norm, start)
        if m:
            state = m.group("bg") is None and m.group("bg2") is None
        out.append(state)
    return out


def keyed_declarations(doc: Document) -> list[tuple[str, int, int, str]]:
    """Each certainty statement with the words it qualifies: the text since the previous statement
    in its sentence ("... and the need for silicone oil (RR 0.46 ...; very low-certainty evidence)")."""
    out = []
    last_end: dict[int, int] = {}
    for start, end, level in declarations(doc):
        s0, _s1 = doc.sentence_span(start)
        begin = max(s0, last_end.get(s0, s0), start - 400)
        last_end[s0] = end
        out.append((doc.norm[begin:end], start, end, level))
    return out


def source_ratings(text_doc: Document | None, by_outcome: Mapping[str, str]) -> OutcomeIndex:
    """Outcome words of the source's certainty statements (text) and outcome names (JSON)."""
    index = OutcomeIndex()
    for name, level in by_outcome.items():
        index.add(name, Rating(level, f"the source rates {name!r} as {level} certainty"))
    if text_doc is not None:
        found = keyed_declarations(text_doc)
        for key, start, end, level in found:
            index.add(key, Rating(level, f"the source states {level} certainty ('{text_doc.plain[start:end]}')"))
        levels = {level for _k, _s, _e, level in found}
        if len(levels) == 1 and not by_outcome:
            only = levels.pop()
            index.uniform = Rating(only, f"the source rates all its evidence {only} certainty")
        elif levels and not by_outcome:
            top = max(levels, key=lambda v: CERTAINTY_RANK[v])
            index.ceiling = Rating(top, f"the source rates none of its evidence above {top} certainty")
    return index


class _Rater:
    """The GRADE rating that applies at a position of the summary (see the module docstring)."""

    def __init__(
        self,
        doc: Document,
        index: ClaimIndex,
        by_claim: Mapping[int, str],
        by_outcome: Mapping[str, str],
        source: OutcomeIndex | None,
        default: str | None,
        hedged: Sequence[Hedged] = (),
    ) -> None:
        self.doc, self.index, self.by_claim, self.source, self.default = doc, index, by_claim, source, default
        self.hedged = hedged
        self.stated = OutcomeIndex()
        self.decl_by_sentence: dict[int, list[tuple[int, int, str]]] = {}
        found = keyed_declarations(doc)
        for key, start, end, level in found:
            self.stated.add(key, Rating(level, f"the summary states {level} certainty ('{doc.plain[start:end]}')"))
            self.decl_by_sentence.setdefault(doc.sentence_index(start), []).append((start, end, level))
        own = {level for _k, _s, _e, level in found}
        if len(own) == 1 and source is None and default is None:
            only = next(iter(own))
            self.stated.uniform = Rating(only, f"the summary rates all its evidence {only} certainty")
        elif own and source is None and default is None:
            top = max(own, key=lambda v: CERTAINTY_RANK[v])
            self.stated.ceiling = Rating(top, f"the summary rates none of its evidence above {top} certainty")
        self.mapping = OutcomeIndex()
        for name, level in by_outcome.items():
            self.mapping.add(name, Rating(level, f"{name!r} is rated {level} certainty"))

    def at(self, pos: int, strict: bool = False) -> Rating | None:
        """The rating at ``pos``; ``strict``: for a word claiming certainty for every outcome it covers
        ("clearly reduces early and late bleeding"), the lowest of the best-matching ratings."""
        doc = self.doc
        k = doc.sentence_index(pos)
        # a line break ends a list item or table row even where no full stop ends the sentence
        own = [d for d in self.decl_by_sentence.get(k, []) if "\n" not in doc.norm[min(d[1], pos) : max(d[0], pos)]]
        if own:  # the statement that follows the word in its sentence, else the last before it
            start, end, level = next((d for d in own if d[0] >= pos), own[-1])
            return Rating(level, f"this sentence states {level} certainty ('{doc.plain[start:end]}')")
        for i, _c in self.index.by_sentence.get(k, []):
            if i in self.by_claim:
                level = self.by_claim[i]
                return Rating(level, f"the source result these numbers come from is rated {level} certainty")
        sent = doc.sentence_span(pos)
        _c0, c1 = self.index.clause(pos)
        for text in (doc.norm[pos : min(c1, pos + 100)], doc.norm[sent[0] : sent[1]]):
            for idx in (self.source, self.stated, self.mapping):
                if idx is None:
                    continue
                hits = [r for r in idx.lookup(text, near=1.0 - 1e-9 if strict else NEAR) if isinstance(r, Rating)]
                if hits:
                    pick = min if strict else max
                    best = pick(hits, key=lambda r: CERTAINTY_RANK[r.level])
                    # a source outcome matched only by words several outcomes share is a guess
                    weak = idx is self.source and not idx.lookup(text, min_score=1.0, near=1.0)
                    return replace(best, direct=False) if weak else best
        said = match(doc.norm, pos, self.hedged)   # the source's own hedge for this statement
        if said is not None:
            return Rating(said.level, f"the source words this finding as '{said.quote}' ({said.level} certainty)")
        for idx in (self.source, self.stated):
            if idx is not None and isinstance(idx.uniform, Rating):
                return idx.uniform
        if self.default is not None:
            return Rating(self.default, f"the evidence is rated {self.default} certainty")
        # no rating for this outcome: the highest rating stated anywhere bounds every claim
        for idx in (self.source, self.stated):
            if idx is not None and isinstance(idx.ceiling, Rating):
                return replace(idx.ceiling, direct=False)
        return None


def check_certainty(
    doc: Document,
    claims: Sequence[Claim],
    *,
    default: str | None = None,
    by_claim: Mapping[int, str] | None = None,
    by_outcome: Mapping[str, str] | None = None,
    source: OutcomeIndex | None = None,
    in_findings: Sequence[bool] | None = None,
    source_doc: Document | None = None,
) -> list[Finding]:
    """Certainty wording against the GRADE level that applies where each word stands."""
    index = ClaimIndex(doc, claims)
    sections = list(in_findings) if in_findings is not None else findings_sections(doc)
    hedged = hedged_claims(source_doc) if source_doc is not None else []
    rater = _Rater(doc, index, by_claim or {}, by_outcome or {}, source, default, hedged)
    out: list[Finding] = []
    for k, sent in enumerate(doc.sentences):
        if sections[k] and not doc.norm[sent[0] : sent[1]].rstrip(" \n*_#").endswith("?"):  # a question claims nothing
            claim_idx = next((i for i, _c in index.by_sentence.get(k, [])), None)
            out.extend(_words(doc, sent, rater, claim_idx, index))
    return out


def _comparative_results(
    doc: Document, sent: tuple[int, int], rater: _Rater, claim_idx: int | None, index: ClaimIndex, flagged: set[int]
) -> list[Finding]:
    """ "Women on the pill had less severe symptoms than ...": a plain-language effect stated as fact."""
    norm = doc.norm
    out: list[Finding] = []
    people = lexicon.regex("certainty", "claims", "people_subjects")
    comparators = lexicon.regex("certainty", "claims", "comparators")
    for m in lexicon.regex("certainty", "claims", "comparative_results").finditer(norm, sent[0], sent[1]):
        if any(m.start() <= f < m.end() + 25 for f in flagged):
            continue
        c0, c1 = index.clause(m.start())
        before = norm[max(c0, m.start() - 250) : m.start()]
        if _NEG_RE.search(before[-15:]) or re.search(r"\b(?:study|studies|trial|trials)\s+$", before, re.I):
            continue  # "one study reported higher ...": a single study's report
        if any(lexicon.regex("certainty", "hedges", lv).search(before) for lv in ("very low", "low", "moderate")):
            continue  # hedged wording is judged by the verbs above
        if lexicon.regex("certainty", "hedges", "very low").search(norm, m.end(), sent[1]):
            continue
        if not (people.search(before) or comparators.search(norm, m.end(), c1)):
            continue
        rating = rater.at(m.start())
        if rating is None or CERTAINTY_RANK.get(rating.level, 4) >= 4:
            continue
        rank = CERTAINTY_RANK[rating.level]
        said = doc.plain[m.start() : m.end()]
        severity: Severity = "error" if 4 - rank >= 2 and rating.direct else "warning"
        out.append(Finding(severity, "certainty_language", m.start(), m.end(), _message(rating, said, "high"), claim_idx))
    return out


def _message(rating: Rating, said: str, states: str) -> str:
    rank = CERTAINTY_RANK[rating.level]
    return (
        f'{rating.origin[0].upper()}{rating.origin[1:]}; "{said}" states {states} certainty. '
        f'GRADE wording for {rating.level} certainty is "{_WORDING[rank]}".'
    )


def _words(doc: Document, sent: tuple[int, int], rater: _Rater, claim_idx: int | None, index: ClaimIndex) -> list[Finding]:
    norm = doc.norm
    out: list[Finding] = []
    flagged: set[int] = set()
    flagged_until = -1
    lex = lexicon.load("certainty")
    not_after = lexicon.regex("certainty", "claims", "not_definitive_after")
    for m in lexicon.regex("certainty", "claims", "definitive").finditer(norm, sent[0], sent[1]):
        c0 = index.clause(m.start())[0]  # "no difference was demonstrated", "cannot be clearly determined"
        nxt = _ARTICLE_RE.match(norm, m.end())
        if _DEF_NEG_RE.search(norm, max(sent[0], c0, m.start() - 30), m.start()) or not_after.match(
            norm, nxt.end() if nxt else m.end() + 1
        ):
            continue
        if not_a_statement(norm, m, index.clause(m.start())):
            continue
        if not_definitive(norm, m, c0):
            continue
        rating = rater.at(m.start(), strict=True)
        if rating is None or CERTAINTY_RANK.get(rating.level, 4) >= 4:
            continue
        flagged_until = m.end() + 25
        said = doc.plain[m.start() : m.end()]
        out.append(Finding("error", "certainty_language", m.start(), m.end(), _message(rating, said, "high"), claim_idx))
    base = set(lex["claims"]["base_forms"])
    not_subjects = frozenset(lex["claims"]["not_plural_subjects"])
    possibility = lexicon.regex("certainty", "claims", "possibility")
    for m in lexicon.regex("certainty", "claims", "verbs").finditer(norm, sent[0], sent[1]):
        if m.start() <= flagged_until:
            continue
        c0, _c1 = index.clause(m.start())
        before = norm[max(hedge_window_start(norm, sent[0], c0, m.start()), m.start() - 250) : m.start()]
        after = norm[m.end() : sent[1]]  # "..., but the evidence is very uncertain"
        strength = 3 if possibility.fullmatch(m.group(0)) else 4
        caveat = lexicon.regex("certainty", "hedges", "very low").search(after) is not None
        hedge_rxs = [lexicon.regex("certainty", "hedges", level) for level in ("very low", "low", "moderate")]
        operative = operative_before(before, hedge_rxs)
        for rx, value in zip(hedge_rxs, (1, 2, 3), strict=True):
            if rx.search(operative):
                strength = min(strength, value)
        if caveat:
            # "may improve Y, but the evidence is very uncertain" is the GRADE wording for very low
            # certainty; "improves Y, but the evidence is very uncertain" still asserts the effect
            strength = 1 if strength <= 2 else 2
        verb = re.sub(r"\s+", " ", m.group(0).lower())
        lifted = raised(norm, m.start())  # "likely to reduce", "was found to improve", "found to be effective"
        subject = plural_subject(norm, m.start(), not_subjects) or list_item_verb(norm, m.start())
        if strength == 4 and verb in base and not lifted and not subject:
            continue  # an infinitive or plural without a hedge: not a claim about the effect
        if _NEG_RE.search(before[-15:]) or _NEITHER_RE.search(before[-40:]):
            continue  # "did not reduce", "neither treatment may be better than the other"
        if (used_otherwise(norm, m) and not lifted) or list_adjective(norm, m.start(), c0) or not_found_effect(before):
            continue
        if no_evidence_that(before):
            continue
        if not_an_effect_claim(norm, m.start(), m.end(), sent, c0):
            continue
        if re.search(r"\bor\s+$", before[-6:]) and re.search(r"\b(?:whether|if)\b", norm[sent[0] : m.start()], re.I):
            continue  # "we were unsure whether A improved X, or led to Y": still inside the "whether"
        said = doc.plain[m.start() : m.end()]
        out.extend(_coordinated(doc, index, rater, m, said, strength))
        rating = rater.at(m.start())
        if rating is None or rating.level not in CERTAINTY_RANK:
            continue
        rank = CERTAINTY_RANK[rating.level]
        if strength > rank:
            severity: Severity = "error" if strength - rank >= 2 and rating.direct else "warning"
            states = {4: "high", 3: "moderate", 2: "low"}[strength]
            out.append(
                Finding(severity, "certainty_language", m.start(), m.end(), _message(rating, said, states), claim_idx)
            )
            flagged.add(m.start())
    out.extend(_comparative_results(doc, sent, rater, claim_idx, index, flagged))
    return out


def _coordinated(
    doc: Document, index: ClaimIndex, rater: _Rater, m: re.Match[str], said: str, strength: int
) -> list[Finding]:
    """Later results one verb covers ("reduce A (...; high-certainty) and B (...; very low-certainty)"),
    judged against the certainty stated for each."""
    out: list[Finding] = []
    decls = rater.decl_by_sentence.get(doc.sentence_index(m.start()), [])
    if len(decls) < 2:
        return out
    for start, end, level, j in coordinated_outcomes(doc, index, m.end(), index.clause(m.start()), decls):
        rank = CERTAINTY_RANK[level]
        if strength > rank:
            words = doc.plain[start:end]
            rating = Rating(level, f"this sentence rates {words!r} as {level} certainty")
            states = {4: "high", 3: "moderate", 2: "low"}[strength]
            severity: Severity = "error" if strength - rank >= 2 else "warning"
            out.append(
                Finding(severity, "certainty_language", start, end, _message(rating, f"{said} ... {words}", states), j)
            )
    return out
