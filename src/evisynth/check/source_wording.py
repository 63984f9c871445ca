"""The source's own hedged wording of a claim: "may improve the mental health of adults" in the
source, "improves the mental health of adults" in the summary.

GRADE's informative statements (Santesso et al. 2020, J Clin Epidemiol 119:126-135, Table 2) put the
certainty into the verb phrase: "may" for low, "probably" for moderate certainty. When a source states
no certainty level for a finding but words it with such a hedge, the hedge is its rating: a summary that
drops it ("improves", "clearly reduces") states more certainty than the source did (issue #16, "a
dropped qualifier"). A summary verb is matched to a source statement by the verb's stem and at least
two content words of what follows it (or the only one, when the source names one).

>>> from evisynth.check.text import make_document
>>> src = make_document("Main results: community workers may improve the mental health of adults.")
>>> hedges = hedged_claims(src)
>>> [(h.level, h.quote) for h in hedges]
[('low', 'may improve the mental health of adults')]
>>> text = "Community workers improve the mental health of adults."
>>> match(text, text.index("improve"), hedges).level
'low'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evisynth.check.text import Document

_HEDGE_RE = re.compile(
    r"\b(?P<hedge>may|might|could|possibly|probably|likely(?:\s+to)?)\s+(?:(?:also|slightly|still|well|even)\s+)?"
    r"(?P<verb>[a-z]+)(?:\s+(?:in|to))?\s+(?P<rest>[^.;:!?()]{3,80})",
    re.I,
)
_LEVEL = {"may": "low", "might": "low", "could": "low", "possibly": "low", "probably": "moderate", "likely": "moderate"}
_IRREGULAR = {"led": "lead", "lead": "lead", "leads": "lead", "made": "make", "makes": "make"}
_ADVERBS = frozenset({"clearly", "significantly", "markedly", "greatly", "substantially", "definitely", "strongly",
                      "considerably", "also", "further", "slightly", "consistently", "effectively"})
_STOP = frozenset({"the", "a", "an", "of", "in", "and", "or", "to", "for", "with", "on", "at", "by", "their", "its",
                   "his", "her", "who", "than", "that", "this", "these", "those", "as", "from", "be", "is", "are",
                   "was", "were", "compared", "when", "some", "any", "all", "more", "less", "people", "patients"})
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z-]+")


def _stem(verb: str) -> str:
    v = verb.lower()
    if v in _IRREGULAR:
        return _IRREGULAR[v]
    for suffix in ("ing", "es", "ed", "s", "e", "d"):
        if v.endswith(suffix) and len(v) - len(suffix) >= 3:
            return v[: -len(suffix)]
    return v


def _content(text: str, n: int = 5) -> frozenset[str]:
    words = []
    for w in _WORD_RE.findall(re.split(r",|\bbut\b|\bwhich\b|\bhowever\b", text, maxsplit=1)[0]):
        lw = w.lower()
        if lw not in _STOP:
            words.append(lw[:-1] if lw.endswith("s") and len(lw) > 4 else lw)
        if len(words) == n:
            break
    return frozenset(words)


@dataclass(frozen=True)
class Hedged:
    """A hedged statement of an effect in the source: its level, verb stem, content words and quote."""

    level: str
    stem: str
    words: frozenset[str]
    quote: str


def hedged_claims(doc: Document) -> list[Hedged]:
    """Every "may/probably + verb + object" statement in the findings of the source."""
    from evisynth.check.certainty import findings_sections

    sections = findings_sections(doc)
    out = []
    for m in _HEDGE_RE.finditer(doc.norm):
        if m.group("verb").lower() in ("not", "be", "have", "need", "help", "make", "use", "reflect"):
            continue   # "may not ...", "may be ...": not a hedged effect verb the summary can restate
        k = doc.sentence_index(m.start())
        if k < len(sections) and not sections[k]:
            continue
        words = _content(m.group("rest"))
        if not words:
            continue
        hedge = m.group("hedge").lower().split()[0]
        quote = re.split(r",|\bbut\b|\bhowever\b", doc.plain[m.start() : m.end()], maxsplit=1)[0].strip()
        out.append(Hedged(_LEVEL[hedge], _stem(m.group("verb")), words, quote))
    return out


def match(norm: str, pos: int, hedged: Sequence[Hedged]) -> Hedged | None:
    """The source statement the summary's verb at ``pos`` restates (``None`` when there is none).

    The verb may follow an adverb ("clearly reduces"); what follows the verb must share two content
    words with the source statement (one when the source statement has only one).
    """
    if not hedged:
        return None
    words = _WORD_RE.finditer(norm, pos, min(len(norm), pos + 120))
    first = next(words, None)
    if first is None:
        return None
    verb = first
    if first.group(0).lower() in _ADVERBS:
        verb = next(words, first)
    stem = _stem(verb.group(0))
    after = re.sub(r"^\s+(?:in|to)\b", "", norm[verb.end() : verb.end() + 100])
    mine = _content(after)
    best = None
    for h in hedged:
        if h.stem != stem:
            continue
        shared = len(mine & h.words)
        if shared >= 2 or (shared == 1 and len(h.words) == 1):
            if best is None or shared > best[0]:
                best = (shared, h)
    return best[1] if best else None
