"""Dependent effects: evisynth vs metafor rma.mv, clubSandwich and robumeta, timed in the same run.

    PYTHONPATH=src python benchmarks/bench_dependent.py [--repeat 5]

Per-fit process CPU time (best of ``--repeat`` runs) on the published datasets of the reference
suite (tests/reference/dependent), the R side timed inside one R session on the same data:

* three-level model: ``fit_multilevel`` (REML, with profile CIs of both σ² and both LRTs) against
  ``rma.mv`` + ``confint`` (both components) + the two reduced fits; and without the profile CIs
  against ``rma.mv`` alone;
* CR2: ``robust_random`` (REML fit + CR2 + Satterthwaite df + HTZ) against ``rma.uni`` +
  ``coef_test(vcov = "CR2")`` + ``Wald_test(test = "HTZ")``; ``robust_correlated`` against
  ``robumeta::robu(modelweights = "CORR", small = TRUE)``.

The Bayesian fits are timed by ``bench_bayes.py``.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
from _common import ROOT, best_time, fmt_time, have_r_metafor, load_average, machine, r_json, ratio, table

DATA = ROOT / "tests" / "reference" / "dependent"
SETS = {"assink2016": "deltype + year", "dropoutprevention": "study_design + attrition + male_pct",
        "konstantopoulos2011": None}

R_SCRIPT = r"""
suppressMessages({library(metafor); library(clubSandwich); library(robumeta)})
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; reps <- as.integer(args[2])
cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }
best <- function(f) { f(); b <- Inf; for (r in 1:reps) { t0 <- cpu(); f(); b <- min(b, cpu() - t0) }; b }
sets <- list(assink2016 = "~ deltype + year", dropoutprevention = "~ study_design + attrition + male_pct",
             konstantopoulos2011 = NA)
out <- list()
for (name in names(sets)) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  mods <- sets[[name]]
  X <- if (is.na(mods)) NULL else model.matrix(as.formula(mods), d)[, -1, drop = FALSE]
  mv <- function(s2 = c(NA, NA)) {
    a <- list(yi = d$yi, V = d$vi, random = ~ 1 | study / esid, data = d, sigma2 = s2)
    if (!is.null(X)) a$mods <- X
    do.call(rma.mv, a)
  }
  t_mv <- best(function() mv())
  t_all <- best(function() { r <- mv(); confint(r, sigma2 = 1); confint(r, sigma2 = 2); mv(c(0, NA)); mv(c(NA, 0)) })
  t_club <- best(function() { r <- if (is.null(X)) rma.uni(d$yi, d$vi, method = "REML") else
      rma.uni(d$yi, d$vi, mods = X, method = "REML")
    coef_test(r, vcov = "CR2", cluster = d$study)
    if (!is.null(X)) Wald_test(r, constraints = constrain_zero(2:(ncol(X) + 1)), vcov = "CR2", cluster = d$study) })
  f <- as.formula(paste("yi", if (is.na(mods)) "~ 1" else mods))
  t_robu <- best(function() robu(f, data = d, studynum = d$study, var.eff.size = d$vi, modelweights = "CORR",
                                 rho = 0.8, small = TRUE))
  out[[name]] <- c(mv = t_mv, all = t_all, club = t_club, robu = t_robu)
}
cat(jsonlite::toJSON(lapply(out, as.list), auto_unbox = TRUE, digits = NA), "\n")
"""


def design(d: pd.DataFrame, mods: str | None) -> np.ndarray:
    if mods is None:
        return np.ones((len(d), 1))
    frame = d[[m.strip() for m in mods.split("+")]]
    return np.column_stack([np.ones(len(d)), pd.get_dummies(frame, drop_first=True, dtype=float).to_numpy()])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from evisynth.models.multilevel import fit_multilevel
    from evisynth.models.robust import robust_correlated, robust_random

    r_times = r_json(R_SCRIPT, str(DATA), str(args.repeat)) if have_r_metafor() else {}
    rows = []
    for name, mods in SETS.items():
        d = pd.read_csv(DATA / f"{name}.csv")
        X = design(d, mods)
        y, v, cl = d.yi.to_numpy(float), d.vi.to_numpy(float), d.study.to_numpy()
        a = (y, v, cl, X)
        t_all = best_time(lambda a=a: fit_multilevel(*a), repeat=args.repeat, cpu=True)
        t_fit = best_time(lambda a=a: fit_multilevel(*a, profile_ci=False), repeat=args.repeat, cpu=True)
        t_cr2 = best_time(lambda a=a: robust_random(*a), repeat=args.repeat, cpu=True)
        t_robu = best_time(lambda a=a: robust_correlated(*a, rho=0.8), repeat=args.repeat, cpu=True)
        r = r_times.get(name, {})
        label = f"{name} (k={len(d)}, p={X.shape[1]})"
        nan = float("nan")
        rows.append([label, "three-level, all statistics", fmt_time(t_all), fmt_time(r.get("all", nan)),
                     ratio(r.get("all", nan), t_all)])
        rows.append([label, "three-level fit + LRTs / rma.mv()", fmt_time(t_fit), fmt_time(r.get("mv", nan)),
                     ratio(r.get("mv", nan), t_fit)])
        rows.append([label, "rma.uni + CR2 + HTZ", fmt_time(t_cr2), fmt_time(r.get("club", nan)),
                     ratio(r.get("club", nan), t_cr2)])
        rows.append([label, "robumeta CORR, small", fmt_time(t_robu), fmt_time(r.get("robu", nan)),
                     ratio(r.get("robu", nan), t_robu)])
    print(f"# Dependent effects ({machine()}; {load_average()})\n")
    print(table(rows, ["data", "analysis", "evisynth", "R", "speed-up"]))

    print("\n" + json.dumps({"r": r_times}))


if __name__ == "__main__":
    main()
