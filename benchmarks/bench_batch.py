"""Batches of independent meta-analyses (k = 10): evisynth vs PyMARE's vectorised estimators
and a metafor loop, on the same simulated data in the same run.

    PYTHONPATH=src python benchmarks/bench_batch.py [--sizes 100000 1000000] [--metafor-fits 1000]

evisynth: ``evisynth.batch.batch_meta_analysis`` with every column (estimate, SE, CI, P,
Q, I², H², τ² and its SE, prediction intervals, convergence), Wald z test, no Q-profile
intervals. PyMARE (if installed): ``DerSimonianLaird`` / ``VarianceBasedLikelihoodEstimator
(method="REML")`` fitted to all data sets at once (its vectorised path), 100,000 only.
metafor (if R is installed): ``rma()`` in a loop over the first ``--metafor-fits`` data sets,
per-fit time multiplied out to the batch size. Wall time, best of 3 (1,000,000: best of 2);
peak memory is the peak of memory traced by tracemalloc (numpy allocations included) in a
separate run.

Whole processes (``--processes``, default on; ``--whole-only`` runs only this part): the same
100,000 meta-analyses (1,000,000 rows, k = 10) as a long CSV file; ``evisynth batch`` (REML)
against PyMARE's whole process on that file (``pymare_batch.py``: pandas reads it, PyMARE's
vectorised REML fits, pandas writes the results), each a fresh process, alternated, best of
``--repeat`` (default 3); beside them evisynth's kernel alone (``fit_grouped`` on the arrays
already in memory, best of 3) to show where the rest of the process goes. Both processes run
with bytecode caches (in a folder of the run; one warm-up run each, not counted), each run
writes a new results file.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from _common import (
    HERE,
    best_time,
    evisynth_env,
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

R_LOOP = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
sets <- split(d, d$id)
out <- c(); failed <- c()
for (m in c("DL", "REML")) {
  for (s in sets[1:10]) rma(s$yi, s$vi, method = m)
  t0 <- proc.time()[["elapsed"]]
  tau2 <- numeric(length(sets))
  for (i in seq_along(sets))
    tau2[i] <- tryCatch(rma(sets[[i]]$yi, sets[[i]]$vi, method = m)$tau2, error = function(e) NA)
  out[m] <- (proc.time()[["elapsed"]] - t0) / length(sets)
  failed[m] <- sum(is.na(tau2))
  write.csv(data.frame(tau2 = tau2), paste0(args[1], ".", m, ".tau2.csv"), row.names = FALSE)
}
cat(sprintf('{"DL": %.9g, "REML": %.9g, "failed_DL": %d, "failed_REML": %d}\n',
            out[["DL"]], out[["REML"]], failed[["DL"]], failed[["REML"]]))
"""


def pymare_fit(method: str, y: np.ndarray, v: np.ndarray) -> np.ndarray:
    from pymare import estimators

    est = estimators.DerSimonianLaird() if method == "DL" else estimators.VarianceBasedLikelihoodEstimator(
        method="REML")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(y=y.T, v=v.T, X=np.ones((y.shape[1], 1)))
    return np.asarray(est.params_["tau2"]).ravel()


