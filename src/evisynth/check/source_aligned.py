"""A count said in the source's own words with another number ("Five studies investigated other
minor painful procedures" where the source has "15 investigated other minor painful procedures").

Counts in a summary sentence that reports no result (a subset of the studies, a total) cannot be
checked against the list of numbers a source writes: a source writes many numbers, and the wrong
one may be among them. Here the clause around the count is matched to the source clause that says
the same thing, by content words (:func:`evisynth.check.context.content_words`, less the words
either text uses everywhere). When one source clause shares most of the summary clause's words,
gives a count of the same kind and no source clause of that kind carries the summary's number, the
numbers disagree (``count_mismatch``).

>>> from evisynth.check.source_facts import load
>>> from evisynth.check.extract import extract_claims
>>> from evisynth.check.text import make_document
>>> facts = load("We included 55 trials. Heel lance was used in 50 trials; 15 investigated other minor painful procedures.")
>>> doc = make_document("Five studies investigated other minor painful procedures in addition to heel lance.")
>>> claim = extract_claims(doc)[0]
>>> [(f.kind, doc.plain[f.start : f.end]) for f in check_aligned_counts(0, claim, facts)]
[('count_mismatch', 'Five')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evisynth.check.context import clause_spans, common_words, content_words
from evisynth.check.model import Claim, Finding, Num
from evisynth.check.patterns import NUMBER_WORD_PATTERN, word_number
from evisynth.check.source_facts import SourceFacts
from evisynth.check.text import Document

#: Clause ends: sentence punctuation, semicolons, colons, brackets, and a comma before a new count
#: ("29 included term neonates, 22 included preterm neonates, and four included both").
_CUT_RE = re.compile(
    r"[;:!?()\[\]\n]|\.(?!\d)|,(?=\s+(?:and\s+|or\s+|while\s+|whereas\s+)?(?:\d|" + NUMBER_WORD_PATTERN + r")\b)"
    # "three studies that assessed A and 11 studies that assessed B": a new count of studies
    r"|\s(?:and|while|whereas)(?=\s+(?:\d+|" + NUMBER_WORD_PATTERN + r")\s+(?:studies|trials|RCTs)\b)",
    re.I,
)
_COUNT_RE = re.compile(
    r"(?<![\w.,\-–])(?P<n>\d{1,3}(?:,\d{3})+|\d+|" + NUMBER_WORD_PATTERN + r")(?![\w.,]*\d)(?!\s?%)"
    r"(?:\s+(?P<next>[A-Za-z][\w-]*))?",
    re.I,
)
_STUDY_NOUN = r"(?:studies|study|trials?|RCTs?|articles|reports|papers|cohorts)"
_PERSON_NOUN = (
    r"(?:participants|patients|subjects|people|persons|individuals|women|men|children|adults|infants|babies"
    r"|neonates|newborns|survivors|volunteers|cases|girls|boys|mothers|families|students|workers)"
)
_ADJ = r"(?:[a-z-]+\s+){0,3}"
_NOUN_AFTER = {
    "n_studies": re.compile(r"\s+" + _ADJ + _STUDY_NOUN + r"\b", re.I),
    "n_participants": re.compile(r"\s+" + _ADJ + _PERSON_NOUN + r"\b", re.I),
}
#: A count whose noun is left out, followed by its verb ("15 investigated", "four included both").
_ELIDED_VERB_RE = re.compile(
    r"\s+(?:[a-z]+ed|had|have|has|were|was|did|used|showed|found|took|gave|looked|reported)\b", re.I
)
_APPROX_RE = re.compile(
    r"\b(?:over|more\s+than|about|approximately|around|nearly|almost|at\s+least|up\s+to|fewer\s+than|less\s+than"
    r"|some|roughly|~)\s*$",
    re.I,
)
_NUMBER_WORDS = re.compile(r"^(?:" + NUMBER_WORD_PATTERN + r")$", re.I)
#: Shared words needed, and the share of the summary clause's words they must make up.
MIN_SHARED = 3
MIN_SHARE = 0.6
#: When the words a text uses everywhere are all a clause has (its intervention and comparators, as
#: when two comparisons differ only by their comparator), the clause is matched with them, more strictly.
MIN_SHARED_COMMON = 4
MIN_SHARE_COMMON = 0.5


@dataclass(frozen=True)
class _Clause:
    words: frozenset[str]
    #: with the words the source uses everywhere
    all_words: frozenset[str]
    counts: dict[str, frozenset[int]]
    numbers: frozenset[int]


def _clauses(doc: Document) -> list[tuple[int, int]]:
    return clause_spans(doc, _CUT_RE)


def _value(text: str) -> int:
    return word_number(text) if _NUMBER_WORDS.match(text) else int(text.replace(",", ""))


def _counts_in(norm: str, start: int, end: int) -> tuple[dict[str, frozenset[int]], frozenset[int]]:
    """Counts of each kind in a clause (a noun after the number, or a verb where the noun is left
    out) and every whole number in it."""
    kinds: dict[str, set[int]] = {"n_studies": set(), "n_participants": set()}
    numbers = set()
    for m in _COUNT_RE.finditer(norm, start, end):
        value = _value(m.group("n"))
        numbers.add(value)
        after = norm[m.end("n") : min(end, m.end("n") + 60)]
        for kind, rx in _NOUN_AFTER.items():
            if rx.match(after):
                kinds[kind].add(value)
        if _ELIDED_VERB_RE.match(after):
            for found in kinds.values():
                found.add(value)
    return {k: frozenset(v) for k, v in kinds.items()}, frozenset(numbers)


def _words(text: str, common: frozenset[str]) -> frozenset[str]:
    # all the clause's words, verbs included ("15 investigated other minor painful procedures"): a clause is
    # matched as a whole, not by the outcome it names
    return frozenset(w for w in content_words(text, outcome_only=False)
                     if w not in common and not _NUMBER_WORDS.match(w) and not w.isdigit())


#: the last source documents indexed, by identity (hashing a document would cost its length per lookup)
_INDEXED: list[tuple[Document, tuple[tuple[_Clause, ...], frozenset[str]]]] = []


def _source_index(doc: Document) -> tuple[tuple[_Clause, ...], frozenset[str]]:
    for seen, index in _INDEXED:
        if seen is doc:
            return index
    index = _build_index(doc)
    _INDEXED.insert(0, (doc, index))
    del _INDEXED[4:]
    return index


def _build_index(doc: Document) -> tuple[tuple[_Clause, ...], frozenset[str]]:
    common = common_words(doc)
    out = []
    previous = (0, 0)
    for start, end in _clauses(doc):
        counts, numbers = _counts_in(doc.norm, start, end)
        if numbers:
            words = _words(doc.norm[start:end], frozenset())
            if _in_brackets(doc.norm, start, previous):
                words |= _words(doc.norm[previous[0] : previous[1]], frozenset())
            out.append(_Clause(words - common, words, counts, numbers))
        previous = (start, end)
    return tuple(out), common


def _in_brackets(text: str, start: int, previous: tuple[int, int]) -> bool:
    """Whether the clause at ``start`` opens a bracket right after ``previous``, which it annotates
    ("prescribing (138 studies, 47%)": the count belongs to "prescribing")."""
    return start > 0 and text[start - 1] == "(" and text[previous[1] : start - 1].strip() == ""


def _clause_of(claim: Claim, num: Num) -> str:
    """The clause of the claim's sentence around ``num``, with the clause a bracket around it annotates."""
    pos = num.start - claim.sentence_start
    start, end = 0, len(claim.sentence)
    previous = (0, 0)
    for m in _CUT_RE.finditer(claim.sentence):
        if m.end() <= pos:
            previous = (start, m.start())
            start = m.end()
        elif m.start() >= pos + len(num.text):
            end = m.start()
            break
    text = claim.sentence[start:end]
    if _in_brackets(claim.sentence, start, previous):
        text = claim.sentence[previous[0] : previous[1]] + " " + text
    return text


