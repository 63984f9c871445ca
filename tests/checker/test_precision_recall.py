"""Precision and recall of findings on a labelled corpus (``corpus/labelled.json``).

Each snippet lists the finding kinds it should produce (empty for clean text). A true
positive is an expected kind that was reported; a false positive a reported kind that
was not expected; a false negative an expected kind that was missed.
"""

from __future__ import annotations

import pytest

from evisynth.check import check_text

from .conftest import load_corpus

CASES = load_corpus("labelled.json")


def _kinds(case: dict) -> set[str]:
    result = check_text(case["text"], case.get("source"), case.get("certainty"))
    return {f.kind for f in result.findings}


def test_precision_and_recall() -> None:
    tp = fp = fn = 0
    for case in CASES:
        got, want = _kinds(case), set(case["expect"])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert len(CASES) >= 50
    assert sum(not c["expect"] for c in CASES) >= 20  # plenty of clean text
    assert precision >= 0.95, (tp, fp, fn)
    assert recall >= 0.95, (tp, fp, fn)


@pytest.mark.parametrize("case", [c for c in CASES if not c["expect"]], ids=lambda c: c["text"][:50])
def test_clean_snippets_have_no_error(case: dict) -> None:
    result = check_text(case["text"], case.get("source"), case.get("certainty"))
    assert result.ok, [f.message for f in result.errors]
