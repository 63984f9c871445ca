"""Statements about the evidence base that the source does not support (``not_in_source``).

Today: "the studies were (very) small" when the source reports many studies with many
participants each and never calls them small or imprecise. Words and thresholds live in
``lexicons/unsupported.toml``.

>>> from evisynth.check.source_facts import load
>>> from evisynth.check.text import make_document
>>> facts = load("We included 68 studies (43,327 participants). NRT helped (RR 1.2, 95% CI 1.1 to 1.3).")
>>> doc = make_document("Limitations: the studies were very small.")
>>> [f.kind for f in check_unsupported(doc, facts)]
['not_in_source']
"""

from __future__ import annotations

from evisynth.check import lexicon
from evisynth.check.model import Finding
from evisynth.check.source_facts import SourceFacts
from evisynth.check.text import Document


def check_unsupported(doc: Document, facts: SourceFacts) -> list[Finding]:
    """Findings for claims about the evidence base the source's own numbers contradict."""
    if facts.doc is None or not facts.studies or not facts.participants:
        return []
    lex = lexicon.load("unsupported")["study_size"]
    if lexicon.regex("unsupported", "study_size", "source_support").search(facts.doc.norm):
        return []
    studies, participants = max(facts.studies), max(facts.participants)
    mean = participants / studies
    if studies < int(lex["min_studies"]) or mean < float(lex["min_mean_participants"]):
        return []
    out = []
    for m in lexicon.regex("unsupported", "study_size", "small_claims").finditer(doc.norm):
        said = doc.plain[m.start() : m.end()]
        out.append(
            Finding(
                "warning",
                "not_in_source",
                m.start(),
                m.end(),
                f'"{said}": the source reports {studies} studies with {participants} participants '
                f"(about {mean:.0f} per study on average) and does not call them small or imprecise.",
                None,
            )
        )
    return out
