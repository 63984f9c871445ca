"""Random-data comparison with metafor (needs R): a wider net than the committed grid.

    PYTHONPATH=src python validation/metafor/fuzz.py [--seed 1] [--datasets 30] [--out DIR]

Simulates generic (yi/vi), dichotomous and continuous datasets, draws random option
combinations for each, computes the expected documents with ``run_metafor.R`` (in ``--out``,
a temporary folder by default) and compares them with the engine exactly as
``tests/reference/test_metafor_reference.py`` does. Q-profile limits that metafor censors at its
search bound are ignored here (see README). Prints a summary of mismatching key paths with
examples; a case whose refit fails in metafor (e.g. Fisher scoring not converging) is skipped.
Cases that need a module not yet in ``evisynth.analyses`` are left out.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "reference"))

import test_metafor_reference as ref  # noqa: E402

TAU2 = ("DL", "REML", "ML", "PM", "SJ", "HE", "HS", "EB")


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def simulate(rng: np.random.Generator, data: Path, n: int) -> list[dict]:
    cases: list[dict] = []

    def add(cid: str, name: str, args: list[str], requires: list[str]) -> None:
        missing = [m for m in requires if ref._module_missing(m)]
        if not missing:
            cases.append({"id": cid, "data": name, "args": args, "requires": requires})

    def test_args() -> list[str]:
        t = str(rng.choice(["z", "hksj", "hksj-adhoc"]))
        return [] if t == "z" else ["--test", t]

    for j in range(n):
        # generic
        k = int(rng.integers(3, 31))
        scale = 10 ** rng.uniform(-3, 1)
        vi = scale * 10 ** rng.uniform(-1.5, 1.5, size=k)
        yi = rng.normal(rng.normal(0, 1), np.sqrt(scale) * rng.choice([0, 0.3, 1, 3]), size=k) + rng.normal(0, np.sqrt(vi))
        grp = rng.choice(["a", "b", "c"], size=k)
        grp[:3] = ["a", "b", "c"]
        x = rng.normal(size=k)
        name = f"g{j}.csv"
        _write(data / name, ["study", "yi", "vi", "grp", "x"],
               [[f"s{i}", repr(float(yi[i])), repr(float(vi[i])), grp[i], repr(float(x[i]))] for i in range(k)])
        for m in TAU2:
            base = ["--method", m, *test_args(), "--level", str(rng.choice(["0.9", "0.95", "0.99"]))]
            add(f"g{j}_{m}", name, base, [])
            if k >= 7:
                add(f"g{j}_{m}_sub", name, [*base, "--subgroup", "grp", "--subgroup-model",
                                            str(rng.choice(["separate", "common"]))], [])
                add(f"g{j}_{m}_mr", name, [*base, "--moderator", "grp", "--moderator", "x", "--predict", "grp=b,x=1"],
                    ["meta_regression"])
            add(f"g{j}_{m}_bias", name, [*base, "--bias"], ["publication_bias"])
            add(f"g{j}_{m}_sens", name, [*base, "--sensitivity", "--order", "x"], ["sensitivity"])
        add(f"g{j}_fixed", name, ["--model", "fixed", *test_args()], [])
        # dichotomous
        k = int(rng.integers(2, 16))
        n1, n2 = rng.integers(5, 300, size=k), rng.integers(5, 300, size=k)
        p = rng.uniform(0.001, 0.6)
        e1 = rng.binomial(n1, min(0.99, p * rng.uniform(0.3, 2)))
        e2 = rng.binomial(n2, p)
        name = f"b{j}.csv"
        _write(data / name, ["study", "events1", "n1", "events2", "n2", "grp"],
               [[f"t{i}", int(e1[i]), int(n1[i]), int(e2[i]), int(n2[i]), "ab"[i % 2]] for i in range(k)])
        for i in range(10):
            meas = str(rng.choice(["OR", "RR", "RD", "PETO"]))
            meth = str(rng.choice(["MH", "PETO", "IV", "REML", "DL", "PM"]))
            if meth == "MH" and meas == "PETO":
                meth = "IV"
            if meth == "PETO":
                meas = "PETO"
            args = ["--measure", meas, "--method", meth, "--continuity", str(rng.choice(["0", "0.5", "0.25"])),
                    str(rng.choice(["--keep-double-zero", "--drop-double-zero"])),
                    "--level", str(rng.choice(["0.9", "0.95", "0.99"]))]
            if meth == "MH":
                args += ["--mh-continuity", str(rng.choice(["revman", "none"]))]
            elif meth != "PETO":
                args += test_args()
            if k >= 4 and rng.random() < 0.5:
                args += ["--subgroup", "grp"]
            add(f"b{j}_r{i}", name, args, [])
        # continuous
        k = int(rng.integers(2, 20))
        n1, n2 = rng.integers(3, 200, size=k), rng.integers(3, 200, size=k)
        sd1 = rng.uniform(0.5, 20, size=k)
        sd2 = sd1 * rng.uniform(0.5, 2, size=k)
        m2 = rng.normal(10, 3, size=k)
        m1 = m2 + rng.normal(rng.normal(0, 3), rng.choice([0.1, 1, 4]), size=k)
        name = f"c{j}.csv"
        _write(data / name, ["study", "m1", "sd1", "n1", "m2", "sd2", "n2"],
               [[f"c{i}", round(m1[i], 3), round(sd1[i], 3), int(n1[i]), round(m2[i], 3), round(sd2[i], 3),
                 int(n2[i])] for i in range(k)])
        for v in ("revman", "large-sample", "unbiased"):
            m = str(rng.choice(TAU2))
            add(f"c{j}_smd_{v}", name, ["--measure", "SMD", "--smd-variance", v, "--method", m, *test_args()], [])
        add(f"c{j}_md", name, ["--measure", "MD", "--method", str(rng.choice(TAU2)), *test_args()], [])
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--datasets", type=int, default=30, help="datasets of each kind")
    ap.add_argument("--out", help="working folder (default: a temporary one)")
    opts = ap.parse_args()
    work = Path(opts.out) if opts.out else Path(tempfile.mkdtemp(prefix="evisynth-fuzz-"))
    data, expected = work / "data", work / "expected"
    data.mkdir(parents=True, exist_ok=True)
    expected.mkdir(parents=True, exist_ok=True)
    cases = simulate(np.random.default_rng(opts.seed), data, opts.datasets)
    (work / "cases.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")
    print(f"{len(cases)} cases in {work}; running metafor ...", flush=True)
    subprocess.run(["Rscript", str(ROOT / "validation" / "metafor" / "run_metafor.R"), str(work / "cases.json"),
                    str(expected), str(data)], cwd=ROOT, check=False)
    ref.DATA = data
    counts: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = {}
    bad = 0
    for case in cases:
        path = expected / f"{case['id']}.json"
        if not path.exists():
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        try:
            actual = ref.run_engine(case)
        except Exception as exc:  # report engine crashes and refusals with the case
            counts["ENGINE ERROR"] += 1
            examples.setdefault("ENGINE ERROR", []).append(f"{case['id']} {case['args']}: {type(exc).__name__}: {exc}")
            bad += 1
            continue
        problems: list[str] = []
        ref.compare(doc["expected"], actual, case["id"], problems)
        censored = doc["header"].get("censored_bounds", {})
        problems = [p for p in problems if not any(p.startswith(f"{case['id']}.{k}:") for k in censored)]
        bad += bool(problems)
        for p in problems:
            key = re.sub(r"\[\d+\]", "[]", p.split(":")[0].split(".", 1)[1])
            counts[key] += 1
            examples.setdefault(key, []).append(p[:240])
    print(f"cases with mismatches: {bad} of {len(cases)}")
    for key, n in counts.most_common():
        print(f"{n:5d}  {key}")
        for e in examples[key][:3]:
            print(f"         {e}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