def check_aligned_counts(i: int, claim: Claim, facts: SourceFacts) -> list[Finding]:
    """``count_mismatch`` for a count whose clause restates one source clause with another count.

    Parameters
    ----------
    i : int
        Index of the claim (findings point back to it).
    claim : Claim
        A claim of the summary; only counts outside results (no estimate, no CI) are judged.
    facts : SourceFacts
        The source; only a text source (``facts.doc``) has clauses to match.

    Returns
    -------
    list of Finding
        One error per count of studies or participants that disagrees.
    """
    if facts.doc is None or claim.is_result or claim.has_ci:
        return []
    clauses, common = _source_index(facts.doc)
    out: list[Finding] = []
    for field, noun in (("n_studies", "studies"), ("n_participants", "participants")):
        num = claim.num(field)
        if num is None or num.value <= 1:
            continue
        value = int(num.value)
        if _APPROX_RE.search(claim.sentence[: num.start - claim.sentence_start]):
            continue
        mine = _words(_clause_of(claim, num), common)
        need, share = MIN_SHARED, MIN_SHARE
        if len(mine) < MIN_SHARED:  # only the words used everywhere name what the count is of
            mine = _words(_clause_of(claim, num), frozenset())
            need, share = MIN_SHARED_COMMON, MIN_SHARE_COMMON
        scored = [(len(mine & (c.words if need == MIN_SHARED else c.all_words)), c) for c in clauses if c.counts[field]]
        if not scored:
            continue
        best = max(s for s, _c in scored)
        if best < need or best < share * len(mine):
            continue
        near = [c for s, c in scored if s >= best - 1]
        if any(value in c.numbers for c in near):
            continue
        top = [c for s, c in scored if s == best]
        said = sorted({n for c in top for n in c.counts[field]})
        out.append(
            Finding(
                "error",
                "count_mismatch",
                num.start,
                num.end,
                f"The summary gives {value} {noun} here; the source says the same in its own words with "
                f"{', '.join(map(str, said))}.",
                i,
            )
        )
    return out
