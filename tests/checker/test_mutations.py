"""Mutation tests: clean summaries pass; one changed number, sign, P value or word is caught.

Each realistic summary in ``corpus/`` has a source (an evisynth summary JSON or the
original abstract). ``corpus/mutations.json`` lists single edits with the finding kind
expected. The checker must report no error on the clean text and, for every edit, a new
finding of the expected kind.
"""

from __future__ import annotations

import pytest

from evisynth.check.check import check_text, read_source

from .conftest import CORPUS, load_corpus

SETS = load_corpus("mutations.json")
MUTANTS = [(s["summary"], s["source"], m) for s in SETS for m in s["mutations"]]


def _run(summary: str, source: str | None, text: str):  # type: ignore[no-untyped-def]
    src = read_source(CORPUS / source) if source else None
    return check_text(text, src, html=summary.endswith(".html"))


@pytest.mark.parametrize(("summary", "source"), sorted({(s["summary"], s["source"]) for s in SETS}))
def test_clean_summary_has_no_findings(summary: str, source: str) -> None:
    text = (CORPUS / summary).read_text(encoding="utf-8")
    result = _run(summary, source, text)
    assert result.ok
    assert [f.message for f in result.findings] == []
    assert len(result.claims) >= 5


@pytest.mark.parametrize(
    ("summary", "source", "mutation"),
    MUTANTS,
    ids=[f"{m['type']}:{m['find'][:25]}->{m['replace'][:25]}" for _s, _src, m in MUTANTS],
)
def test_mutation_is_caught(summary: str, source: str, mutation: dict) -> None:
    text = (CORPUS / summary).read_text(encoding="utf-8")
    assert mutation["find"] in text
    mutated = text.replace(mutation["find"], mutation["replace"], 1)
    before = {(f.kind, f.message) for f in _run(summary, source, text).findings}
    new = [f for f in _run(summary, source, mutated).findings if (f.kind, f.message) not in before]
    assert mutation["expect"] in {f.kind for f in new}, [(f.kind, f.message) for f in new]


def test_mutation_catch_rates() -> None:
    caught = errors = internal = 0
    for summary, source, m in MUTANTS:
        text = (CORPUS / summary).read_text(encoding="utf-8")
        mutated = text.replace(m["find"], m["replace"], 1)
        clean = {(f.kind, f.message) for f in _run(summary, source, text).findings}
        new = [f for f in _run(summary, source, mutated).findings if (f.kind, f.message) not in clean]
        caught += bool(new)
        errors += any(f.severity == "error" for f in new)
        alone = {(f.kind, f.message) for f in _run(summary, None, text).findings}
        internal += any((f.kind, f.message) not in alone for f in _run(summary, None, mutated).findings)
    n = len(MUTANTS)
    assert n >= 50
    assert caught == n  # every mutation produces a new finding
    assert errors / n >= 0.9  # and almost all are errors (the rest are one-step certainty/wording warnings)
    assert internal / n >= 0.6  # without the source, internal checks alone still catch most
