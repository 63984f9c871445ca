"""The real-text corpus of benchmarks/checker_corpus is well formed (scores: benchmarks/score_checker.py)."""

from __future__ import annotations

import json
from pathlib import Path

from evisynth.check.model import KINDS

CORPUS = Path(__file__).parents[2] / "benchmarks" / "checker_corpus"


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_texts_have_origins_splits_and_locatable_annotations() -> None:
    texts = _load("texts.jsonl")
    ids = {t["id"] for t in texts}
    assert len(texts) >= 100 and {t["split"] for t in texts} == {"dev", "heldout", "test"}
    for t in texts:
        assert t["origin"].get("citation") and (t["origin"].get("doi") or t["origin"].get("url"))
        assert t["against"] is None or t["against"] in ids
        for a in t["annotations"]:
            assert a["kind"] in KINDS and a["severity"] in ("error", "warning")
            pos = -1
            for _ in range(a["occurrence"] + 1):
                pos = t["text"].find(a["quote"], pos + 1)
            assert pos >= 0, (t["id"], a["quote"])


def test_mutations_apply_to_their_base_text() -> None:
    texts = {t["id"]: t for t in _load("texts.jsonl")}
    mutations = _load("mutations.jsonl")
    assert len(mutations) >= 100
    for m in mutations:
        base = texts[m["base"]]
        assert m["find"] in base["text"] and m["find"] != m["replace"] and m["expect"] in KINDS
        assert m["split"] == base["split"]


def test_second_annotation_covers_test_texts_with_locatable_quotes() -> None:
    texts = {t["id"]: t for t in _load("texts.jsonl")}
    second = _load("second_annotator.jsonl")
    assert len(second) == 12
    for row in second:
        text = texts[row["id"]]
        assert text["split"] == "test"
        for ann in row["annotations"]:
            assert text["text"].count(ann["quote"]) > ann.get("occurrence", 0), ann["quote"]


def test_agreement_between_annotators_is_the_documented_figure() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("agreement", CORPUS / "agreement.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.agreement()
    first, second, matched = table["overall"]
    assert (first, second, matched) == (29, 34, 22)  # F1 0.70, as benchmarks/checker_corpus/README.md says
    assert round(2 * matched / (first + second), 2) == 0.70
    assert table["any kind"][2] >= matched  # ignoring kind can only match more
    assert sum(m for k, (_f, _s, m) in table.items() if k not in ("overall", "any kind")) == matched
