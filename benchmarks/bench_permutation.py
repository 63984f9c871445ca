"""Meta-regression permutation test (5,000 permutations, k = 18) vs metafor's permutest().

    PYTHONPATH=src python benchmarks/bench_permutation.py [--permutations 5000]

Times the whole ``run_analysis`` (meta-regression, its permutation test and the rest of the
analysis) and its peak traced memory; metafor's ``permutest()`` is timed on the same data
where R with metafor is installed. The permutation P values agree only up to Monte Carlo
error: the two draw different permutations.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import fmt_time, have_r_metafor, load_average, machine, peak_traced, r_json, ratio, table

R_PERM = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); iter <- as.integer(args[2])
fit <- rma(yi, vi, mods = ~ dose, data = d, method = "REML")
set.seed(1)
t0 <- proc.time()[["elapsed"]]
p <- permutest(fit, iter = iter, progbar = FALSE)
cat(sprintf('{"seconds": %.6f, "pval": %.6f}\n', proc.time()[["elapsed"]] - t0, p$pval[2]))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--permutations", type=int, default=5000)
    args = ap.parse_args()
    if importlib.util.find_spec("evisynth.analyses.meta_regression") is None:
        print("evisynth.analyses.meta_regression is not available on this branch: permutation benchmark skipped")
        return
    from evisynth.analyses.run import run_analysis
    from evisynth.analyses.spec import AnalysisSpec

    rng = np.random.default_rng(20261124)
    k = 18
    dose = rng.uniform(0, 10, k)
    vi = rng.uniform(0.01, 0.1, k)
    yi = 0.05 * dose + rng.normal(0, np.sqrt(vi + 0.02))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metareg.csv"
        lines = ["study,yi,vi,dose"] + [f"S{i + 1},{a:.10g},{b:.10g},{c:.10g}" for i, (a, b, c) in
                                        enumerate(zip(yi, vi, dose, strict=True))]
        path.write_text("\n".join(lines) + "\n")
        spec = AnalysisSpec(measure="GEN", method="REML", moderators=("dose",), permutations=args.permutations)
        run_analysis(path, AnalysisSpec(measure="GEN", method="REML", moderators=("dose",), permutations=10))
        t0 = time.perf_counter()
        bundle = run_analysis(path, spec)
        t = time.perf_counter() - t0
        mr = bundle.meta_regression
        peak = peak_traced(lambda: run_analysis(path, spec))
        r = r_json(R_PERM, str(path), str(args.permutations)) if have_r_metafor() else None
    print(f"machine: {machine()}; {load_average()}")
    perm_p = None if mr is None else mr.permutation_p  # typed result (issue #19)
    dose_p = perm_p[-1] if isinstance(perm_p, (list, tuple)) and perm_p else perm_p
    rows = [["evisynth run_analysis (meta-regression + permutation test)", fmt_time(t),
             f"{dose_p:.4f}" if isinstance(dose_p, float) else str(dose_p), ""]]
    if r:
        rows.append(["metafor permutest()", fmt_time(r["seconds"]), f"{r['pval']:.4f}", ratio(r["seconds"], t)])
    else:
        rows.append(["metafor permutest()", "skipped (R/metafor not found)", "", ""])
    print(f"k = {k}, one continuous moderator, REML, {args.permutations} permutations")
    print(table(rows, ["what", "time", "permutation P (dose)", "speed-up"]))
    print(f"evisynth peak traced memory: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
