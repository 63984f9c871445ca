"""Statements about the evidence base that the source does not support (``not_in_source``).

* "The studies were (very) small" when the source reports many studies with many participants
  each, or (without a participant count) many studies rated no lower than moderate certainty, and
  never calls them small or imprecise.
* "We found no studies that compared ..." when the source included studies of its question and
  says nothing of the kind.

Words and thresholds live in ``lexicons/unsupported.toml``.

>>> from evisynth.check.source_facts import load
>>> from evisynth.check.text import make_document
>>> facts = load("We included 68 studies (43,327 participants). NRT helped (RR 1.2, 95% CI 1.1 to 1.3).")
>>> doc = make_document("Limitations: the studies were very small.")
>>> [f.kind for f in check_unsupported(doc, facts)]
['not_in_source']
"""

from __future__ import annotations

import re

from evisynth.check import lexicon
from evisynth.check.context import content_words
from evisynth.check.model import Finding
from evisynth.check.source_facts import SourceFacts
from evisynth.check.text import Document

_LEVEL_RE = re.compile(r"very[\s-]+low|\blow\b|\bmoderate\b|\bhigh\b", re.I)


def check_unsupported(doc: Document, facts: SourceFacts) -> list[Finding]:
    """Findings for claims about the evidence base the source's own account contradicts.

    Parameters
    ----------
    doc : Document
        The summary.
    facts : SourceFacts
        The source; only a text source (``facts.doc``) is read.

    Returns
    -------
    list of Finding
        ``not_in_source`` findings: small studies (warnings), "no studies" (errors).
    """
    if facts.doc is None:
        return []
    return _small_studies(doc, facts) + _no_studies(doc, facts)


def _rated_moderate_or_higher(facts: SourceFacts) -> bool:
    """Whether the source states certainty levels and none is below moderate."""
    assert facts.doc is not None
    levels = [
        level.group(0).lower()
        for m in lexicon.regex("certainty", "declared", "phrases").finditer(facts.doc.norm)
        for level in _LEVEL_RE.finditer(m.group(0))
    ]
    return bool(levels) and all(level in ("moderate", "high") for level in levels)


def _small_studies(doc: Document, facts: SourceFacts) -> list[Finding]:
    assert facts.doc is not None
    if not facts.studies:
        return []
    lex = lexicon.load("unsupported")["study_size"]
    if lexicon.regex("unsupported", "study_size", "source_support").search(facts.doc.norm):
        return []
    studies = max(facts.studies)
    if facts.participants:
        participants = max(facts.participants)
        mean = participants / studies
        if studies < int(lex["min_studies"]) or mean < float(lex["min_mean_participants"]):
            return []
        why = f"{studies} studies with {participants} participants (about {mean:.0f} per study on average)"
    else:
        if studies < int(lex["min_studies_rated"]) or not _rated_moderate_or_higher(facts):
            return []
        if lexicon.regex("unsupported", "study_size", "source_support_wide").search(facts.doc.norm):
            return []
        why = f"{studies} studies, its evidence rated no lower than moderate certainty,"
    out = []
    for m in lexicon.regex("unsupported", "study_size", "small_claims").finditer(doc.norm):
        said = doc.plain[m.start() : m.end()]
        out.append(
            Finding(
                "warning",
                "not_in_source",
                m.start(),
                m.end(),
                f'"{said}": the source reports {why} and does not call them small or imprecise.',
                None,
            )
        )
    return out


def _clause_after(norm: str, pos: int) -> str:
    """The rest of the clause that starts at ``pos`` (up to a full stop, semicolon, colon or bracket)."""
    m = re.compile(r"[.;:!?()\n]").search(norm, pos)
    return norm[pos : m.start() if m else len(norm)]


def _no_studies(doc: Document, facts: SourceFacts) -> list[Finding]:
    assert facts.doc is not None
    claims = lexicon.regex("unsupported", "no_studies", "claims")
    comparison = lexicon.regex("unsupported", "no_studies", "comparison")
    outcome = lexicon.regex("unsupported", "no_studies", "outcome")
    source = facts.doc.norm
    for rx in (claims, lexicon.regex("unsupported", "no_studies", "source_none")):
        for m in rx.finditer(source):
            if not outcome.search(_clause_after(source, m.end())):
                return []  # the source itself says it found none (of a comparison): leave it to a reader
    included = [n for n in facts.studies if n > 0]
    if not included and not lexicon.regex("unsupported", "no_studies", "source_included").search(source):
        return []
    source_words = content_words(source)
    out = []
    for m in claims.finditer(doc.norm):
        rest = _clause_after(doc.norm, m.end())
        if outcome.search(rest) or (rest.strip(" ,") and not comparison.search(rest)):
            continue
        if rest.strip(" ,") and not content_words(rest) & source_words:
            continue  # a comparison the source does not name: nothing to contradict
        said = doc.plain[m.start() : m.end() + len(rest)].strip()
        count = f"{max(included)} studies" if included else "studies"
        out.append(
            Finding(
                "error",
                "not_in_source",
                m.start(),
                m.end() + len(rest.rstrip()),
                f'"{said}": the source included {count} of its question and does not say that none were found.',
                None,
            )
        )
    return out
