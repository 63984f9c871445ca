"""A direction reversed in words: the summary says "reduced" where the source, about the same
outcome, says "increased" (``direction_mismatch``).

Numbers that change sign are caught by :func:`evisynth.check.source.check_against_source`; this
module reads the words. Both texts are cut into clauses (at ``;``, ``:``, brackets, full stops and
at "but", "whereas", "compared", "than", "versus", which separate the two arms or two findings).
A clause carries a direction on an axis (size: "reduced" / "increased"; value: "improved" /
"worsened") when it has direction words of one kind only on that axis (``lexicons/direction.toml``),
none of them cancelled by a negation or "whether" just before it, and it reports findings (not
background or objectives). A summary clause is matched to the source
clauses sharing most of its content words (the words either text uses everywhere, the
intervention's and population's names, left out): when at least two of its words and three fifths
of them are shared, and every best-matching source clause has the opposite direction on that axis
(with the same arm, if both name one before the direction word), the finding is reversed. A best
match without a direction (a null result, "did not reduce") is no reversal.

>>> from evisynth.check.source_facts import load
>>> from evisynth.check.text import make_document
>>> facts = load("Anti-VEGF reduced the incidence of intraoperative retinal breaks (RR 0.37, 95% CI 0.24 to 0.59).")
>>> doc = make_document("Anti-VEGF increased the incidence of intraoperative retinal breaks.")
>>> [(f.kind, doc.plain[f.start : f.end]) for f in check_directions(doc, facts)]
[('direction_mismatch', 'increased')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evisynth.check import lexicon
from evisynth.check.context import clause_spans, common_words, content_words
from evisynth.check.model import Claim, Finding
from evisynth.check.source_facts import SourceFacts
from evisynth.check.text import Document

_CUT_RE = re.compile(
    r"[;:()\[\]\n]|\.(?!\d)|,\s+(?:but|whereas|while|although|however)\b|\b(?:but|whereas|compared|than|versus|vs)\b", re.I
)
_BEFORE = 30  # characters before a direction word in which a cancelling word takes its direction away
MIN_SHARED = 2
MIN_SHARE = 0.6


@dataclass(frozen=True)
class _Directed:
    start: int
    end: int
    #: per axis ("size": down/up, "value": better/worse), the direction and the span of its first word
    directions: dict[str, tuple[str, tuple[int, int]]]
    words: frozenset[str]
    #: per axis, the often-used words (arms, population) before the direction word: who has more or less
    subjects: dict[str, frozenset[str]]
    #: the side the clause states its outcome from: 1 the good side ("survival"), -1 the bad ("mortality"), 0 neither
    side: int = 0


_AXES = (("size", ("down", "up")), ("value", ("better", "worse")))


def _clauses(doc: Document) -> list[tuple[int, int]]:
    return clause_spans(doc, _CUT_RE)


def _directed(doc: Document, common: frozenset[str]) -> list[_Directed]:
    """Every findings clause with content words, and its direction on each axis (one kind of word, not
    cancelled) if any."""
    from evisynth.check.certainty import findings_sections

    cancel = lexicon.regex("direction", "words", "cancel")
    not_effect = lexicon.regex("direction", "words", "not_effect")
    sections = findings_sections(doc)
    out = []
    for start, end in _clauses(doc):
        k = doc.sentence_index(start)
        if k < len(sections) and not sections[k]:
            continue  # background and objectives: "people with X have a higher risk of Y" is no finding
        words = frozenset(w for w in content_words(doc.norm[start:end]) if w not in common and not w.isdigit())
        if not words:
            continue
        window = (max(0, start - 10), min(len(doc.norm), end + 20))
        idioms = [(m.start(), m.end()) for m in not_effect.finditer(doc.norm, *window)]
        directions: dict[str, tuple[str, tuple[int, int]]] = {}
        subjects: dict[str, frozenset[str]] = {}
        for axis, names in _AXES:
            found: list[tuple[str, int, int]] = []
            cancelled = False
            for name in names:
                for m in lexicon.regex("direction", "words", name).finditer(doc.norm, start, end):
                    if any(a <= m.start() < b for a, b in idioms):
                        continue
                    if cancel.search(doc.norm, max(start, m.start() - _BEFORE), m.start()):
                        cancelled = True
                    found.append((name, m.start(), m.end()))
            if cancelled or not found or len({name for name, _s, _e in found}) != 1:
                continue
            name, w_start, w_end = min(found, key=lambda f: f[1])
            directions[axis] = (name, (w_start, w_end))
            subjects[axis] = frozenset(content_words(doc.norm[start:w_start]) & common)
        out.append(_Directed(start, end, directions, words, subjects, _side(doc.norm, start, end)))
    return out


def _side(norm: str, start: int, end: int) -> int:
    """1 when a clause names its outcome from the good side only ("survival", "living at home"), -1 from the
    bad side only ("mortality", "residential care"), else 0."""
    good = lexicon.regex("direction", "inverse", "good").search(norm, start, end) is not None
    bad = lexicon.regex("direction", "inverse", "bad").search(norm, start, end) is not None
    return int(good) - int(bad)


def check_directions(doc: Document, facts: SourceFacts) -> list[Finding]:
    """``direction_mismatch`` for a summary clause whose best-matching source clauses state the opposite.

    Parameters
    ----------
    doc : Document
        The summary.
    facts : SourceFacts
        The source; only a text source (``facts.doc``) is read.

    Returns
    -------
    list of Finding
        One finding per reversed direction word (an error when three or more content words are shared).
    """
    if facts.doc is None:
        return []
    common = common_words(facts.doc) | common_words(doc)
    source = _directed(facts.doc, common)
    if not any(s.directions for s in source):
        return []
    by_word: dict[str, list[int]] = {}
    for k, s in enumerate(source):
        for w in s.words:
            by_word.setdefault(w, []).append(k)
    out = []
    for clause in _directed(doc, common):
        if len(clause.words) < MIN_SHARED or not clause.directions:
            continue
        shared: dict[int, int] = {}  # source clause -> words shared with this clause (an inverted index: linear time)
        for w in clause.words:
            for k in by_word.get(w, ()):
                shared[k] = shared.get(k, 0) + 1
        if not shared:
            continue
        best = max(shared.values())
        if best < MIN_SHARED or best < MIN_SHARE * len(clause.words):
            continue
        top = [source[k] for k, n in shared.items() if n == best]
        for axis, (direction, (w_start, w_end)) in clause.directions.items():
            # every best match must state the opposite on this axis: one without a direction (a null result,
            # "did not reduce") or with the same one is no reversal
            if any(axis not in s.directions or s.directions[axis][0] == direction for s in top):
                continue
            if axis == "size" and clause.side and all(s.side == -clause.side for s in top):
                continue  # "increases survival" restates "reduces mortality": the outcome is named from the other side
            mine = clause.subjects[axis]
            if any(mine and s.subjects[axis] and not mine & s.subjects[axis] for s in top):
                continue  # the other arm as subject: "B led to more X" restates "A led to fewer X"
            quote = " ".join(facts.doc.plain[top[0].start : top[0].end].split())
            said = doc.plain[w_start:w_end]
            out.append(
                Finding(
                    "error" if best >= 3 else "warning",
                    "direction_mismatch",
                    w_start,
                    w_end,
                    f'"{said}" reverses the direction the source gives for the same finding: "{quote}".',
                )
            )
    return out


def words_direction(claim: Claim, before: int = 40, after: int = 25) -> str | None:
    """``"down"`` or ``"up"`` from the words around a claim ("23% fewer falls", "reduced falls by 23%"),
    or ``None`` when there are none, both, or a negation.

    Parameters
    ----------
    claim : Claim
        The claim; its sentence is read from ``before`` characters before it to ``after`` after it.
    before, after : int
        The reach of the window, in characters.

    Returns
    -------
    str or None
        ``"down"``, ``"up"`` or ``None``.

    >>> from evisynth.check.extract import extract_claims
    >>> from evisynth.check.text import make_document
    >>> words_direction(extract_claims(make_document("Falls were 23% fewer (95% CI 17% to 29%)."))[0])
    'down'
    """
    a = max(0, claim.start - claim.sentence_start - before)
    b = min(len(claim.sentence), claim.end - claim.sentence_start + after)
    window = claim.sentence[a:b]
    if lexicon.regex("direction", "words", "cancel").search(window):
        return None
    idioms = [(m.start(), m.end()) for m in lexicon.regex("direction", "words", "not_effect").finditer(window)]
    kinds = {
        name
        for name in ("down", "up")
        for m in lexicon.regex("direction", "words", name).finditer(window)
        if not any(x <= m.start() < y for x, y in idioms)
    }
    return kinds.pop() if len(kinds) == 1 else None
