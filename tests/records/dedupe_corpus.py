"""A labelled deduplication test set: the same (SYNTHETIC) articles exported by four databases.

Each article is written by two to four of Embase (RIS), PubMed (MEDLINE), Web of Science (plain
text) and a CSV export, with the usual variations (capitalisation, punctuation, HTML entities and
tags, translated-title brackets, abbreviated journals, initials-only authors, missing DOIs and
PMIDs, short page ranges, occasional typos, dropped subtitles and missing years), then read back
with the parsers. Hard negatives are
mixed in: companion papers with near-identical titles, protocol and results papers years apart,
and generic titles shared by different author groups.
"""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import combinations
from pathlib import Path

from evisynth.examples.synthetic_records import make_articles, vary
from evisynth.io.detect import read_export
from evisynth.io.writers import write_csv, write_medline, write_ris, write_wos
from evisynth.records.model import Citation


def _hard_negatives(rng: random.Random, start: int) -> list[Citation]:
    out = []
    base = make_articles(30, rng, start_pmid=980000001)
    for k, article in enumerate(base[:10]):  # companion papers: same team and year
        out.append(replace(article, title=f"{article.title}: part 1", doi=f"10.99998/a.{k}", pmid=""))
        out.append(
            replace(article, title=f"{article.title}: part 2", doi=f"10.99998/b.{k}", pmid="", pages="1-9")
        )
    for k, article in enumerate(base[10:20]):  # protocol, then results (other pages) 4-6 years later
        protocol = replace(article, doi="", pmid=str(970000000 + k), year=2010, volume="3", pages=f"e{k}")
        out.append(protocol)
        out.append(replace(article, doi="", pmid=str(970000100 + k), year=2014 + k % 3))
    for k, article in enumerate(base[20:30]):  # one generic title, different groups
        other = ("Zeta, Q",) if article.authors[0] != "Zeta, Q" else ("Yota, Q",)
        out.append(
            replace(
                article,
                title="Repetitive transcranial magnetic stimulation for depression",
                doi="",
                pmid=str(960000000 + k),
            )
        )
        out.append(
            replace(
                article,
                title="Repetitive transcranial magnetic stimulation for depression",
                authors=other,
                doi="",
                pmid=str(960000100 + k),
                year=article.year,
            )
        )
    return out


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text) // 2, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def build(folder: Path, seed: int = 7, n: int = 150) -> tuple[list[Citation], list[int]]:
    """Write the exports to ``folder`` and read them back: parsed records and their article labels."""
    rng = random.Random(seed)
    articles = make_articles(n, rng) + _hard_negatives(rng, n)
    outputs: dict[str, list[tuple[int, Citation]]] = {"ris": [], "medline": [], "wos": [], "csv": []}
    for label, article in enumerate(articles):
        hard = label >= n
        formats = ["ris"] if hard else rng.sample(sorted(outputs), rng.randint(2, 4))
        for fmt in formats:
            variant = vary(article, rng, keep_ids=fmt == "medline")
            roll = rng.random()
            if roll < 0.05:
                variant = replace(variant, title=_typo(variant.title, rng))
            elif roll < 0.08:  # subtitle dropped
                variant = replace(variant, title=variant.title.split(":")[0].split(" - ")[0])
            elif roll < 0.10:
                variant = replace(variant, year=None)
            if fmt == "medline" and not variant.pmid:
                fmt = "ris"
            outputs[fmt].append((label, variant))
    writers = {
        "ris": lambda r: write_ris(r, "Embase"),
        "medline": write_medline,
        "wos": write_wos,
        "csv": write_csv,
    }
    names = {"ris": "embase.ris", "medline": "pubmed.nbib", "wos": "wos.txt", "csv": "export.csv"}
    records: list[Citation] = []
    labels: list[int] = []
    for fmt, items in outputs.items():
        path = folder / names[fmt]
        path.write_text(writers[fmt]([c for _, c in items]), encoding="utf-8")
        result = read_export(path).result
        assert not result.problems and len(result.records) == len(items), result.problems
        records += result.records
        labels += [label for label, _ in items]
    return records, labels


def true_pairs(labels: list[int]) -> set[tuple[int, int]]:
    """Pairs of record positions that are the same article."""
    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    return {pair for members in by_label.values() for pair in combinations(members, 2)}


def predicted_pairs(groups: dict[int, list[int]]) -> set[tuple[int, int]]:
    """Pairs of record positions placed in one duplicate group (keeper + merged records)."""
    out = set()
    for keeper, merged in groups.items():
        members = sorted([keeper, *merged])
        out |= set(combinations(members, 2))
    return out
