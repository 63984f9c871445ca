"""Many small Bayesian meta-analyses at once: :func:`fit_bayes_many`.

Each meta-analysis is the normal-normal model of :mod:`evisynth.models.bayes` with the same
prior. The meta-analyses are grouped by their number of studies k and fitted in vectorised
chunks (:func:`~evisynth.models.bayes.fit_bayes_batch`, ``chunk`` analyses at a time, each with
its own τ quadrature); the results come back in the input order, as columns.

Every numerical step of the batch path stops row by row (the quadrature step, the Newton
iterations of the quantiles, the golden-section search of τ's mode, the regula falsi of the
shortest intervals), so a fit's results do not depend on which other analyses share its chunk:
``tests/bayes/test_bayes_many.py`` checks them against :func:`~evisynth.models.bayes.fit_bayes`
one at a time (1e-10) and a fit alone against the same fit inside a batch.

Examples
--------
>>> from evisynth.models.bayes_priors import half_normal
>>> many = fit_bayes_many([[-0.5, -0.2, -0.9], [0.1, 0.3]], [[0.3, 0.25, 0.4], [0.2, 0.2]],
...                       half_normal(0.5), mu_prior=(0.0, 4.0), intervals=False)
>>> [round(float(m), 4) for m in many.mu.median]
[-0.46, 0.1993]
>>> many.record(1)["k"]
2
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from evisynth.errors import FewStudiesWarning, InputError
from evisynth.models._dependent import jfloat
from evisynth.models.bayes import SUMMARY_FIELDS, fit_bayes_batch
from evisynth.models.bayes_priors import TauPrior


@dataclass(frozen=True)
class PosteriorColumns:
    """One summary of a marginal posterior for many fits: arrays of equal length (NaN where undefined)."""

    median: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    shortest_lower: np.ndarray
    shortest_upper: np.ndarray
    mode: np.ndarray

    def row(self, i: int) -> dict[str, float | None]:
        """Summary of row ``i`` as JSON-ready floats (the keys of ``PosteriorSummary.to_dict``)."""
        return {f: jfloat(getattr(self, f)[i]) for f in SUMMARY_FIELDS}


@dataclass(frozen=True)
class BayesMany:
    """Results of :func:`fit_bayes_many` for n meta-analyses, in the input order.

    ``shrinkage`` holds the study effects of all fits one after another: those of fit ``i`` are
    rows ``offsets[i]:offsets[i + 1]``. The density grids have shape (n, n_grid), or (n, 0) when
    they were not computed.
    """

    n: int
    k: np.ndarray
    level: float
    tau_prior: str
    mu_prior: tuple[float, float] | None
    proper: np.ndarray
    mu: PosteriorColumns
    tau: PosteriorColumns
    prediction: PosteriorColumns
    shrinkage: PosteriorColumns
    offsets: np.ndarray
    bayes_factor_tau0: np.ndarray
    bayes_factor_mu0: np.ndarray
    min_bayes_factor_tau0: np.ndarray
    min_bayes_factor_mu0: np.ndarray
    log_marginal_likelihood: np.ndarray
    tau_grid: np.ndarray
    tau_density: np.ndarray
    mu_grid: np.ndarray
    mu_density: np.ndarray

    def __len__(self) -> int:
        return self.n

    def record(self, i: int) -> dict[str, Any]:
        """Fit ``i`` as a dict with the keys and layout of ``BayesFit.to_dict()``."""
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return {
            "model": "bayesian", "k": int(self.k[i]), "level": self.level, "tau_prior": self.tau_prior,
            "mu_prior": None if self.mu_prior is None else {"mean": self.mu_prior[0], "sd": self.mu_prior[1]},
            "proper_posterior": bool(self.proper[i]), "mu": self.mu.row(i), "tau": self.tau.row(i),
            "prediction": self.prediction.row(i), "shrinkage": [self.shrinkage.row(j) for j in range(lo, hi)],
            "bayes_factors": {"tau0": jfloat(self.bayes_factor_tau0[i]), "mu0": jfloat(self.bayes_factor_mu0[i]),
                              "min_tau0": jfloat(self.min_bayes_factor_tau0[i]),
                              "min_mu0": jfloat(self.min_bayes_factor_mu0[i])},
            "log_marginal_likelihood": jfloat(self.log_marginal_likelihood[i]),
            "densities": {"tau": self.tau_grid[i].tolist(), "tau_density": self.tau_density[i].tolist(),
                          "mu": self.mu_grid[i].tolist(), "mu_density": self.mu_density[i].tolist()},
        }


def _groups(effects: Sequence[Any], sigmas: Sequence[Any]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if len(effects) != len(sigmas):
        raise InputError(f"{len(effects)} sets of effects but {len(sigmas)} sets of standard errors")
    ys, ss = [], []
    for i, (y, s) in enumerate(zip(effects, sigmas, strict=True)):
        yy, sv = np.asarray(y, dtype=float), np.asarray(s, dtype=float)
        if yy.ndim != 1 or yy.size == 0 or sv.shape != yy.shape:
            raise InputError(f"meta-analysis {i}: effects and standard errors must be 1-D of the same length >= 1")
        ys.append(yy)
        ss.append(sv)
    return ys, ss


def fit_bayes_many(effects: Sequence[Any], sigmas: Sequence[Any], tau_prior: TauPrior, *,
                   mu_prior: tuple[float, float] | None = None, level: float = 0.95, chunk: int = 128,
                   intervals: bool = True, shrinkage: bool = True, densities: bool = True,
                   bayes_factors: bool = True, n_grid: int = 201) -> BayesMany:
    """Fit many independent Bayesian random-effects meta-analyses with the same prior.

    Parameters
    ----------
    effects, sigmas
        One 1-D sequence of effects and of their standard errors per meta-analysis; the numbers
        of studies may differ.
    tau_prior
        Prior for τ (:mod:`evisynth.models.bayes_priors`) with scalar parameters.
    mu_prior
        ``(mean, sd)`` of a normal prior for μ, or None for the improper uniform prior.
    level
        Probability of the credible intervals.
    chunk
        How many meta-analyses (with the same k) are fitted in one vectorised call.
    intervals, shrinkage, densities, bayes_factors
        Set to False to skip the shortest intervals (the costliest part), the shrinkage
        estimates, the density grids for plots or the Bayes factors; skipped values are NaN
        (empty density grids).
    n_grid
        Points of the density grids.

    Returns
    -------
    BayesMany
        Columns in the input order; every value equals :func:`~evisynth.models.bayes.fit_bayes`
        on that meta-analysis alone.
    """
    if any(np.ndim(v) for v in tau_prior.parameters.values()) or \
            (mu_prior is not None and any(np.ndim(v) for v in mu_prior)):
        raise InputError("fit_bayes_many takes one prior with scalar parameters (use fit_bayes_batch for a grid "
                         "of priors)")
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise InputError(f"level must be a fraction between 0 and 1 (e.g. 0.95); got {level!r}")
    if not (isinstance(chunk, (int, np.integer)) and chunk >= 1):
        raise InputError(f"chunk must be a positive integer; got {chunk!r}")
    ys, ss = _groups(effects, sigmas)
    n = len(ys)
    k = np.array([len(y) for y in ys], dtype=int)
    offsets = np.concatenate([[0], np.cumsum(k)]).astype(int)
    m = int(offsets[-1])
    cols = {kind: {f: np.full(n, np.nan) for f in SUMMARY_FIELDS} for kind in ("mu", "tau", "prediction")}
    shrink = {f: np.full(m, np.nan) for f in SUMMARY_FIELDS}
    extra = {key: np.full(n, np.nan) for key in ("tau0", "mu0", "min_tau0", "min_mu0", "log_marginal")}
    proper = np.zeros(n, dtype=bool)
    width = n_grid if densities else 0
    dens = {key: np.zeros((n, width)) for key in ("tau_grid", "tau_density", "mu_grid", "mu_density")}
    improper: list[int] = []
    tau_desc, mu_desc = tau_prior.describe(), None if mu_prior is None else (float(mu_prior[0]), float(mu_prior[1]))
    for kk in np.unique(k):
        idx = np.flatnonzero(k == kk)
        for start in range(0, idx.size, chunk):
            rows = idx[start:start + chunk]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FewStudiesWarning)
                b = fit_bayes_batch(np.stack([ys[i] for i in rows]), np.stack([ss[i] for i in rows]), tau_prior,
                                    mu_prior=mu_prior, level=level, n_grid=n_grid, shrinkage=shrinkage,
                                    intervals=intervals, densities=densities, bayes_factors=bayes_factors)
            if not b.proper:
                improper.append(int(kk))
                break
            proper[rows] = True
            for kind, d in cols.items():
                for f in SUMMARY_FIELDS:
                    d[f][rows] = b.summaries[kind][f]
            flat = (offsets[rows][:, None] + np.arange(kk)[None, :]).ravel()
            for f in SUMMARY_FIELDS:
                shrink[f][flat] = b.shrinkage[f].ravel()
            for key, arr in (("tau0", b.bayes_factor_tau0), ("mu0", b.bayes_factor_mu0),
                             ("min_tau0", b.min_bayes_factor_tau0), ("min_mu0", b.min_bayes_factor_mu0),
                             ("log_marginal", b.log_marginal)):
                extra[key][rows] = arr
            for key in dens:
                dens[key][rows] = getattr(b, key)
    if improper:
        warnings.warn(f"the {tau_desc} prior for tau gives an improper posterior with k = "
                      f"{', '.join(map(str, improper))} studies" + (" and a uniform prior for mu" if mu_prior is None
                                                                     else "") + "; no summaries are reported for them",
                      FewStudiesWarning, stacklevel=2)

    def columns(d: dict[str, np.ndarray]) -> PosteriorColumns:
        return PosteriorColumns(**d)

    return BayesMany(
        n=n, k=k, level=float(level), tau_prior=tau_desc, mu_prior=mu_desc, proper=proper, mu=columns(cols["mu"]),
        tau=columns(cols["tau"]), prediction=columns(cols["prediction"]), shrinkage=columns(shrink), offsets=offsets,
        bayes_factor_tau0=extra["tau0"], bayes_factor_mu0=extra["mu0"], min_bayes_factor_tau0=extra["min_tau0"],
        min_bayes_factor_mu0=extra["min_mu0"], log_marginal_likelihood=extra["log_marginal"], **dens,
    )


__all__ = ["BayesMany", "PosteriorColumns", "fit_bayes_many"]
