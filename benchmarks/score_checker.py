"""Score ``evisynth check`` on the real-text corpus in ``benchmarks/checker_corpus``.

Prints, for a split (``dev``, ``heldout``, ``test`` or ``all``; ``test`` was annotated blind and is
scored once, at the end of a round):

* findings against the hand annotations of the real texts: recall and precision by kind
  (a finding counts when it has the annotated kind and overlaps the annotated span), for all
  findings and for errors only; false errors per clean text and false errors on annotated texts
  outside every annotated span;
* mutation cases (one number, sign, measure, P value, count or word changed in a real
  abstract): the share caught with a new finding of the expected kind at the changed span;
* claim extraction accuracy on ``extraction.jsonl`` (every expected field must match).

    PYTHONPATH=src python benchmarks/score_checker.py --split dev
    PYTHONPATH=src python benchmarks/score_checker.py --split heldout --details
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from _common import ROOT  # noqa: F401  (puts src/ on the path when evisynth is not installed)

from evisynth.check import check_text

HERE = Path(__file__).resolve().parent / "checker_corpus"


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _span(text: str, quote: str, occurrence: int) -> tuple[int, int]:
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            raise ValueError(f"annotation quote not in text: {quote!r}")
    return pos, pos + len(quote)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_texts(records: list[dict], by_id: dict[str, dict], details: bool) -> dict:
    recall = defaultdict(lambda: [0, 0])  # kind -> [found, total]
    recall_err = defaultdict(lambda: [0, 0])
    emitted = defaultdict(lambda: [0, 0])  # kind -> [true, all]   (all severities)
    emitted_err = defaultdict(lambda: [0, 0])
    clean_texts = clean_false_errors = other_false_errors = unlocated = 0
    genre_recall = defaultdict(lambda: [0, 0])
    for rec in records:
        source = by_id[rec["against"]]["text"] if rec.get("against") else None
        result = check_text(rec["text"], source)
        spans = [(a, _span(rec["text"], a["quote"], a["occurrence"])) for a in rec["annotations"]]
        for a, sp in spans:
            hit = any(
                f.kind == a["kind"] and f.start is not None and _overlap((f.start, f.end), sp) for f in result.findings
            )
            recall[a["kind"]][0] += hit
            recall[a["kind"]][1] += 1
            genre_recall[rec["genre"]][0] += hit
            genre_recall[rec["genre"]][1] += 1
            if a["severity"] == "error":
                recall_err[a["kind"]][0] += hit
                recall_err[a["kind"]][1] += 1
            if details and not hit:
                print(f"  MISSED {rec['id']} {a['kind']}: {a['quote'][:70]!r}", file=sys.stderr)
        if not rec["annotations"]:
            clean_texts += 1
        for f in result.findings:
            if f.start is None:
                unlocated += 1
                continue
            ok = any(a["kind"] == f.kind and _overlap((f.start, f.end), sp) for a, sp in spans)
            emitted[f.kind][0] += ok
            emitted[f.kind][1] += 1
            if f.severity == "error":
                emitted_err[f.kind][0] += ok
                emitted_err[f.kind][1] += 1
                if not ok:
                    if rec["annotations"]:
                        other_false_errors += not any(_overlap((f.start, f.end), sp) for _a, sp in spans)
                    else:
                        clean_false_errors += 1
            if details and not ok:
                quote = result.text[f.start : f.end]
                print(f"  FALSE {f.severity} {rec['id']} {f.kind}: {quote[:60]!r} -- {f.message[:110]}", file=sys.stderr)
    return dict(
        recall=recall,
        recall_err=recall_err,
        emitted=emitted,
        emitted_err=emitted_err,
        clean_texts=clean_texts,
        clean_false_errors=clean_false_errors,
        other_false_errors=other_false_errors,
        unlocated=unlocated,
        genre_recall=genre_recall,
        n=len(records),
    )


def score_mutations(mutations: list[dict], by_id: dict[str, dict], details: bool) -> dict:
    caught = defaultdict(lambda: [0, 0])
    as_error = 0
    for m in mutations:
        base = by_id[m["base"]]
        text = base["text"]
        source_text = (by_id[base["against"]]["text"] if base.get("against") else text) if m["against"] else None
        start = text.find(m["find"])
        mutated = text[:start] + m["replace"] + text[start + len(m["find"]) :]
        span = (start, start + len(m["replace"]))
        before = {(f.kind, f.message) for f in check_text(text, source_text).findings}
        after = check_text(mutated, source_text).findings
        new = [f for f in after if (f.kind, f.message) not in before and f.kind == m["expect"]]
        hit = [f for f in new if f.start is None or _overlap((f.start, f.end), (span[0] - 1, span[1] + 1))]
        caught[m["expect"]][0] += bool(hit)
        caught[m["expect"]][1] += 1
        as_error += any(f.severity == "error" for f in hit)
        if details and not hit:
            print(f"  MUTATION MISSED {m['id']} {m['expect']}: {m['find'][:50]!r} -> {m['replace'][:50]!r}", file=sys.stderr)
    return dict(caught=caught, as_error=as_error, n=len(mutations))


def score_extraction(cases: list[dict], details: bool) -> tuple[int, int]:
    found = total = 0
    for case in cases:
        claims = [c.to_dict() for c in check_text(case["text"]).claims]
        for want in case["claims"]:
            total += 1
            ok = any(all(_same(c.get(k), v) for k, v in want.items()) for c in claims)
            found += ok
            if details and not ok:
                print(f"  EXTRACTION MISSED {case['id']}: {want} in {case['text'][:70]!r}", file=sys.stderr)
    return found, total


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return a == b


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "  -  "


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout", "test", "all"), default="dev")
    parser.add_argument("--details", action="store_true", help="list misses and false findings on stderr")
    parser.add_argument("--reviews", nargs="+", metavar="ID", help="only these reviews (ids before the ':')")
    args = parser.parse_args(argv)
    texts = _load("texts.jsonl")
    by_id = {r["id"]: r for r in texts}
    pick = (lambda r: True) if args.split == "all" else (lambda r: r["split"] == args.split)
    if args.reviews:
        split_pick, wanted = pick, set(args.reviews)
        pick = lambda r: split_pick(r) and r.get("base", r["id"]).split(":")[0] in wanted  # noqa: E731
    records = [r for r in texts if pick(r)]
    t = score_texts(records, by_id, args.details)
    mutations = [m for m in _load("mutations.jsonl") if pick(m)]
    mu = score_mutations(mutations, by_id, args.details)
    extraction = [c for c in _load("extraction.jsonl") if pick(c)]
    ex_found, ex_total = score_extraction(extraction, args.details)

    print(f"evisynth check on the checker corpus, split = {args.split}")
    print(
        f"real texts: {t['n']} ({t['clean_texts']} with no annotated error); mutations: {mu['n']}; "
        f"extraction cases: {len(extraction)}\n"
    )
    kinds = sorted(set(t["recall"]) | set(t["emitted"]))
    print(f"{'kind':28} {'recall (all)':>16} {'recall (errors)':>16} {'precision (all)':>16} {'precision (errors)':>19}")
    for k in kinds:
        r, re_, p, pe = t["recall"][k], t["recall_err"][k], t["emitted"][k], t["emitted_err"][k]
        print(f"{k:28} {_ratio(*r):>16} {_ratio(*re_):>16} {_ratio(*p):>16} {_ratio(*pe):>19}")
    tot = [sum(v[0] for v in t["recall"].values()), sum(v[1] for v in t["recall"].values())]
    tot_p = [sum(v[0] for v in t["emitted"].values()), sum(v[1] for v in t["emitted"].values())]
    tot_pe = [sum(v[0] for v in t["emitted_err"].values()), sum(v[1] for v in t["emitted_err"].values())]
    tot_re = [sum(v[0] for v in t["recall_err"].values()), sum(v[1] for v in t["recall_err"].values())]
    print(f"{'overall (real texts)':28} {_ratio(*tot):>16} {_ratio(*tot_re):>16} {_ratio(*tot_p):>16} {_ratio(*tot_pe):>19}")
    print("\nrecall by genre: " + "; ".join(f"{g} {_ratio(*v)}" for g, v in sorted(t["genre_recall"].items())))
    print(
        f"false errors per clean text: {t['clean_false_errors'] / max(1, t['clean_texts']):.2f} "
        f"({t['clean_false_errors']} on {t['clean_texts']} clean texts); false errors outside annotated spans of "
        f"annotated texts: {t['other_false_errors']}; findings without a span (dropped key findings): {t['unlocated']}"
    )
    print("\nmutations caught (new finding of the expected kind at the changed span):")
    for k, v in sorted(mu["caught"].items()):
        print(f"  {k:28} {_ratio(*v)}")
    caught = sum(v[0] for v in mu["caught"].values())
    print(f"  {'overall':28} {_ratio(caught, mu['n'])}; reported as an error: {_ratio(mu['as_error'], mu['n'])}")
    both = [tot[0] + caught, tot[1] + mu["n"]]
    print(f"\nrecall overall (real-text annotations + mutations): {_ratio(*both)}")
    print(f"claim extraction accuracy: {_ratio(ex_found, ex_total)}")


if __name__ == "__main__":
    main()
