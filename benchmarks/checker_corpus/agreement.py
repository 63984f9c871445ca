"""Agreement between the corpus annotator and an independent second annotator.

``second_annotator.jsonl`` holds a second, blind annotation of 12 texts of the ``test`` split (four
reviews: abstract, plain-language summary, AI-written summary), made without seeing the first
annotation or any checker output. Two annotations match when they are on the same text, their
character spans (located by ``quote`` + ``occurrence``) overlap and, for the by-kind figures, their
kinds agree; matching is one-to-one, in order. Agreement is F1 = 2 * matched / (first + second).

Run: python benchmarks/checker_corpus/agreement.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _span(text: str, ann: dict[str, Any]) -> tuple[int, int]:
    pos = -1
    for _ in range(int(ann.get("occurrence", 0)) + 1):
        pos = text.find(ann["quote"], pos + 1)
        if pos < 0:
            raise ValueError(f"quote not found: {ann['quote']!r}")
    return pos, pos + len(ann["quote"])


def _matched(first: list[dict[str, Any]], second: list[dict[str, Any]], text: str, same_kind: bool) -> list[str]:
    used: set[int] = set()
    kinds = []
    for a in first:
        sa = _span(text, a)
        for j, b in enumerate(second):
            sb = _span(text, b)
            if j not in used and sa[0] < sb[1] and sb[0] < sa[1] and (not same_kind or a["kind"] == b["kind"]):
                used.add(j)
                kinds.append(a["kind"])
                break
    return kinds


def agreement() -> dict[str, tuple[int, int, int]]:
    """``kind -> (first, second, matched)``, with ``overall`` (same kind) and ``any kind`` rows."""
    second = {r["id"]: r["annotations"] for r in _load("second_annotator.jsonl")}
    texts = {r["id"]: r for r in _load("texts.jsonl") if r["id"] in second}
    n_first: Counter[str] = Counter()
    n_second: Counter[str] = Counter()
    n_match: Counter[str] = Counter()
    any_kind = 0
    for tid, anns in second.items():
        first, text = texts[tid]["annotations"], texts[tid]["text"]
        n_first.update(a["kind"] for a in first)
        n_second.update(b["kind"] for b in anns)
        n_match.update(_matched(first, anns, text, True))
        any_kind += len(_matched(first, anns, text, False))
    out = {k: (n_first[k], n_second[k], n_match[k]) for k in sorted(set(n_first) | set(n_second))}
    total = (sum(n_first.values()), sum(n_second.values()))
    out["overall"] = (*total, sum(n_match.values()))
    out["any kind"] = (*total, any_kind)
    return out


def main() -> None:
    print(f"{'kind':<24}{'first':>7}{'second':>8}{'matched':>9}{'F1':>7}")
    for kind, (f, s, m) in agreement().items():
        f1 = 2 * m / (f + s) if f + s else float("nan")
        print(f"{kind:<24}{f:>7}{s:>8}{m:>9}{f1:>7.2f}")


if __name__ == "__main__":
    main()
