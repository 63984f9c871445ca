"""Bayesian random-effects meta-analysis (normal-normal hierarchical model) by numerical integration.

``y_i | θ_i ~ N(θ_i, σ_i²)``, ``θ_i | μ, τ ~ N(μ, τ²)``, with a prior for τ from
:mod:`evisynth.models.bayes_priors` and a normal or improper uniform prior for μ. As in Röver's
bayesmeta (Röver 2020, J Stat Softw 93(6), doi:10.18637/jss.v093.i06, Sections 2.4-2.6) μ is
integrated out analytically given τ and all posteriors are one-dimensional integrals over τ
(no MCMC); here they are evaluated by double-exponential quadrature
(:mod:`evisynth.models._bayes_quad`) for a whole batch of fits at once.

Reported for μ, τ and the effect of a new study (posterior predictive): median, mean, SD, the
equal-tailed and the shortest credible interval; the posterior mode of τ; shrinkage estimates of
every study's effect θ_i; Bayes factors for τ = 0 and μ = 0 (marginal-likelihood ratios, defined
only for proper priors, as in Röver 2020) and the minimum Bayes factors (Spiegelhalter, Abrams &
Myles 2004, Section 4.4: the largest likelihood under the alternative); the marginal posterior
densities of τ and μ on grids for plots.

An improper τ prior gives an improper posterior when k is too small (uniform: k ≥ 3 with a
uniform μ prior; Jeffreys, Berger-Deely: k ≥ 2); the fit then warns
(:class:`~evisynth.errors.FewStudiesWarning`) and returns ``None`` summaries.

Examples
--------
>>> from evisynth.models.bayes_priors import half_normal
>>> fit = fit_bayes([-0.5, -0.2, -0.9], [0.3, 0.25, 0.4], half_normal(0.5))
>>> round(fit.mu.median, 4), round(fit.tau.median, 4)
(-0.4619, 0.247)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evisynth.errors import FewStudiesWarning, InputError
from evisynth.models._bayes_factors import argmax_tau
from evisynth.models._bayes_factors import bayes_factors as _bayes_factors
from evisynth.models._bayes_quad import (
    Posterior,
    compact,
    mix_moments,
    mix_pdf,
    mix_quantile,
    shortest,
    tanh_sinh,
)
from evisynth.models._dependent import jfloat
from evisynth.models.bayes_priors import TauPrior

SUMMARY_FIELDS = ("mode", "median", "mean", "sd", "ci_lower", "ci_upper", "shortest_lower", "shortest_upper")


@dataclass(frozen=True)
class PosteriorSummary:
    """Summary of one marginal posterior (``None`` where undefined)."""

    median: float | None
    mean: float | None
    sd: float | None
    ci_lower: float | None
    ci_upper: float | None
    shortest_lower: float | None
    shortest_upper: float | None
    mode: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {f: jfloat(getattr(self, f)) for f in SUMMARY_FIELDS}


@dataclass(frozen=True)
class BayesBatch:
    """Columnar results of :func:`fit_bayes_batch`: every array has the batch shape (B,) or (B, ...)."""

    k: int
    level: float
    tau_prior: str
    mu_prior: tuple[float, float] | None
    proper: bool
    summaries: dict[str, dict[str, np.ndarray]]
    shrinkage: dict[str, np.ndarray]  # (B, k) per summary field
    bayes_factor_tau0: np.ndarray
    bayes_factor_mu0: np.ndarray
    min_bayes_factor_tau0: np.ndarray
    min_bayes_factor_mu0: np.ndarray
    log_marginal: np.ndarray
    tau_grid: np.ndarray
    tau_density: np.ndarray
    mu_grid: np.ndarray
    mu_density: np.ndarray
    posterior: Any = field(repr=False, compare=False)


@dataclass(frozen=True)
class BayesFit:
    """Result of :func:`fit_bayes` for one meta-analysis."""

    k: int
    level: float
    tau_prior: str
    mu_prior: tuple[float, float] | None
    mu: PosteriorSummary
    tau: PosteriorSummary
    prediction: PosteriorSummary
    shrinkage: tuple[PosteriorSummary, ...]
    bayes_factor_tau0: float | None
    bayes_factor_mu0: float | None
    min_bayes_factor_tau0: float | None
    min_bayes_factor_mu0: float | None
    log_marginal_likelihood: float | None
    tau_grid: tuple[float, ...]
    tau_density: tuple[float, ...]
    mu_grid: tuple[float, ...]
    mu_density: tuple[float, ...]
    proper: bool
    batch: BayesBatch = field(repr=False, compare=False)

    def prob_mu_below(self, x: float) -> float | None:
        """Posterior probability that μ < x."""
        if not self.proper:
            return None
        post = self.batch.posterior
        a, c = post.mixture("mu")
        from evisynth.models._bayes_quad import mix_cdf

        return float(mix_cdf(post.grid.pi, a, c, np.array([[x]]))[0, 0])

    def prob_tau_below(self, x: float) -> float | None:
        """Posterior probability that τ < x."""
        return None if not self.proper else float(self.batch.posterior.tau_cdf(np.array([[x]]))[0, 0])

    def tau_quantile(self, p: float) -> float | None:
        return None if not self.proper else float(self.batch.posterior.tau_quantile(np.array([[p]]))[0, 0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": "bayesian", "k": self.k, "level": self.level, "tau_prior": self.tau_prior,
            "mu_prior": None if self.mu_prior is None else {"mean": self.mu_prior[0], "sd": self.mu_prior[1]},
            "proper_posterior": self.proper, "mu": self.mu.to_dict(), "tau": self.tau.to_dict(),
            "prediction": self.prediction.to_dict(), "shrinkage": [s.to_dict() for s in self.shrinkage],
            "bayes_factors": {"tau0": jfloat(self.bayes_factor_tau0), "mu0": jfloat(self.bayes_factor_mu0),
                              "min_tau0": jfloat(self.min_bayes_factor_tau0),
                              "min_mu0": jfloat(self.min_bayes_factor_mu0)},
            "log_marginal_likelihood": jfloat(self.log_marginal_likelihood),
            "densities": {"tau": list(self.tau_grid), "tau_density": list(self.tau_density),
                          "mu": list(self.mu_grid), "mu_density": list(self.mu_density)},
        }

    def summary(self) -> str:
        def line(name: str, s: PosteriorSummary) -> str:
            if s.median is None:
                return f"{name}: undefined (improper posterior)"
            return (f"{name}: median {s.median:.4f}, mean {s.mean:.4f} (SD {s.sd:.4f}), "
                    f"{100 * self.level:g}% CrI [{s.ci_lower:.4f}, {s.ci_upper:.4f}], "
                    f"shortest [{s.shortest_lower:.4f}, {s.shortest_upper:.4f}]")
        return "\n".join([f"Bayesian random-effects meta-analysis (k = {self.k}; tau prior {self.tau_prior})",
                          line("mu", self.mu), line("tau", self.tau), line("prediction", self.prediction)])

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"


def _check(y: Any, sigma: Any) -> tuple[np.ndarray, np.ndarray]:
    yy = np.atleast_2d(np.asarray(y, dtype=float))
    ss = np.atleast_2d(np.asarray(sigma, dtype=float))
    if yy.shape[-1] == 0:
        raise InputError("no effects given")
    try:
        yy, ss = np.broadcast_arrays(yy, ss)
    except ValueError:
        raise InputError(f"effects of shape {yy.shape} and standard errors of shape {ss.shape} do not match") from None
    if not np.all(np.isfinite(yy)):
        raise InputError("every effect must be a finite number")
    if not np.all(np.isfinite(ss) & (ss > 0)):
        raise InputError("every standard error must be a positive finite number (give sigma, not the variance)")
    return np.ascontiguousarray(yy), np.ascontiguousarray(ss)


def _proper_posterior(prior: TauPrior, k: int, uniform_mu: bool) -> bool:
    if prior.proper:
        return True
    # p(τ|y) ∝ τ^a · τ^-(k-1) (uniform μ prior) or τ^a · τ^-k (normal μ prior) for large τ
    decay = (k - 1 if uniform_mu else k) - prior.tail
    return decay > 1


def _mu_summary(post: Posterior, kind: str, level: float, i: int | None = None) -> dict[str, np.ndarray]:
    pi, a, c = compact(post.grid.pi, *post.mixture(kind, i))
    mean, sd = mix_moments(pi, a, c)
    tail = (1 - level) / 2
    qs = mix_quantile(pi, a, c, np.array([[0.5, tail, 1 - tail]]))
    lo, up = shortest(lambda p, x0, r: mix_quantile(pi[r], a[r], c[r], p, x0),
                      lambda x, r: mix_pdf(pi[r], a[r], c[r], x), level, False, post.B)
    nan = np.full(post.B, np.nan)
    return {"mode": nan, "median": qs[:, 0], "mean": mean, "sd": sd, "ci_lower": qs[:, 1], "ci_upper": qs[:, 2],
            "shortest_lower": lo, "shortest_upper": up}


def _tau_mode(post: Posterior) -> np.ndarray:
    return argmax_tau(post, lambda t: np.log(np.maximum(post.tau_pdf(t), 1e-300)))[0]


def _tau_shortest(post: Posterior, level: float) -> tuple[np.ndarray, np.ndarray]:
    if not any(np.ndim(v) for v in post.prior.parameters.values()):  # one prior: iterate only the rows asked
        return shortest(lambda p, x0, r: post.take(r).tau_quantile(p, x0), lambda x, r: post.take(r).tau_pdf(x),
                        level, True, post.B)

    def quantile(p: np.ndarray, x0: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
        q = np.zeros((post.B, 1))  # the other rows: q = 0, done at once
        q[rows] = p
        start = None
        if x0 is not None:
            start = np.zeros((post.B, 1))
            start[rows] = x0
        return np.asarray(post.tau_quantile(q, start)[rows])

    def pdf(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        full = np.zeros((post.B, 1))
        full[rows] = x
        return np.asarray(post.tau_pdf(full)[rows])

    return shortest(quantile, pdf, level, True, post.B)


def _tau_summary(post: Posterior, level: float) -> dict[str, np.ndarray]:
    g = post.grid
    mean = (g.pi * g.tau).sum(1)
    sd = np.sqrt((g.pi * (g.tau - mean[:, None]) ** 2).sum(1))
    tail = (1 - level) / 2
    qs = post.tau_quantile(np.tile([0.5, tail, 1 - tail], (post.B, 1)))
    lo, up = _tau_shortest(post, level)
    return {"mode": _tau_mode(post), "median": qs[:, 0], "mean": mean, "sd": sd, "ci_lower": qs[:, 1],
            "ci_upper": qs[:, 2], "shortest_lower": lo, "shortest_upper": up}


def fit_bayes_batch(y: Any, sigma: Any, tau_prior: TauPrior, *, mu_prior: tuple[Any, Any] | None = None,
                    level: float = 0.95, n_grid: int = 201, shrinkage: bool = True,
                    intervals: bool = True, densities: bool = True, bayes_factors: bool = True) -> BayesBatch:
    """Fit B meta-analyses with k studies each: ``y``, ``sigma`` of shape (B, k) (or broadcastable).

    ``mu_prior`` is ``(mean, sd)`` of a normal prior (each may be an array of length B) or None for
    the improper uniform prior. Prior parameters of ``tau_prior`` may also be arrays of length B.
    ``intervals=False`` skips the shortest intervals (the costliest part), ``densities=False`` the
    density grids for plots (arrays of shape (B, 0)), ``bayes_factors=False`` the Bayes factors (NaN).
    """
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise InputError(f"level must be a fraction between 0 and 1 (e.g. 0.95); got {level!r}")
    yy, ss = _check(y, sigma)
    sizes = [yy.shape[0]] + [np.size(v) for v in tau_prior.parameters.values() if np.ndim(v)]
    if mu_prior is not None:
        sizes += [np.size(v) for v in mu_prior if np.ndim(v)]
    B = max(sizes)
    if any(n not in (1, B) for n in sizes):
        raise InputError(f"batch sizes of the data and the prior parameters do not match: {sorted(set(sizes))}")
    yy, ss = np.broadcast_to(yy, (B, yy.shape[1])).copy(), np.broadcast_to(ss, (B, ss.shape[1])).copy()
    k = yy.shape[1]
    mu0 = s0 = None
    if mu_prior is not None:
        mu0 = np.broadcast_to(np.asarray(mu_prior[0], float), (B,)).copy()
        s0 = np.broadcast_to(np.asarray(mu_prior[1], float), (B,)).copy()
        if not np.all(np.isfinite(mu0) & np.isfinite(s0) & (s0 > 0)):
            raise InputError("mu_prior must be (mean, sd) with a finite mean and a positive finite sd")
    uniform_mu = mu_prior is None
    mu_desc = None if mu_prior is None else (float(np.ravel(mu_prior[0])[0]), float(np.ravel(mu_prior[1])[0]))
    if not _proper_posterior(tau_prior, k, uniform_mu):
        warnings.warn(f"the {tau_prior.name} prior for tau gives an improper posterior with k = {k} studies"
                      + (" and a uniform prior for mu" if uniform_mu else "") + "; no summaries are reported",
                      FewStudiesWarning, stacklevel=2)
        nan = np.full(B, np.nan)
        empty = {f: nan for f in SUMMARY_FIELDS}
        return BayesBatch(k=k, level=level, tau_prior=tau_prior.describe(), mu_prior=mu_desc, proper=False,
                          summaries={"mu": empty, "tau": empty, "prediction": empty},
                          shrinkage={f: np.full((B, k), np.nan) for f in SUMMARY_FIELDS},
                          bayes_factor_tau0=nan, bayes_factor_mu0=nan, min_bayes_factor_tau0=nan,
                          min_bayes_factor_mu0=nan, log_marginal=nan, tau_grid=np.zeros((B, 0)),
                          tau_density=np.zeros((B, 0)), mu_grid=np.zeros((B, 0)), mu_density=np.zeros((B, 0)),
                          posterior=None)
    post = Posterior(yy, ss, tau_prior, mu0, s0)
    summaries = {"tau": _tau_summary(post, level) if intervals else _quick_tau(post, level),
                 "mu": _mu_summary(post, "mu", level) if intervals else _quick_mu(post, "mu", level),
                 "prediction": _mu_summary(post, "new", level) if intervals else _quick_mu(post, "new", level)}
    shrink = {f: np.full((B, k), np.nan) for f in SUMMARY_FIELDS}
    if shrinkage:
        for i in range(k):
            part = _mu_summary(post, "study", level, i) if intervals else _quick_mu(post, "study", level, i)
            for f in SUMMARY_FIELDS:
                shrink[f][:, i] = part[f]
    bf = _bayes_factors(post, tau_prior, uniform_mu) if bayes_factors else \
        {key: np.full(B, np.nan) for key in ("tau0", "mu0", "min_tau0", "min_mu0")}
    n_grid = n_grid if densities else 0
    top = np.maximum(summaries["tau"]["ci_upper"], 1e-12) * 1.4
    tau_grid = np.linspace(0.0, 1.0, n_grid)[None, :] * top[:, None]
    tail = (1 - level) / 2 / 10
    pi, a, c = compact(post.grid.pi, *post.mixture("mu"))
    mq = mix_quantile(pi, a, c, np.array([[tail, 1 - tail]])) if densities else np.zeros((B, 2))
    mu_grid = mq[:, :1] + np.linspace(0.0, 1.0, n_grid)[None, :] * (mq[:, 1:] - mq[:, :1])
    return BayesBatch(
        k=k, level=float(level), tau_prior=tau_prior.describe(), mu_prior=mu_desc, proper=True, summaries=summaries,
        shrinkage=shrink, bayes_factor_tau0=bf["tau0"], bayes_factor_mu0=bf["mu0"], min_bayes_factor_tau0=bf["min_tau0"],
        min_bayes_factor_mu0=bf["min_mu0"], log_marginal=post.grid.log_z if (tau_prior.proper and not uniform_mu)
        else np.full(B, np.nan), tau_grid=tau_grid, tau_density=post.tau_pdf(tau_grid), mu_grid=mu_grid,
        mu_density=mix_pdf(pi, a, c, mu_grid), posterior=post,
    )


def _quick_mu(post: Posterior, kind: str, level: float, i: int | None = None) -> dict[str, np.ndarray]:
    pi, a, c = compact(post.grid.pi, *post.mixture(kind, i))
    mean, sd = mix_moments(pi, a, c)
    tail = (1 - level) / 2
    qs = mix_quantile(pi, a, c, np.array([[0.5, tail, 1 - tail]]))
    nan = np.full(post.B, np.nan)
    return {"mode": nan, "median": qs[:, 0], "mean": mean, "sd": sd, "ci_lower": qs[:, 1], "ci_upper": qs[:, 2],
            "shortest_lower": nan, "shortest_upper": nan}


def _quick_tau(post: Posterior, level: float) -> dict[str, np.ndarray]:
    g = post.grid
    mean = (g.pi * g.tau).sum(1)
    sd = np.sqrt((g.pi * (g.tau - mean[:, None]) ** 2).sum(1))
    tail = (1 - level) / 2
    qs = post.tau_quantile(np.tile([0.5, tail, 1 - tail], (post.B, 1)))
    nan = np.full(post.B, np.nan)
    return {"mode": nan, "median": qs[:, 0], "mean": mean, "sd": sd, "ci_lower": qs[:, 1], "ci_upper": qs[:, 2],
            "shortest_lower": nan, "shortest_upper": nan}


def _one(d: dict[str, np.ndarray], b: int = 0) -> PosteriorSummary:
    return PosteriorSummary(**{f: jfloat(d[f][b]) for f in SUMMARY_FIELDS})


def fit_bayes(y: Any, sigma: Any, tau_prior: TauPrior, *, mu_prior: tuple[float, float] | None = None,
              level: float = 0.95, n_grid: int = 201) -> BayesFit:
    """Bayesian random-effects meta-analysis of one set of studies (``sigma`` = standard errors)."""
    yy = np.asarray(y, dtype=float)
    if yy.ndim != 1:
        raise InputError("fit_bayes takes one meta-analysis (1-D effects); use fit_bayes_batch for several")
    batch = fit_bayes_batch(yy[None, :], np.asarray(sigma, dtype=float)[None, :], tau_prior, mu_prior=mu_prior,
                            level=level, n_grid=n_grid)
    k = batch.k
    return BayesFit(
        k=k, level=batch.level, tau_prior=batch.tau_prior, mu_prior=batch.mu_prior,
        mu=_one(batch.summaries["mu"]), tau=_one(batch.summaries["tau"]),
        prediction=_one(batch.summaries["prediction"]),
        shrinkage=tuple(PosteriorSummary(**{f: jfloat(batch.shrinkage[f][0, i]) for f in SUMMARY_FIELDS})
                        for i in range(k)),
        bayes_factor_tau0=jfloat(batch.bayes_factor_tau0[0]), bayes_factor_mu0=jfloat(batch.bayes_factor_mu0[0]),
        min_bayes_factor_tau0=jfloat(batch.min_bayes_factor_tau0[0]),
        min_bayes_factor_mu0=jfloat(batch.min_bayes_factor_mu0[0]),
        log_marginal_likelihood=jfloat(batch.log_marginal[0]),
        tau_grid=tuple(map(float, batch.tau_grid[0])), tau_density=tuple(map(float, batch.tau_density[0])),
        mu_grid=tuple(map(float, batch.mu_grid[0])), mu_density=tuple(map(float, batch.mu_density[0])),
        proper=batch.proper, batch=batch,
    )


__all__ = ["BayesBatch", "BayesFit", "PosteriorSummary", "fit_bayes", "fit_bayes_batch", "tanh_sinh"]
