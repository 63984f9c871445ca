"""A GRADE level the summary states against the level its source gives the same evidence.

"The certainty of the evidence was high", "(⊕⊕⊕⊕)", "moderate-quality evidence": a reader takes such a
statement at its word, so a level that differs from the source's rating of the same result is a
misreported rating, whatever words surround it: overstating the certainty is an error (understating
is not judged). The level that applies is, in order: the rating of the source result whose numbers the
sentence (or the sentence before a stand-alone statement) reports; the caller's rating of the outcome
the statement names; the source's rating of the outcome whose words the statement shares, when those
words point to one level only; one level the source gives all its evidence; the caller's one level.
Statements outside the findings (methods: "rated as high, moderate, low or very low"), statements
that name two levels ("low to moderate") and the quality of single studies ("low-quality studies") are
not judged.

GRADE levels: Balshem H et al. GRADE guidelines 3: rating the quality of evidence. J Clin Epidemiol
2011;64:401-6.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from evisynth.check.certainty import CERTAINTY_RANK, LEVEL_WORD_RE, Rating, findings_sections, keyed_declarations
from evisynth.check.context import ClaimIndex, OutcomeIndex
from evisynth.check.model import Claim, Finding
from evisynth.check.text import Document

#: A statement about the evidence (not "low-quality studies": the methods of single studies).
_ABOUT_EVIDENCE_RE = re.compile(r"certain|evidence|confidence|GRADE|[\u2295\u2a01]", re.I)
_STUDIES_AFTER_RE = re.compile(r"[\s-]*(?:studies|study|trials?|RCTs?|research|reporting|methods?)\b", re.I)


def _one_level(hits: Sequence[object]) -> Rating | None:
    levels = {r.level for r in hits if isinstance(r, Rating)}
    if len(levels) != 1:
        return None
    return next(r for r in hits if isinstance(r, Rating))


def _from_claims(index: ClaimIndex, k: int, by_claim: Mapping[int, str]) -> Rating | None:
    levels = {by_claim[i] for i, _c in index.by_sentence.get(k, []) if i in by_claim}
    if len(levels) != 1:
        return None
    level = levels.pop()
    return Rating(level, f"the source result these numbers come from is rated {level} certainty")


def _reference(doc: Document, index: ClaimIndex, start: int, key: str, by_claim: Mapping[int, str],
               mapping: OutcomeIndex, source: OutcomeIndex | None, default: str | None) -> Rating | None:
    k = doc.sentence_index(start)
    rating = _from_claims(index, k, by_claim)
    if rating is None and k > 0 and not index.by_sentence.get(k):  # "... (MD -1.2 ...). The certainty was high."
        rating = _from_claims(index, k - 1, by_claim)
    if rating is not None:
        return rating
    s0, s1 = doc.sentence_span(start)
    before = doc.norm[doc.sentence_span(s0 - 1)[0] : s0] if k > 0 and not index.by_sentence.get(k) else ""
    for idx in (mapping, source):
        if idx is None:
            continue
        for text in (key, before + doc.norm[s0:s1]):
            found = _one_level(idx.lookup(text))
            if found is not None:
                return found
    if source is not None and isinstance(source.uniform, Rating):
        return source.uniform
    if default is not None:
        return Rating(default, f"the evidence is rated {default} certainty")
    return None


def check_declared(doc: Document, claims: Sequence[Claim], *, by_claim: Mapping[int, str],
                   by_outcome: Mapping[str, str], source: OutcomeIndex | None, default: str | None,
                   in_findings: Sequence[bool] | None = None) -> list[Finding]:
    """Certainty levels stated in ``doc`` that differ from the level of the evidence they describe."""
    if source is None and default is None and not by_outcome and not by_claim:
        return []
    index = ClaimIndex(doc, claims)
    sections = list(in_findings) if in_findings is not None else findings_sections(doc)
    mapping = OutcomeIndex()
    for name, level in by_outcome.items():
        mapping.add(name, Rating(level, f"{name!r} is rated {level} certainty"))
    out: list[Finding] = []
    for key, start, end, level in keyed_declarations(doc):
        said = doc.plain[start:end]
        if not sections[doc.sentence_index(start)] or not _ABOUT_EVIDENCE_RE.search(doc.norm[start : end + 12]):
            continue
        if _STUDIES_AFTER_RE.match(doc.norm, end):
            continue
        words = {w.lower().replace("-", " ") for w in LEVEL_WORD_RE.findall(said)}
        if len(words) > 1:  # "low to moderate", "from very low to high": a range, not one rating
            continue
        ref = _reference(doc, index, start, key, by_claim, mapping, source, default)
        if ref is None or CERTAINTY_RANK[level] <= CERTAINTY_RANK[ref.level]:
            continue  # understating is left alone: which of several ratings a statement means is too often unclear
        message = f"The summary states {level} certainty ('{said}'), but {ref.origin}: the certainty is overstated."
        claim_idx = next((i for i, _c in index.by_sentence.get(doc.sentence_index(start), [])), None)
        out.append(Finding("error", "certainty_language", start, end, message, claim_idx))
    return out