def run_process(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system, all threads) seconds of one process."""
    import os
    import subprocess

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def whole_processes(meta_analyses: int, repeat: int, have_pymare: bool) -> None:
    """``evisynth batch`` vs PyMARE's whole process on the same long CSV, and evisynth's kernel."""
    import sys

    import pyarrow as pa
    import pyarrow.csv as pcsv

    from evisynth.batch import fit_grouped

    y, v = simulate(meta_analyses, 10)
    m, k = y.shape
    ids = np.repeat(np.arange(m), k)
    py = sys.executable
    env = evisynth_env()
    with tempfile.TemporaryDirectory(prefix="evisynth-bench-") as tmp:
        src = Path(tmp) / "long.csv"
        pcsv.write_csv(pa.table({"review": ids, "yi": y.ravel(), "vi": v.ravel()}), src)
        # Both as installed software runs: with bytecode caches (a checkout run with
        # PYTHONDONTWRITEBYTECODE would compile evisynth's modules from source every time, while
        # PyMARE's installed modules have theirs), kept in a folder of this run; one warm-up run each.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")

        def ours(i: int) -> list[str]:  # a new results file each run (replacing one would hash the old one)
            return [py, "-m", "evisynth", "batch", str(src), "--group", "review", "--method", "REML",
                    "--out", str(Path(tmp) / f"evisynth-{i}.csv"), "--no-progress"]

        def theirs(i: int) -> list[str]:
            return [py, str(HERE / "pymare_batch.py"), str(src), str(Path(tmp) / f"pymare-{i}.csv"), "--group",
                    "review", "--method", "REML"]

        run_process(ours(-1), env)
        if have_pymare:
            run_process(theirs(-1), env)
        t_ours: list[tuple[float, float]] = []
        t_theirs: list[tuple[float, float]] = []
        for i in range(repeat):  # alternated, so both see the same load
            t_ours.append(run_process(ours(i), env))
            if have_pymare:
                t_theirs.append(run_process(theirs(i), env))
        gid = ids.astype(np.int64)
        t_kernel = best_time(lambda: fit_grouped(gid, y.ravel(), v.ravel(), m, method="REML"), repeat=3)
        size = src.stat().st_size
    nan = (float("nan"), float("nan"))
    best_ours = min(t_ours)
    best_theirs = min(t_theirs) if t_theirs else nan
    cpu_ours = min(t[1] for t in t_ours)
    cpu_theirs = min(t[1] for t in t_theirs) if t_theirs else float("nan")
    print(f"\nWhole processes on one long CSV ({m:,} meta-analyses, {m * k:,} rows, {size / 2**20:.0f} MiB), REML, "
          f"best of {repeat} (all wall times: evisynth {', '.join(fmt_time(t[0]) for t in t_ours)}; PyMARE "
          f"{', '.join(fmt_time(t[0]) for t in t_theirs) or '-'}); {load_average()}")
    print(table([["wall", fmt_time(best_ours[0]), fmt_time(t_kernel), fmt_time(best_theirs[0]),
                  ratio(best_theirs[0], best_ours[0])],
                 ["CPU (user + system)", fmt_time(cpu_ours), "", fmt_time(cpu_theirs), ratio(cpu_theirs, cpu_ours)]],
                ["", "evisynth batch (process)", "its kernel (fit_grouped)", "PyMARE (process)", "vs PyMARE"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--metafor-fits", type=int, default=1000)
    ap.add_argument("--no-pymare", action="store_true")
    ap.add_argument("--process-size", type=int, default=100_000, help="meta-analyses in the whole-process run")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each whole process (best is reported)")
    ap.add_argument("--no-processes", action="store_true", help="skip the whole-process comparison")
    ap.add_argument("--whole-only", action="store_true", help="only the whole-process comparison")
    args = ap.parse_args()
    if args.whole_only:
        try:
            if args.no_pymare:
                raise ImportError
            import pymare
            have = True
        except ImportError:
            have = False
        print(f"machine: {machine()}; {load_average()}")
        whole_processes(args.process_size, args.repeat, have)
        return

    from evisynth.batch import batch_meta_analysis

    y_all, v_all = simulate(max(args.sizes), 10)
    batch_meta_analysis(y_all[:100], v_all[:100])  # imports scipy.special once

    try:
        if args.no_pymare:
            raise ImportError
        t0 = time.perf_counter()
        import pymare  # noqa: F401

        pymare_import = time.perf_counter() - t0
        have_pymare = True
    except ImportError:
        have_pymare, pymare_import = False, float("nan")

    r_per_fit: dict[str, float] = {}
    r_tau2: dict[str, np.ndarray] = {}
    if have_r_metafor() and args.metafor_fits > 0:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "batch.csv"
            n = min(args.metafor_fits, len(y_all))
            write_matrix_csv(path, y_all[:n], v_all[:n])
            r_per_fit = r_json(R_LOOP, str(path))
            for method in ("DL", "REML"):
                r_tau2[method] = np.genfromtxt(f"{path}.{method}.tau2.csv", skip_header=1, delimiter=",")

    print(f"machine: {machine()}; {load_average()}")
    rows = []
    notes = []
    for size in args.sizes:
        y, v = y_all[:size], v_all[:size]
        for method in ("DL", "REML"):
            repeat = 3 if size <= 200_000 else 2
            res = {}

            def run(method=method, y=y, v=v, res=res):
                res.update(batch_meta_analysis(y, v, method=method))

            t = best_time(run, repeat=repeat)
            peak = peak_traced(lambda y=y, v=v, method=method: batch_meta_analysis(y, v, method=method))
            nonconv = int((~res["converged"]).sum())
            t_py = float("nan")
            if have_pymare and size <= 200_000:
                t0 = time.perf_counter()
                tau2_py = pymare_fit(method, y, v)
                t_py = time.perf_counter() - t0
                d = np.abs(tau2_py - res["tau2"])
                notes.append(f"{method} {size:,}: |tau2 evisynth - PyMARE| median {np.median(d):.1e}, "
                             f"99th pct {np.percentile(d, 99):.1e}, max {d.max():.1e}")
            t_r = r_per_fit.get(method, float("nan")) * size
            if method in r_tau2 and size == args.sizes[0]:
                n = len(r_tau2[method])
                d = np.abs(r_tau2[method] - res["tau2"][:n])
                failed = int(r_per_fit.get(f"failed_{method}", 0))
                notes.append(f"{method}: |tau2 evisynth - metafor| over {n} fits: max {np.nanmax(d):.1e} "
                             "(metafor's default threshold 1e-5 vs evisynth's 1e-12); metafor stopped with an "
                             f"error (did not converge) on {failed} of them")
            rows.append([f"{size:,}", method, fmt_time(t), f"{size / t:,.0f}/s", f"{peak / 2**20:.0f} MiB", nonconv,
                         fmt_time(t_py), ratio(t_py, t), fmt_time(t_r), ratio(t_r, t)])
    print(table(rows, ["meta-analyses", "method", "evisynth", "rate", "peak traced", "not converged",
                       "PyMARE", "vs PyMARE", "metafor loop (extrap.)", "vs metafor"]))
    if have_pymare:
        print(f"PyMARE import: {pymare_import:.2f} s (not included above)")
    else:
        print("PyMARE not installed: skipped")
    if r_per_fit:
        print(f"metafor loop: rma() per fit measured over {args.metafor_fits} data sets in one R session: "
              + ", ".join(f"{m} {fmt_time(r_per_fit[m])}" for m in ("DL", "REML")))
    else:
        print("R with metafor not found: skipped")
    for note in notes:
        print(note)
    if not args.no_processes:
        whole_processes(args.process_size, args.repeat, have_pymare)


if __name__ == "__main__":
    main()
