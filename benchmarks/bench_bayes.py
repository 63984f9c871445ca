"""Bayesian random effects: one fit, and many small fits with fit_bayes_many against a loop of fit_bayes.

    PYTHONPATH=src python benchmarks/bench_bayes.py [--sizes 1000 10000] [--loop 100] [--repeat 3]

Process CPU time. Simulated meta-analyses (seeded) with k = 2..10 studies drawn uniformly,
standard errors U(0.1, 0.5), true τ² U(0, 0.1), μ N(0.2, 0.2²); half-normal(0.5) prior for τ
and N(0, 4²) for μ. "Every summary" is what ``fit_bayes`` computes (medians, means, SDs,
equal-tailed and shortest intervals of μ, τ and a new study, τ's mode, shrinkage estimates,
Bayes factors, density grids of 201 points); "quick" skips the shortest intervals, shrinkage
estimates and density grids (``intervals=False, shrinkage=False, densities=False``).

The loop of ``fit_bayes`` (every summary) is timed on the first ``--loop`` meta-analyses and
given per fit (a loop of 10,000 would take minutes); the quick runs are compared with a loop
of one-row ``fit_bayes_batch`` calls with the same options, the like-for-like single path.
Every row of ``fit_bayes_many`` equals ``fit_bayes`` on that meta-analysis to 1e-10
(``tests/bayes/test_bayes_many.py``); the script checks a few medians too.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from _common import SEED, fmt_time, load_average, machine, ratio, table

QUICK = {"intervals": False, "shrinkage": False, "densities": False}


def simulate(n: int, seed: int = SEED) -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    ks = rng.integers(2, 11, n)
    ys, ss = [], []
    for k in ks:
        s = rng.uniform(0.1, 0.5, k)
        ss.append(s)
        ys.append(rng.normal(0.2, 0.2) + rng.normal(0, 1, k) * np.sqrt(s**2 + rng.uniform(0, 0.1)))
    return ys, ss


def cpu(func: Any, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        func()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--full-max", type=int, default=1000, help="largest size also run with every summary")
    ap.add_argument("--loop", type=int, default=100, help="fits timed in the loop of fit_bayes")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from evisynth.models.bayes import fit_bayes, fit_bayes_batch
    from evisynth.models.bayes_many import fit_bayes_many
    from evisynth.models.bayes_priors import half_normal

    prior, mu_prior = half_normal(0.5), (0.0, 4.0)
    ys, ss = simulate(max(args.sizes))
    load_before = load_average()
    y3, s3 = np.array([-0.5, -0.2, -0.9]), np.array([0.3, 0.25, 0.4])
    fit_bayes(y3, s3, prior, mu_prior=mu_prior)  # warm-up (imports, caches)
    t_one = cpu(lambda: fit_bayes(y3, s3, prior, mu_prior=mu_prior), args.repeat)
    m = min(args.loop, len(ys))
    t_loop = cpu(lambda: [fit_bayes(ys[i], ss[i], prior, mu_prior=mu_prior) for i in range(m)]) / m
    t_loop_q = cpu(lambda: [fit_bayes_batch(ys[i][None], ss[i][None], prior, mu_prior=mu_prior, **QUICK)
                            for i in range(m)]) / m
    rows = [["one fit, k = 3, every summary (`fit_bayes`)", 1, fmt_time(t_one), fmt_time(t_one), "", "", "", ""]]
    for n in args.sizes:
        runs = [("every summary", {}, t_loop)] if n <= args.full_max else []
        runs += [("quick", QUICK, t_loop_q), ("quick, no Bayes factors", {**QUICK, "bayes_factors": False}, nan)]
        for label, opts, loop in runs:
            res: list[Any] = []
            t = cpu(lambda opts=opts, n=n, res=res: res.append(fit_bayes_many(ys[:n], ss[:n], prior, mu_prior=mu_prior,
                                                                    **opts)))
            for i in (0, n // 2, n - 1):  # the rows are fit_bayes's numbers
                one = fit_bayes(ys[i], ss[i], prior, mu_prior=mu_prior)
                assert abs(res[-1].mu.median[i] - one.mu.median) <= 1e-10 * max(1.0, abs(one.mu.median))
            rows.append([f"`fit_bayes_many`, {label}", f"{n:,}", fmt_time(t), f"{t / n * 1e3:.2f} ms",
                         f"{t_loop * 1e3:.2f} ms", ratio(t_loop, t / n),
                         "-" if loop != loop else f"{loop * 1e3:.2f} ms", ratio(loop, t / n)])
    print(f"# Bayesian random effects ({machine()})\n# {load_before} before, {load_average()} after\n")
    print(table(rows, ["run", "fits", "total (CPU)", "per fit", "loop of fit_bayes, per fit", "speed-up",
                       "loop, same options", "speed-up (same work)"]))
    print(f"\nLoop of fit_bayes (every summary) timed on {m} fits; the quick rows are compared with a loop of "
          "one-row fit_bayes_batch calls with the same options.")


nan = float("nan")

if __name__ == "__main__":
    main()
