"""What a certainty verb covers, and how strongly it is hedged (split from :mod:`evisynth.check.certainty`).

* :func:`operative_before`: in "our findings suggest that repellents probably make little or no
  difference", the hedge on the claim is "probably"; "suggest that" frames the report. When the
  clause after the last "that" carries its own hedge, only that part counts.
* :func:`list_adjective`: "is associated with lower incidence of pain, reduced LA consumption, and
  ...": "reduced" describes an item of a list, it is not a verb with a subject.
* :func:`used_otherwise`, :func:`not_a_statement`, :func:`not_found_effect`: a verb or a definitive
  word that states no finding ("an increased risk", "to establish whether", "this may have resulted
  in", "to find out if X is effective", "X is a medicine that helps reduce inflammation").
* :func:`coordinated_outcomes`: "Anti-VEGFs reduce retinal breaks (...; high-certainty evidence) and
  the need for silicone oil (...; very low-certainty evidence)": one verb covers every result
  joined to the first by "and", each with its own certainty statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from evisynth.check import lexicon
from evisynth.check.context import ClaimIndex
from evisynth.check.text import Document

_THAT_RE = re.compile(r"\bthat\b", re.I)
_LIST_BEFORE_RE = re.compile(r"(?:,|\band)\s*$", re.I)
_WITH_RE = re.compile(r"\bwith\b", re.I)
#: Between two coordinated results: "and" outside brackets, nothing that turns the sentence.
_AND_RE = re.compile(r"^[^()]*?\band\b[^()]*$", re.I)
_TURN_RE = re.compile(r"\b(?:but|whereas|while|although|though|however|not|no|nor|except|unlike|compared)\b", re.I)


def operative_before(before: str, hedge_rxs: Sequence[re.Pattern[str]]) -> str:
    """The words before a verb whose hedges apply to it.

    After a result closed by its own certainty statement ("probably reduces falls (...;
    moderate-certainty evidence) and reduces fractures"), none: those hedges belong to the first
    result. After the last "that", that part when it is hedged itself ("findings suggest that X
    probably reduces"); else all of them, except a certainty statement before the "that"
    ("moderate-certainty evidence indicates that X reduces" states the effect as certain).
    """
    if _RATED_BRACKET_RE.search(before):
        return ""
    cut = [m.end() for m in _THAT_RE.finditer(before)]
    if not cut:
        return before
    tail = before[cut[-1] :]
    if any(rx.search(tail) for rx in hedge_rxs):
        return tail
    return lexicon.regex("certainty", "declared", "phrases").sub(" ", before[: cut[-1]]) + tail


#: The words before a verb end with a bracket that states a certainty, then "and": a new claim.
_RATED_BRACKET_RE = re.compile(
    r"\([^()]*(?:certainty|quality|[⊕⨁●])[^()]*\)\s*[,;]?\s*(?:and|but|while|whereas)?\s*(?:also\s+)?$", re.I
)
#: "likely to reduce", "was found to significantly improve": a raising verb, "to" and the base form.
_TO_BEFORE_RE = re.compile(r"\bto\s+(?:[a-z]+ly\s+)?$", re.I)
#: "no clear evidence that X improves": the verb is inside a negated report of the evidence.
_NO_EVIDENCE_RE = re.compile(
    r"\b(?:no|little|insufficient|not\s+enough|limited|weak)\s+(?:[a-z]+\s+){0,2}evidence\s+(?:to\s+(?:show|suggest)\s+)?that\b[^.;()]{0,80}$",
    re.I,
)


def raised(norm: str, start: int) -> bool:
    """ "is likely to reduce", "was found to improve", "appears to work": a base form that states the
    effect through a raising verb (``claims.raising_verbs``), not an infinitive of purpose."""
    m = _TO_BEFORE_RE.search(norm, max(0, start - 30), start)
    if m is None:
        return False
    prev = _WORD_BEFORE_RE.search(norm, max(0, m.start() - 30), m.start())
    return prev is not None and lexicon.regex("certainty", "claims", "raising_verbs").fullmatch(prev.group(1)) is not None


def no_evidence_that(before: str) -> bool:
    """ "We found no clear evidence that ginkgo improves memory": no claim of an effect."""
    return _NO_EVIDENCE_RE.search(before[-160:]) is not None


def list_adjective(norm: str, start: int, clause_start: int) -> bool:
    """A participle that starts an item of a list hanging on "with" ("associated with lower X,
    reduced Y"): an adjective, not a verb."""
    word = re.match(r"[A-Za-z]+", norm[start:])
    if word is None or not word.group(0).lower().endswith("ed"):
        return False  # "and improves maternal satisfaction" is a verb
    before = norm[max(clause_start, start - 150) : start]
    return _LIST_BEFORE_RE.search(before) is not None and _WITH_RE.search(before) is not None


def coordinated_outcomes(
    doc: Document,
    index: ClaimIndex,
    verb_end: int,
    clause: tuple[int, int],
    declarations: Sequence[tuple[int, int, str]],
) -> list[tuple[int, int, str, int]]:
    """Results after the first one a verb covers, joined to it by "and", each with the certainty
    stated for it.

    Returns ``(start, end, level, claim index)`` per later result: the span is its outcome words
    (from the "and" to its numbers), ``level`` the certainty stated inside its brackets.
    """
    norm = doc.norm
    k = doc.sentence_index(verb_end)
    results = [(i, c) for i, c in index.by_sentence.get(k, []) if verb_end <= c.start < clause[1] and c.is_result]
    if len(results) < 2:
        return []
    out: list[tuple[int, int, str, int]] = []
    prev_end = results[0][1].end
    for i, c in results[1:]:
        close = norm.find(")", prev_end, c.start)
        if close < 0:  # "(12% versus 31%, RR 0.37, 95% CI ...": the same result's bracket
            prev_end = c.end
            continue
        gap_start = close + 1
        opened = norm.rfind("(", gap_start, c.start)
        gap = norm[gap_start : opened if opened >= 0 else c.start]
        if not _AND_RE.match(gap.strip(" ;,")) or _TURN_RE.search(gap):
            break
        if lexicon.regex("certainty", "claims", "verbs").search(gap):
            break  # "reduces falls (...) and may reduce fractures (...)": the second result has its own verb
        bracket_end = norm.find(")", c.end)
        level = next((lv for s, _e, lv in declarations if c.start <= s <= max(bracket_end, c.end)), None)
        prev_end = c.end
        if level is None:
            continue
        words = gap.strip()
        lead = gap_start + (len(gap) - len(gap.lstrip()))
        if words:
            out.append((lead, lead + len(words), level, i))
    return out


def plural_subject(norm: str, start: int, not_subjects: frozenset[str]) -> bool:
    """ "Anti-VEGFs reduce", "Statins lower": a base-form verb after a plural noun states an effect
    (unlike "to reduce", "trials that reduce", "helps reduce")."""
    prev = _WORD_BEFORE_RE.search(norm, max(0, start - 40), start)
    if prev is None:
        return False
    word = prev.group(1).lower()
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in not_subjects


@cache
def _word_sets() -> tuple[frozenset[str], frozenset[str]]:
    lex = lexicon.load("certainty")["claims"]
    return frozenset(lex["not_after_words"]), frozenset(lex["not_before_words"])


_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)[\s,]*$")
_WORD_AFTER_RE = re.compile(r"\s*([A-Za-z]+)")


def used_otherwise(norm: str, m: re.Match[str]) -> bool:
    """ "an increased risk", "with reduced pain", "caused by", "works at": not a claim about an effect."""
    not_after, not_before = _word_sets()
    prev = _WORD_BEFORE_RE.search(norm, max(0, m.start() - 20), m.start())
    nxt = _WORD_AFTER_RE.match(norm, m.end())
    copula = m.group(0).lower().startswith(("is ", "are ", "was ", "were "))
    return bool(
        (prev and prev.group(1).lower() in not_after and not copula)
        or (nxt and nxt.group(1).lower() in not_before and not (copula and nxt.group(1).lower() == "at"))
        or _ABOUT_CONFIDENCE_RE.search(norm, max(0, m.start() - 40), min(len(norm), m.end() + 20))
    )


#: "This decreases our confidence", "our confidence in the effects is reduced": about the evidence, not an effect
_ABOUT_CONFIDENCE_RE = re.compile(r"\bour\s+(?:confidence|certainty|trust)\b|\bconfidence\s+in\b", re.I)


def not_a_statement(norm: str, m: re.Match[str], clause: tuple[int, int]) -> bool:
    """ "to establish whether", "demonstrating", "report their methods clearly", "clearly ... likely":
    not a definitive statement about the evidence."""
    word = m.group(0).lower()
    if word.endswith("ing") or re.search(r"\bto\s+$", norm[max(0, m.start() - 5) : m.start()]):
        return True
    if re.search(r"\b(?:may|might|could|would|can|will)\s+(?:\w+\s+)?$", norm[max(0, m.start() - 20) : m.start()], re.I):
        return True  # "might either confirm or disprove"
    if re.match(r"\s*(?:[.,;:)]|$)|\s+(?:whether|if)\b", norm[m.end() : m.end() + 10]):
        return True
    rest = re.split(r",|\band\b|\bbut\b", norm[m.end() : min(clause[1], m.end() + 60)], maxsplit=1)[0]
    return re.search(r"\b(?:may|might|could|likely|probably|possibly|uncertain)\b", rest, re.I) is not None


_MAY_HAVE_RE = re.compile(r"\b(?:may|might|could|would)\s+have\s+$", re.I)
_IF_RE = re.compile(r"\bif\b", re.I)
#: "is a medicine that", "are drugs which": what something is (background), not what it was found to do
_DEFINITION_RE = re.compile(r"\b(?:is|are)\s+(?:a|an)?\s*[\w\s-]{1,40}?\b(?:that|which)\s+$", re.I)


def not_found_effect(before: str) -> bool:
    """The words before a verb make it no finding: what may have happened in the studies ("this may have
    resulted in"), a question ("to find out if X is effective"), a definition ("a medicine that helps reduce")."""
    return bool(
        _MAY_HAVE_RE.search(before[-25:]) or _IF_RE.search(before[-40:]) or _DEFINITION_RE.search(before[-80:])
    )
