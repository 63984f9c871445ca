"""Single meta-analysis (k = 10): time per fit through the public API, vs metafor's rma().

    PYTHONPATH=src python benchmarks/bench_single.py [--fits 200]

evisynth is timed (process CPU time, best of several runs) with every statistic the analysis
document reports (estimate, SE, CI, P, Q, I², H², τ², its SE, prediction intervals) with and
without the Q-profile confidence interval of τ²/I²/H². metafor is timed on the same data inside one R session (no start-up):
``rma()`` alone, and ``rma()`` + ``confint()`` + ``predict()`` (the same set of numbers).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import (
    best_time,
    fmt_time,
    have_r_metafor,
    load_average,
    machine,
    peak_traced,
    r_json,
    ratio,
    simulate,
    table,
    write_matrix_csv,
)

R_SCRIPT = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); reps <- as.integer(args[2])
sets <- split(d, d$id)
res <- list()
for (m in c("DL", "REML")) {
  for (s in sets) rma(s$yi, s$vi, method = m)  # warm up
  cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }
  best1 <- Inf; best2 <- Inf
  for (r in 1:reps) {
    t0 <- cpu()
    for (s in sets) fit <- rma(s$yi, s$vi, method = m)
    t1 <- cpu()
    for (s in sets) { fit <- rma(s$yi, s$vi, method = m); ci <- confint(fit); p <- predict(fit) }
    t2 <- cpu()
    best1 <- min(best1, t1 - t0); best2 <- min(best2, t2 - t1)
  }
  res[[m]] <- c(rma = best1 / length(sets), full = best2 / length(sets))
}
cat(sprintf('{"DL": [%.9g, %.9g], "REML": [%.9g, %.9g]}\n', res$DL[1], res$DL[2], res$REML[1], res$REML[2]))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fits", type=int, default=200, help="distinct data sets cycled through")
    args = ap.parse_args()

    import evisynth
    from evisynth.models.pool import pool

    y, v = simulate(args.fits, 10)
    rows_y, rows_v = list(y), list(v)

    entry = "evisynth.pool (the public array entry point)"
    fit = evisynth.pool

    def loop(method: str, ci: bool):
        def run() -> None:
            for a, b in zip(rows_y, rows_v, strict=True):
                fit(a, b, method=method, heterogeneity_ci=ci)
        return run

    pool(rows_y[0], rows_v[0])  # imports scipy.special once
    results = {}
    for method in ("DL", "REML"):
        full = best_time(loop(method, True), repeat=7, cpu=True) / args.fits
        noci = best_time(loop(method, False), repeat=7, cpu=True) / args.fits
        results[method] = (full, noci)
    peak = peak_traced(loop("REML", True))

    r = None
    if have_r_metafor():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "single.csv"
            write_matrix_csv(path, y, v)
            r = r_json(R_SCRIPT, str(path), "5")

    print(f"machine: {machine()}; {load_average()}")
    print(f"single meta-analysis, k = 10, {args.fits} simulated data sets cycled; entry point {entry}; "
          "best of 7 runs, process CPU time per fit (R: user + system time in the same way)")
    rows = []
    for method in ("DL", "REML"):
        full, noci = results[method]
        r_rma, r_full = (r[method] if r else (float("nan"), float("nan")))
        rows.append([method, fmt_time(full), fmt_time(noci), fmt_time(r_full), fmt_time(r_rma),
                     ratio(r_full, full), ratio(r_rma, noci)])
    print(table(rows, ["method", "evisynth all stats + tau² CI", "evisynth no tau² CI",
                       "metafor rma+confint+predict", "metafor rma()", "speed-up (all)", "speed-up (no CI vs rma)"]))
    if r is None:
        print("R with metafor not found: metafor columns skipped")
    print(f"peak traced memory of {args.fits} REML fits with all statistics: {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
