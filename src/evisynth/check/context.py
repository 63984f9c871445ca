"""Where words meet numbers: claims by sentence and clause, and outcome words shared between sentences.

Everything here is built once per document and answers each lookup in (amortised)
logarithmic time, so the language rules stay linear in the length of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import cache

from evisynth.check import lexicon
from evisynth.check.model import RATIO_MEASURES, STATISTICS, Claim
from evisynth.check.text import Document

_CLAUSE_RE = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b|\balthough\b|\bhowever\b|\bin\s+contrast\b", re.I)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
#: Words too general to identify an outcome.
_GENERIC = frozenset(
    """the and for with was were are has had have that this than from into after before between among
    among compared versus placebo control controls sham usual care group groups intervention interventions
    treatment treatments therapy effect effects evidence certainty quality moderate low high very may might
    probably likely reduce reduces reduced improve improves improved increase increases increased decrease
    decreased difference differences little make makes made studies study trials trial participants patients
    people result results outcome outcomes review reviews analysis analyses meta data risk ratio mean
    standardised standardized confidence interval significant significantly statistically not none there
    their they these those which who what when where also more less fewer lower higher than found show showed
    shows suggest suggests evidence""".split()
)


_CUTS: dict[int, tuple[str, list[int], list[int]]] = {}


def _clause_cuts(doc: Document) -> tuple[list[int], list[int]]:
    """Starts and ends of every clause boundary in ``doc`` (computed once per document and text)."""
    cached = _CUTS.get(id(doc.norm))
    if cached is None or cached[0] is not doc.norm:
        depth = _paren_depth(doc.norm)
        # a ";" inside brackets separates statistics ("(MD -7.39; 95% CI ...; 21 trials)"), not clauses
        found = [m for m in _CLAUSE_RE.finditer(doc.norm) if m.group(0) != ";" or not depth[m.start()]]
        cached = (doc.norm, [m.start() for m in found], [m.end() for m in found])
        if len(_CUTS) > 8:
            _CUTS.clear()
        _CUTS[id(doc.norm)] = cached
    return cached[1], cached[2]


def _paren_depth(text: str) -> bytearray:
    """For each character: 1 when it stands inside round or square brackets (within its line)."""
    out = bytearray(len(text) + 1)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "\n":
            depth = 0
        out[i] = 1 if depth else 0
    return out


def significance(claim: Claim) -> bool | None:
    """True when the claim's CI excludes no effect (or P < 0.05), False when it includes it, else None.

    A CI limit that rounds to the null ("-0.37 to -0.00") or P = 0.05 exactly is borderline
    (see :func:`borderline`) and gives None.
    """
    if claim.measure in STATISTICS or claim.measure in ("I2", "r"):
        return None
    if claim.ci_lower is not None and claim.ci_upper is not None:
        null = 1.0 if claim.measure in RATIO_MEASURES else 0.0
        lo, hi = sorted((claim.ci_lower, claim.ci_upper))
        if claim.estimate is not None and not lo - 1e-9 <= claim.estimate <= hi + 1e-9:
            return None  # an estimate outside its own CI: a garbled result (reported as such) cannot be judged
        if claim.measure is None and (lo <= 0.0 <= hi) != (lo <= 1.0 <= hi):
            return None  # "(95% CI 0.74 to 16.59)" with no measure: a ratio's CI includes no effect, a difference's not
        if lo != null and hi != null:
            return not (lo <= null <= hi)
    if claim.p_value is not None:
        if claim.p_relation == "<":
            return True if claim.p_value <= 0.05 else None
        if claim.p_relation == ">":
            return False if claim.p_value >= 0.05 else None
        if claim.p_value == 0.05:
            return None
        return claim.p_value < 0.05
    return None


def borderline(claim: Claim) -> str | None:
    """Why a result sits on the 0.05 line (a CI limit at the null, P = 0.05), or None."""
    if claim.measure in STATISTICS or claim.measure in ("I2", "r"):
        return None
    if claim.ci_lower is not None and claim.ci_upper is not None:
        null = 1.0 if claim.measure in RATIO_MEASURES else 0.0
        for key in ("ci_lower", "ci_upper"):
            num = claim.num(key)
            if num is not None and num.value == null:
                return f"its CI ends at {num.text.strip()}, which rounds to no effect ({null:g})"
    if claim.p_value == 0.05 and claim.p_relation in ("=", None):
        return "P = 0.05 sits on the conventional threshold"
    return None


class ClaimIndex:
    """Claims of a document indexed by position, sentence and clause."""

    def __init__(self, doc: Document, claims: Sequence[Claim], keep: Iterable[int] | None = None) -> None:
        self.doc = doc
        chosen = range(len(claims)) if keep is None else keep
        self.items: list[tuple[int, Claim]] = [(i, claims[i]) for i in chosen]
        self.starts = [c.start for _, c in self.items]
        self._cut_starts, self._cuts = _clause_cuts(doc)
        by_sentence: dict[int, list[tuple[int, Claim]]] = {}
        for item in self.items:
            by_sentence.setdefault(doc.sentence_index(item[1].start), []).append(item)
        self.by_sentence = by_sentence

    def clause(self, pos: int) -> tuple[int, int]:
        """The clause around ``pos``: its sentence cut at ``;``, *but*, *whereas*, *however*, ..."""
        sent = self.doc.sentence_span(pos)
        k = bisect.bisect_right(self._cuts, pos) - 1
        start = max(sent[0], self._cuts[k]) if k >= 0 else sent[0]
        j = bisect.bisect_left(self._cut_starts, pos)
        end = min(sent[1], self._cut_starts[j]) if j < len(self._cut_starts) else sent[1]
        return start, max(end, pos)

    def in_sentence(self, pos: int) -> list[tuple[int, Claim]]:
        return self.by_sentence.get(self.doc.sentence_index(pos), [])

    def target(self, pos: int) -> tuple[int, Claim] | None:
        """The claim a word at ``pos`` describes: the first after it in its clause, else the last before."""
        c0, c1 = self.clause(pos)
        norm = self.doc.norm
        line0, line1 = norm.rfind("\n", 0, pos) + 1, norm.find("\n", pos)
        if line1 < 0:
            line1 = len(norm)
        if "|" in norm[line0:line1]:  # a table row: its words describe only the results of that row
            c0, c1 = max(c0, line0), min(c1, line1)
        k = bisect.bisect_left(self.starts, pos)
        if k < len(self.items) and self.items[k][1].start < c1:
            return self.items[k]
        for j in range(k - 1, max(-1, k - 4), -1):
            claim = self.items[j][1]
            if claim.end <= pos and (claim.start >= c0 or claim.end > c0):
                return self.items[j]
            if claim.end <= c0:
                break
        return None

    def near(self, start: int, end: int) -> list[tuple[int, Claim]]:
        """Claims that start inside ``[start, end)``."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return self.items[lo:hi]


