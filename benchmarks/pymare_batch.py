"""PyMARE's whole process for ``bench_batch.py``: read a long CSV, fit every meta-analysis, write CSV.

    python benchmarks/pymare_batch.py INPUT.csv OUTPUT.csv --group review [--method REML]

What a PyMARE user writes for the job ``evisynth batch`` does: pandas reads the long table
(``group, yi, vi``; every meta-analysis the same ``k`` and its rows contiguous - the easy
case, reshaped with numpy at no cost), PyMARE's vectorised estimator fits all of them at
once (``fit_dataset``, the path its heterogeneity statistics need), and pandas writes one
row per meta-analysis: estimate, SE, CI, z, P, τ², Q, its P, I², H.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from pymare import Dataset, estimators


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--group", required=True)
    ap.add_argument("--method", default="REML", choices=("DL", "REML"))
    args = ap.parse_args()

    df = pd.read_csv(args.input)
    labels = np.unique(df[args.group].to_numpy())  # sorted, as the rows are
    m = len(labels)
    k = len(df) // m
    y = df["yi"].to_numpy().reshape(m, k).T  # PyMARE: studies in rows, meta-analyses in columns
    v = df["vi"].to_numpy().reshape(m, k).T
    est = (estimators.DerSimonianLaird() if args.method == "DL"
           else estimators.VarianceBasedLikelihoodEstimator(method="REML"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit_dataset(Dataset(y=y, v=v, X=np.ones((k, 1)), add_intercept=False))
        res = est.summary()
        fe = res.get_fe_stats()
        het = res.get_heterogeneity_stats()
    out = pd.DataFrame({
        args.group: labels,
        "estimate": fe["est"].ravel(), "se": fe["se"].ravel(), "ci_lower": fe["ci_l"].ravel(),
        "ci_upper": fe["ci_u"].ravel(), "z": fe["z"].ravel(), "p": fe["p"].ravel(),
        "tau2": np.asarray(est.params_["tau2"]).ravel(), "q": np.asarray(het["Q"]).ravel(),
        "q_p": np.asarray(het["p(Q)"]).ravel(), "i2": np.asarray(het["I^2"]).ravel(),
        "h": np.asarray(het["H"]).ravel(),
    })
    out.to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
