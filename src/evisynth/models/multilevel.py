"""Three-level (multilevel) random-effects meta-analysis: comparisons nested in studies.

Each row is one comparison (effect ``y_ij`` with known sampling variance ``v_ij``) of study
(cluster) ``i``::

    y_ij = x_ij'β + u_i + w_ij + e_ij,   u_i ~ N(0, σ²_cluster),  w_ij ~ N(0, σ²_within),  e_ij ~ N(0, v_ij)

(Konstantopoulos 2011; Van den Noortgate et al. 2013; Cheung 2014). This is metafor's
``rma.mv(yi, vi, mods, random = ~ 1 | study/comparison)``; the variance components are estimated
by REML (default) or ML (:mod:`evisynth.models._multilevel_lik`), β by generalised least squares.

Reported, as metafor does:

* β with Wald z tests (``test="z"``) or t tests with k - p df (``test="t"``), and the omnibus test
  ``QM`` of the moderators (χ² with m df; F(m, k - p) under ``test="t"``);
* ``QE``, the test of residual heterogeneity (weights ``1/v``, k - p df);
* profile-likelihood intervals of σ²_cluster and σ²_within (``confint.rma.mv``);
* the multilevel I² (Cheung 2014, as computed on the metafor website, "I² for multilevel and
  multivariate models"): with the typical sampling variance ``s̃² = (k - p)/tr(P_W)``,
  ``P_W = W - WX(X'WX)⁻¹X'W``, ``W = diag(1/v)``: ``I²_cluster = 100 σ²_c/(σ²_c + σ²_w + s̃²)``,
  ``I²_within`` likewise, ``I²_total`` their sum;
* likelihood-ratio tests against the two-level models (metafor's ``anova(full, reduced)``):
  ``lrt_cluster`` against ``σ²_cluster = 0`` (comparisons independent: the usual random-effects
  model over all comparisons), ``lrt_within`` against ``σ²_within = 0`` (comparisons of a study
  share one effect); both χ² with 1 df, as metafor reports them (no boundary mixture);
* log-likelihood, deviance (-2ℓ under REML; under ML relative to the saturated model, as metafor),
  AIC, BIC and AICc counting p + 2 parameters (n = k - p under REML).

Examples
--------
>>> fit = fit_multilevel([0.1, 0.3, 0.2, 0.5, 0.4], [0.01, 0.02, 0.015, 0.01, 0.02], ["a", "a", "b", "c", "c"])
>>> round(fit.coefficients.estimate[0], 4), fit.n_clusters
(0.2846, 3)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.errors import ConvergenceWarning, FewStudiesWarning, InputError
from evisynth.models._dependent import (
    Coefficients,
    check_effects,
    cluster_codes,
    default_btt,
    default_names,
    jfloat,
    make_coefficients,
)
from evisynth.models._multilevel_lik import Likelihood, NestedLikelihood, Optimum, maximise, profile_limits
from evisynth.options import DEFAULT_MULTILEVEL_METHOD, MULTILEVEL_METHODS

#: The variance-component estimators (from :data:`evisynth.options.MULTILEVEL_METHODS`).
METHODS = MULTILEVEL_METHODS
TESTS = ("z", "t")


@dataclass(frozen=True)
class LikelihoodRatioTest:
    """Likelihood-ratio test of the full model against a reduced one (``reduced`` names it)."""

    reduced: str
    statistic: float
    df: int
    p_value: float
    loglik_reduced: float
    sigma2_reduced: float

    def to_dict(self) -> dict[str, Any]:
        return {"reduced": self.reduced, "statistic": jfloat(self.statistic), "df": self.df,
                "p_value": jfloat(self.p_value), "loglik_reduced": jfloat(self.loglik_reduced),
                "sigma2_reduced": jfloat(self.sigma2_reduced)}


@dataclass(frozen=True)
class DependentData:
    """Inputs of a fit kept for follow-up computations (cluster-robust tests, plots)."""

    y: np.ndarray
    v: np.ndarray
    X: np.ndarray
    cluster: np.ndarray
    cluster_labels: tuple[str, ...]
    within: np.ndarray


@dataclass(frozen=True)
class MultilevelFit:
    """Result of :func:`fit_multilevel` (σ² limits are ``None`` when they cannot be bracketed)."""

    method: str
    test: str
    level: float
    k: int
    n_clusters: int
    n_within: int
    p: int
    coefficients: Coefficients
    vcov: tuple[tuple[float, ...], ...]
    sigma2_cluster: float
    sigma2_within: float
    sigma2_cluster_ci_lower: float | None
    sigma2_cluster_ci_upper: float | None
    sigma2_within_ci_lower: float | None
    sigma2_within_ci_upper: float | None
    i2_total: float | None
    i2_cluster: float | None
    i2_within: float | None
    typical_variance: float | None
    qe: float | None
    qe_df: int
    qe_p: float | None
    qm: float | None
    qm_df: int
    qm_p: float | None
    qm_df2: int | None
    loglik: float
    deviance: float
    aic: float
    bic: float
    aicc: float | None
    lrt_cluster: LikelihoodRatioTest
    lrt_within: LikelihoodRatioTest
    converged: bool
    iterations: int
    data: DependentData = field(repr=False, compare=False)

    @property
    def df(self) -> float | None:
        """Residual df of t tests (``None`` under Wald z tests)."""
        return self.coefficients.df[0]

    def pooled(self) -> dict[str, Any]:
        """The first coefficient (the pooled effect of an intercept-only model) as a JSON-ready dict."""
        return self.coefficients.row(0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (floats or ``None``); the input arrays are left out."""
        out: dict[str, Any] = {
            "model": "multilevel", "method": self.method, "test": self.test, "level": self.level, "k": self.k,
            "n_clusters": self.n_clusters, "n_within": self.n_within, "p": self.p,
            "pooled": self.pooled(), "coefficients": self.coefficients.to_dict(),
            "vcov": [[jfloat(x) for x in row] for row in self.vcov],
            "heterogeneity": {
                "sigma2_cluster": jfloat(self.sigma2_cluster), "sigma2_within": jfloat(self.sigma2_within),
                "sigma2_cluster_ci_lower": jfloat(self.sigma2_cluster_ci_lower),
                "sigma2_cluster_ci_upper": jfloat(self.sigma2_cluster_ci_upper),
                "sigma2_within_ci_lower": jfloat(self.sigma2_within_ci_lower),
                "sigma2_within_ci_upper": jfloat(self.sigma2_within_ci_upper),
                "i2_total": jfloat(self.i2_total), "i2_cluster": jfloat(self.i2_cluster),
                "i2_within": jfloat(self.i2_within), "typical_variance": jfloat(self.typical_variance),
                "qe": jfloat(self.qe), "qe_df": self.qe_df, "qe_p": jfloat(self.qe_p),
            },
            "moderators": {"qm": jfloat(self.qm), "qm_df": self.qm_df, "qm_df2": self.qm_df2,
                           "qm_p": jfloat(self.qm_p)},
            "fit": {"loglik": jfloat(self.loglik), "deviance": jfloat(self.deviance), "aic": jfloat(self.aic),
                    "bic": jfloat(self.bic), "aicc": jfloat(self.aicc), "converged": self.converged,
                    "iterations": self.iterations},
            "lrt_cluster": self.lrt_cluster.to_dict(), "lrt_within": self.lrt_within.to_dict(),
        }
        return out

    def to_frame(self) -> Any:
        """The coefficient table as a pandas DataFrame."""
        return self.coefficients.to_frame()

    def summary(self) -> str:
        """A short plain-text summary."""
        c = self.coefficients
        lines = [f"Three-level random-effects model ({self.method}; k = {self.k} comparisons in "
                 f"{self.n_clusters} clusters)",
                 f"sigma2_cluster = {self.sigma2_cluster:.4f}, sigma2_within = {self.sigma2_within:.4f}"]
        for j, name in enumerate(c.names):
            lines.append(f"{name}: {c.estimate[j]:.4f} (SE {c.se[j]:.4f}) [{c.ci_lower[j]:.4f}, {c.ci_upper[j]:.4f}] "
                         f"P = {c.p_value[j]:.4g}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"


def _indicator(codes: np.ndarray, n: int) -> np.ndarray:
    Z = np.zeros((codes.shape[0], n))
    Z[np.arange(codes.shape[0]), codes] = 1.0
    return Z


def _start(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Starting values: half of a moment estimate of the total heterogeneity for each component."""
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ beta
    dof = max(1, X.shape[0] - X.shape[1])
    total = float(r @ r) / dof - float(np.mean(v))
    s = max(total, 0.1 * float(np.mean(v)))
    return np.array([s / 2, s / 2])


def fit_multilevel(
    y: Any,
    v: Any,
    cluster: Any,
    X: Any | None = None,
    *,
    within: Any | None = None,
    method: str = DEFAULT_MULTILEVEL_METHOD,
    test: str = "z",
    level: float = 0.95,
    coef_names: Sequence[str] | None = None,
    btt: Sequence[int] | None = None,
    profile_ci: bool = True,
) -> MultilevelFit:
    """Fit the three-level random-effects model ``random = ~ 1 | cluster/within``.

    Parameters
    ----------
    y, v : array_like, shape (k,)
        Effects (one per comparison) and their sampling variances.
    cluster : array_like, shape (k,)
        Cluster (study) label of each row.
    X : array_like, shape (k, p), optional
        Design matrix with the intercept column (intercept only by default).
    within : array_like, shape (k,), optional
        Comparison label within the cluster; rows of one cluster with the same label share the
        within-cluster effect. By default every row is its own comparison.
    method : {"REML", "ML"}
    test : {"z", "t"}
        Wald z tests, or t tests (and F for QM) with k - p df.
    level : float
        Confidence level of the intervals, as a fraction.
    coef_names : sequence of str, optional
    btt : sequence of int, optional
        Coefficients tested by QM (default: all but a leading intercept).
    profile_ci : bool
        Compute the profile-likelihood intervals of the variance components.

    Returns
    -------
    MultilevelFit
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)} for the multilevel model; got {method!r}")
    if test not in TESTS:
        raise InputError(f"test must be one of {', '.join(TESTS)} for the multilevel model; got {test!r}")
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise InputError(f"level must be a fraction between 0 and 1 (e.g. 0.95); got {level!r}")
    yy, vv, XX = check_effects(y, v, X)
    k, p = XX.shape
    codes, labels = cluster_codes(cluster, k)
    if within is None:
        wcodes = np.arange(k)
    else:
        wlab = np.asarray(within, dtype=object).ravel()
        if wlab.shape[0] != k:
            raise InputError(f"within has {wlab.shape[0]} labels for {k} effects; give one label per row")
        pairs = np.empty(k, dtype=object)
        pairs[:] = list(zip(codes.tolist(), wlab.tolist(), strict=True))
        wcodes, _ = cluster_codes(pairs, k, name="within-cluster comparison")
    n_c, n_w = len(labels), int(wcodes.max()) + 1
    if k - p < 2:
        raise InputError(f"{k} comparisons are too few for {p} coefficients and two variance components")
    if n_c < 2:
        warnings.warn("one cluster only: sigma2_cluster is not identifiable and is estimated at its boundary",
                      FewStudiesWarning, stacklevel=2)
    names = default_names(XX, coef_names)
    tests = default_btt(XX) if btt is None else np.asarray(btt, dtype=np.intp)

    lik: Likelihood | NestedLikelihood
    if n_w == k:
        lik = NestedLikelihood(yy, vv, XX, codes, reml=(method == "REML"))
    else:
        lik = Likelihood(yy, vv, XX, [_indicator(codes, n_c), _indicator(wcodes, n_w)], reml=(method == "REML"))
    both = np.array([True, True])
    opt = maximise(lik, _start(yy, vv, XX), both)
    if not opt.converged:
        warnings.warn("the multilevel likelihood did not converge in 200 iterations", ConvergenceWarning,
                      stacklevel=2)
    ev = opt.at
    theta = ev.theta
    df = float(k - p) if test == "t" else None
    se = np.sqrt(np.diag(ev.vb))
    coefs = make_coefficients(names, ev.beta, se, df, level)

    m = tests.shape[0]
    qm = qm_p = None
    qm_df2: int | None = None
    if m:
        b = ev.beta[tests]
        qm = float(b @ np.linalg.solve(ev.vb[np.ix_(tests, tests)], b))
        if test == "t":
            qm, qm_df2 = qm / m, k - p
            qm_p = float(_dist.f_sf(qm, m, k - p))
        else:
            qm_p = float(_dist.chi2_sf(qm, m))

    W = 1.0 / vv
    WX = XX * W[:, None]
    xwx_inv = np.linalg.inv(XX.T @ WX)
    resid = yy - XX @ (xwx_inv @ (WX.T @ yy))
    qe = float(np.sum(W * resid**2))
    trace_p = float(np.sum(W) - np.sum((WX @ xwx_inv) * WX))
    typical = (k - p) / trace_p if trace_p > 0 else None
    if typical is not None:
        denom = float(theta.sum()) + typical
        i2_c, i2_w = 100 * float(theta[0]) / denom, 100 * float(theta[1]) / denom
        i2_t: float | None = i2_c + i2_w
    else:
        i2_c = i2_w = i2_t = None

    crit = float(_dist.chi2_ppf(level, 1))
    ci: list[tuple[float | None, float | None]] = [(None, None), (None, None)]
    if profile_ci:
        for r in range(2):
            if r == 0 and n_c < 2:
                continue  # not identifiable with one cluster: no interval
            try:
                ci[r] = profile_limits(lik, opt, r, crit)
            except np.linalg.LinAlgError:
                ci[r] = (ci[r][0], None)
            if ci[r][1] is None:
                warnings.warn(f"the upper profile-likelihood limit of {('sigma2_cluster', 'sigma2_within')[r]} "
                              "could not be bracketed", ConvergenceWarning, stacklevel=2)

    lrts = []
    for r, label in ((0, "sigma2_cluster = 0"), (1, "sigma2_within = 0")):
        start = theta.copy()
        start[r] = 0.0
        free = both.copy()
        free[r] = False
        red: Optimum = maximise(lik, start, free)
        stat = max(0.0, 2.0 * (ev.loglik - red.at.loglik))
        lrts.append(LikelihoodRatioTest(reduced=label, statistic=stat, df=1, p_value=float(_dist.chi2_sf(stat, 1)),
                                        loglik_reduced=red.at.loglik, sigma2_reduced=float(red.at.theta[1 - r])))

    npar = p + 2
    n = k - p if method == "REML" else k
    dev = -2.0 * ev.loglik
    aic = dev + 2 * npar
    bic = dev + npar * float(np.log(n))
    if method == "ML":  # metafor: ML deviance is relative to the saturated model y ~ N(y, diag(v))
        dev += -float(np.sum(np.log(2 * np.pi * vv)))
    aicc = -2.0 * ev.loglik + 2 * npar * n / (n - npar - 1) if n - npar - 1 > 0 else None
    return MultilevelFit(
        method=method, test=test, level=float(level), k=k, n_clusters=n_c, n_within=n_w, p=p,
        coefficients=coefs, vcov=tuple(tuple(map(float, row)) for row in ev.vb),
        sigma2_cluster=float(theta[0]), sigma2_within=float(theta[1]),
        sigma2_cluster_ci_lower=ci[0][0], sigma2_cluster_ci_upper=ci[0][1],
        sigma2_within_ci_lower=ci[1][0], sigma2_within_ci_upper=ci[1][1],
        i2_total=i2_t, i2_cluster=i2_c, i2_within=i2_w, typical_variance=typical,
        qe=qe if k > p else None, qe_df=k - p, qe_p=float(_dist.chi2_sf(qe, k - p)) if k > p else None,
        qm=qm, qm_df=m, qm_p=qm_p, qm_df2=qm_df2,
        loglik=ev.loglik, deviance=dev, aic=aic, bic=bic, aicc=aicc,
        lrt_cluster=lrts[0], lrt_within=lrts[1], converged=opt.converged, iterations=opt.iterations,
        data=DependentData(y=yy, v=vv, X=XX, cluster=codes, cluster_labels=labels, within=wcodes),
    )