@cache
def _synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every outcome synonym (longest first) and the canonical token for each."""
    canon: dict[str, str] = {}
    for group in lexicon.load("outcomes")["synonyms"]:
        token = "syn" + re.sub(r"[^a-z]", "", group[0].lower())
        for phrase in group:
            canon[" ".join(phrase.lower().split())] = token
    phrases = sorted(canon, key=len, reverse=True)
    rx = re.compile(r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b", re.I)
    return rx, canon


def _canonical(text: str) -> str:
    """``text`` with outcome synonyms replaced by one token ("death" and "mortality" -> "synmortality")."""
    rx, canon = _synonyms()
    return rx.sub(lambda m: " " + canon[" ".join(m.group(0).lower().split())] + " ", text)


@cache
def _not_outcome_words() -> frozenset[str]:
    return _GENERIC | frozenset(w.lower() for w in lexicon.load("outcomes").get("not_outcome_words", ()))


def content_words(text: str, *, outcome_only: bool = True) -> set[str]:
    """Words of a span that may name an outcome (lower case, generic words dropped, a plural "s" cut,
    outcome synonyms from ``lexicons/outcomes.toml`` mapped to one token). With ``outcome_only`` (the
    default) the words that never name an outcome (``not_outcome_words``: "measured", "other", "superior")
    are dropped too; without it they are kept, to match a clause as a whole.

    >>> sorted(content_words("the number of people who had falls"))
    ['fall', 'number']
    >>> content_words("deaths") == content_words("all-cause mortality") - {"all-cause"}
    True
    """
    out = set()
    generic = _not_outcome_words() if outcome_only else _GENERIC  # False: keep verbs and quantifiers
    for w in _WORD_RE.findall(_canonical(text)):
        word = w.lower()
        if word in generic:
            continue
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return out


def common_words(*docs: Document | None, share: float = 0.3, at_least: int = 3) -> frozenset[str]:
    """Content words used in more than ``share`` of the sentences of a document (and in at least
    ``at_least`` of them): the intervention, comparison and population a text is about
    ("phototherapy", "heart failure"), which name no outcome and would tie every sentence to every result.

    >>> from evisynth.check.text import make_document
    >>> d = make_document("Phototherapy reduced bilirubin. Phototherapy cut stays. Phototherapy had no effect on death.")
    >>> sorted(common_words(d))
    ['phototherapy']
    """
    out: set[str] = set()
    for doc in docs:
        if doc is None or not doc.sentences:
            continue
        counts: dict[str, int] = {}
        for start, end in doc.sentences:
            for w in content_words(doc.norm[start:end]):
                counts[w] = counts.get(w, 0) + 1
        limit = max(at_least, share * len(doc.sentences))
        out.update(w for w, n in counts.items() if n >= limit)
    return frozenset(out)


class OutcomeIndex:
    """Which earlier sentence (with a claim or a certainty statement) a sentence talks about.

    Sentences are keyed by their content words; a word used in more than ``cap`` keyed
    sentences is too common to identify an outcome and is ignored, which bounds each lookup.
    """

    def __init__(self, cap: int = 12, ignore: frozenset[str] = frozenset()) -> None:
        self.cap = cap
        #: words that name the intervention or population rather than an outcome (see :func:`common_words`)
        self.ignore = ignore
        #: a value that holds for every sentence (e.g. one certainty level for all outcomes)
        self.uniform: object = None
        #: the highest level stated anywhere, bounding outcomes without their own rating
        self.ceiling: object = None
        self._by_word: dict[str, list[int]] = {}
        self._values: list[object] = []

    def add(self, text: str, value: object) -> None:
        slot = len(self._values)
        self._values.append(value)
        for w in content_words(text) - self.ignore:
            self._by_word.setdefault(w, []).append(slot)

    def lookup(self, text: str, min_score: float = 0.0, near: float = 1.0) -> list[object]:
        """Values of the keyed sentences sharing the most content words with ``text`` (ties: all).

        Each shared word scores 1/(number of keyed sentences using it): a word that names one
        outcome counts fully, a word shared by many counts little. Below ``min_score`` nothing matches.
        """
        scores: dict[int, float] = {}
        rarest: dict[int, float] = {}  # ties are broken by the rarest shared word
        for w in content_words(text) - self.ignore:
            slots = self._by_word.get(w)
            if slots is None or len(slots) > self.cap:
                continue
            weight = 1.0 / len(set(slots))
            for slot in set(slots):
                scores[slot] = scores.get(slot, 0.0) + weight
                rarest[slot] = max(rarest.get(slot, 0.0), weight)
        if not scores:
            return []
        best = max(scores.values())
        if best < min_score:
            return []
        if near < 1.0:  # every keyed sentence scoring at least ``near`` x the best
            return [self._values[s] for s in sorted(scores) if scores[s] >= near * best - 1e-9]
        tied = [s for s, v in scores.items() if v >= best - 1e-9]
        top = max(rarest[s] for s in tied)
        return [self._values[s] for s in sorted(tied) if rarest[s] >= top - 1e-9]


def clause_spans(doc: Document, cut: re.Pattern[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each piece of each sentence of ``doc`` between matches of ``cut`` (empty pieces
    dropped)."""
    out = []
    for s_start, s_end in doc.sentences:
        start = s_start
        for m in cut.finditer(doc.norm, s_start, s_end):
            if m.start() > start:
                out.append((start, m.start()))
            start = m.end()
        if s_end > start:
            out.append((start, s_end))
    return out
