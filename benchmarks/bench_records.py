"""Benchmark: import and deduplicate 100,000 SYNTHETIC records (RIS, MEDLINE, Web of Science, CSV).

Run ``PYTHONPATH=src python benchmarks/bench_records.py [--records N] [--seed S] [--keep]``; set
``EVISYNTH_DB_URL`` to benchmark PostgreSQL instead of SQLite (use an empty database or schema). It writes a
synthetic search (75 % unique articles, 25 % re-exports of them with the usual variations) to a
temporary folder, then times parsing, the import into a fresh SQLite project and deduplication, and
prints the timings and the deduplication result against the known truth.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from evisynth.examples.synthetic_records import vary
from evisynth.io.detect import read_export
from evisynth.io.writers import write_csv, write_medline, write_ris, write_wos
from evisynth.records.model import Citation
from evisynth.store.project import Project

_SYLLABLES = (
    "ka to ri mo se la ne vi du po ga fe li ru co mi sa te ba ho ze qu an el in or um ex ta lo ve ni ma"
).split()


def _words(rng: random.Random, n: int, low: int = 2, high: int = 4) -> list[str]:
    return list({"".join(rng.choices(_SYLLABLES, k=rng.randint(low, high))) for _ in range(n)})


def synthetic_articles(n: int, rng: random.Random) -> list[Citation]:
    """``n`` SYNTHETIC articles with a realistic spread of title words and surnames."""
    vocabulary = _words(rng, 20000)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))  # Zipf-like
    surnames = [w.capitalize() for w in _words(rng, 8000, 2, 3)]
    out = []
    for k in range(n):
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(6, 14))
        title = " ".join(words).capitalize() + ": " + " ".join(rng.choices(vocabulary, k=3))
        first = rng.randint(1, 2000)
        out.append(
            Citation(
                title=title,
                authors=tuple(
                    f"{rng.choice(surnames)}, {rng.choice('ABCDEFGHJK')}" for _ in range(rng.randint(1, 6))
                ),
                year=rng.randint(1980, 2025),
                journal=f"Journal of {rng.choice(vocabulary).capitalize()}",
                volume=str(rng.randint(1, 200)),
                pages=f"{first}-{first + rng.randint(2, 20)}",
                doi=f"10.99999/bench.{k}" if rng.random() < 0.7 else "",
                pmid=str(900000000 + k),
                abstract="SYNTHETIC abstract. " * 8,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    unique = int(args.records * 0.75)
    t0 = time.perf_counter()
    articles = synthetic_articles(unique, rng)
    files: dict[str, list[tuple[int, Citation]]] = {
        n: [] for n in ("embase.ris", "pubmed.nbib", "wos.txt", "export.csv")
    }
    names = list(files)
    for label, article in enumerate(articles):
        files[names[label % 4]].append((label, article))
    for _ in range(args.records - unique):
        label = rng.randrange(unique)
        variant = vary(articles[label], rng, keep_ids=False)
        target = rng.choice(names)
        if target == "pubmed.nbib":
            variant = replace(variant, pmid=articles[label].pmid)
        files[target].append((label, variant))
    folder = Path(tempfile.mkdtemp(prefix="evisynth-bench-"))
    writers = {
        "embase.ris": lambda r: write_ris(r, "Embase"),
        "pubmed.nbib": write_medline,
        "wos.txt": write_wos,
        "export.csv": write_csv,
    }
    for name, items in files.items():
        (folder / name).write_text(writers[name]([c for _, c in items]), encoding="utf-8")
    t1 = time.perf_counter()
    print(f"generated {args.records} synthetic records in {t1 - t0:.1f} s ({folder})")

    project = Project(folder)
    parse_time = import_time = 0.0
    total = 0
    for name in names:
        a = time.perf_counter()
        export = read_export(folder / name)
        b = time.perf_counter()
        project.import_records(
            export.result, database=name.split(".")[0], file_name=name, sha256=export.sha256
        )
        c = time.perf_counter()
        parse_time += b - a
        import_time += c - b
        total += len(export.result.records)
    print(
        f"parsed {total} records in {parse_time:.1f} s; imported into {project.engine.dialect.name} "
        f"in {import_time:.1f} s"
    )
    a = time.perf_counter()
    summary = project.dedupe()
    b = time.perf_counter()
    print(f"deduplicated in {b - a:.1f} s: {summary.merged} merged, {summary.queued} queued for review")
    labels = [label for name in names for label, _ in files[name]]
    merged = {m.record_id: m.keeper_id for m in project.merges()}
    truth_dups = len(labels) - len(set(labels))
    correct = sum(labels[r - 1] == labels[k - 1] for r, k in merged.items())
    print(f"true duplicates {truth_dups}; merges {len(merged)}, of which correct {correct}")
    print(f"TOTAL import + dedupe: {parse_time + import_time + (b - a):.1f} s")
    project.close()
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
