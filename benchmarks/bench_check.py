"""``evisynth check`` time against text length: it must grow linearly.

The text is real: the abstracts and plain-language summaries of the checker corpus
(``benchmarks/checker_corpus/texts.jsonl``) repeated until the size is reached, so every size has
the same density of claims, certainty statements and wording. Sizes follow issue #13 (174 KB,
698 KB, 5 MB), where the previous checker took 1.6 s, 19.4 s and more than 120 s.

    PYTHONPATH=src python benchmarks/bench_check.py            # 174 KB, 698 KB, 5 MB
    PYTHONPATH=src python benchmarks/bench_check.py --quick    # 174 KB and 698 KB
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _common import ROOT  # noqa: F401  (puts src/ on the path when evisynth is not installed)

from evisynth.check import check_text

CORPUS = Path(__file__).resolve().parent / "checker_corpus" / "texts.jsonl"


def make_text(size: int) -> str:
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    block = "\n\n".join(texts) + "\n\n"
    return (block * (size // len(block) + 1))[:size]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [174_000, 698_000] + ([] if args.quick else [5_000_000])
    print(f"{'size':>10} {'chars':>10} {'claims':>8} {'findings':>9} {'seconds':>8} {'s per MB':>9}")
    base = None
    for size in sizes:
        text = make_text(size)
        t0 = time.perf_counter()
        result = check_text(text)
        elapsed = time.perf_counter() - t0
        per_mb = elapsed / (len(text) / 1e6)
        base = base or per_mb
        label = f"{size / 1e6:.3g} MB" if size >= 1e6 else f"{size // 1000} KB"
        print(
            f"{label:>10} {len(text):>10,} {len(result.claims):>8,} {len(result.findings):>9,} {elapsed:>8.2f} "
            f"{per_mb:>9.2f}  ({per_mb / base:.2f}x the smallest size's time per MB)"
        )


if __name__ == "__main__":
    main()
