"""Cluster-robust inference: CR2 covariance with Satterthwaite df, and the correlated-effects model.

Three entry points, each returning a :class:`RobustFit`:

* :func:`robust_random` - the two-level random-effects model (metafor ``rma.uni``, τ² by any
  estimator of :mod:`evisynth.models.tau2`, REML by default) with CR2 standard errors clustered
  by study; working weights ``1/(v + τ²)``, working covariance ``diag(v + τ²)``. This matches
  clubSandwich's ``coef_test(fit, vcov = "CR2", cluster = study)``.
* :func:`robust_multilevel` - the three-level model of :func:`evisynth.models.multilevel.fit_multilevel`
  with CR2 standard errors clustered by its clusters; working covariance the fitted marginal
  ``V`` and weights ``V⁻¹`` (clubSandwich on ``rma.mv``).
* :func:`robust_correlated` - the correlated-effects model of Hedges, Tipton & Johnson (2010, Res
  Synth Methods 1:39-65) with approximately inverse-variance weights ``w_ij = 1/(k_j (v̄_j + τ²))``
  (``v̄_j`` the mean sampling variance and ``k_j`` the number of effects of study j), τ² by their
  method-of-moments estimator for an assumed within-study correlation ρ, and the small-sample
  corrections of Tipton (2015): CR2 with working covariance ``W⁻¹`` and Satterthwaite df
  (robumeta ``robu(..., modelweights = "CORR", rho, small = TRUE)``).

Each has the coefficient table with Satterthwaite df per coefficient (t-based P values and
intervals) and, for models with moderators, the HTZ Wald test of all coefficients but the intercept
(clubSandwich ``Wald_test(..., test = "HTZ")``); :func:`wald_test` tests any set.

Examples
--------
>>> y = [0.1, 0.3, 0.2, 0.5, 0.4, 0.0]
>>> v = [0.01, 0.02, 0.015, 0.01, 0.02, 0.03]
>>> fit = robust_correlated(y, v, ["a", "a", "b", "c", "c", "d"], rho=0.8)
>>> round(fit.coefficients.estimate[0], 4), round(fit.coefficients.df[0], 3)
(0.2311, 2.916)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evisynth.errors import InputError
from evisynth.models._cr2 import CR2, cr2, satterthwaite, wald_chisq, wald_htz
from evisynth.models._dependent import (
    Coefficients,
    check_effects,
    cluster_codes,
    default_btt,
    default_names,
    jfloat,
    make_coefficients,
)
from evisynth.options import DEFAULT_TAU2_METHOD

WALD_TESTS = ("HTZ", "chi-sq")


@dataclass(frozen=True)
class WaldTest:
    """Cluster-robust test of ``β_b = 0`` for the coefficients ``b`` (F statistic; ``df_denom`` None = ∞)."""

    test: str
    coefficients: tuple[int, ...]
    statistic: float
    df_num: int
    df_denom: float | None
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return {"test": self.test, "coefficients": list(self.coefficients), "statistic": jfloat(self.statistic),
                "df_num": self.df_num, "df_denom": jfloat(self.df_denom), "p_value": jfloat(self.p_value)}


@dataclass(frozen=True)
class RobustFit:
    """Result of the cluster-robust fits (``df`` in :attr:`coefficients` is the Satterthwaite df)."""

    model: str
    vcov_type: str
    level: float
    k: int
    n_clusters: int
    p: int
    coefficients: Coefficients
    vcov: tuple[tuple[float, ...], ...]
    tau2: float | None
    sigma2_cluster: float | None
    sigma2_within: float | None
    rho: float | None
    i2: float | None
    qe: float | None
    wald: WaldTest | None
    _cr2: CR2 = field(repr=False, compare=False)
    _beta: np.ndarray = field(repr=False, compare=False)

    @property
    def df(self) -> float | None:
        """Satterthwaite df of the first coefficient (the pooled effect of an intercept-only model)."""
        return self.coefficients.df[0]

    def pooled(self) -> dict[str, Any]:
        """The first coefficient as a JSON-ready dict (``estimate``, ``se``, ``df``, ``p_value``, CI)."""
        return self.coefficients.row(0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model, "vcov": self.vcov_type, "level": self.level, "k": self.k,
            "n_clusters": self.n_clusters, "p": self.p, "pooled": self.pooled(),
            "coefficients": self.coefficients.to_dict(),
            "covariance": [[jfloat(x) for x in row] for row in self.vcov],
            "heterogeneity": {"tau2": jfloat(self.tau2), "sigma2_cluster": jfloat(self.sigma2_cluster),
                              "sigma2_within": jfloat(self.sigma2_within), "rho": jfloat(self.rho),
                              "i2": jfloat(self.i2), "qe": jfloat(self.qe)},
            "wald": None if self.wald is None else self.wald.to_dict(),
        }

    def to_frame(self) -> Any:
        return self.coefficients.to_frame()

    def summary(self) -> str:
        c = self.coefficients
        lines = [f"Cluster-robust ({self.vcov_type}, Satterthwaite df) {self.model} model: k = {self.k}, "
                 f"{self.n_clusters} clusters"]
        for j, name in enumerate(c.names):
            lines.append(f"{name}: {c.estimate[j]:.4f} (SE {c.se[j]:.4f}, df {c.df[j] or float('nan'):.2f}) "
                         f"[{c.ci_lower[j]:.4f}, {c.ci_upper[j]:.4f}] P = {c.p_value[j]:.4g}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"


def wald_test(fit: RobustFit, coefficients: Sequence[int], test: str = "HTZ") -> WaldTest:
    """Cluster-robust Wald test that the given coefficients (0-based indices) are all zero."""
    if test not in WALD_TESTS:
        raise InputError(f"test must be one of {', '.join(WALD_TESTS)}; got {test!r}")
    idx = [int(i) for i in coefficients]
    if not idx or any(i < 0 or i >= fit.p for i in idx):
        raise InputError(f"coefficients must be indices between 0 and {fit.p - 1}; got {list(coefficients)!r}")
    C = np.eye(fit.p)[idx]
    res = (wald_htz if test == "HTZ" else wald_chisq)(fit._cr2, fit._beta, C)
    return WaldTest(test=test, coefficients=tuple(idx), statistic=res.statistic, df_num=res.df_num,
                    df_denom=res.df_denom, p_value=res.p_value)


def _rows(codes: np.ndarray, n: int) -> list[np.ndarray]:
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.cumsum(np.bincount(codes, minlength=n))[:-1])


def _finish(model: str, X: np.ndarray, y: np.ndarray, beta: np.ndarray, W: list[np.ndarray], Phi: list[np.ndarray],
            rows: list[np.ndarray], names: tuple[str, ...], level: float, **extra: Any) -> RobustFit:
    k, p = X.shape
    if len(rows) < 2:
        raise InputError("cluster-robust variance estimation needs at least two clusters")
    fit = cr2(X, y - X @ beta, W, Phi, rows)
    se = np.sqrt(np.diag(fit.vcov))
    df = satterthwaite(fit, np.eye(p))
    coefs = make_coefficients(names, beta, se, df, level)
    btt = default_btt(X)
    wald = None
    if p > 1 and btt.size:
        res = wald_htz(fit, beta, np.eye(p)[btt])
        wald = WaldTest(test="HTZ", coefficients=tuple(int(i) for i in btt), statistic=res.statistic,
                        df_num=res.df_num, df_denom=res.df_denom, p_value=res.p_value)
    values = {"tau2": None, "sigma2_cluster": None, "sigma2_within": None, "rho": None, "i2": None, "qe": None}
    values.update(extra)
    return RobustFit(model=model, vcov_type="CR2", level=float(level), k=k, n_clusters=len(rows), p=p,
                     coefficients=coefs, vcov=tuple(tuple(map(float, r)) for r in fit.vcov), wald=wald,
                     _cr2=fit, _beta=beta, **values)


def robust_random(y: Any, v: Any, cluster: Any, X: Any | None = None, *, method: str = DEFAULT_TAU2_METHOD,
                  level: float = 0.95, coef_names: Sequence[str] | None = None) -> RobustFit:
    """Two-level random-effects model (τ² by ``method``) with CR2 standard errors clustered by ``cluster``."""
    from evisynth.models.mixed import fit_mixed
    from evisynth.models.tau2 import TAU2_ESTIMATORS

    if method not in TAU2_ESTIMATORS:
        raise InputError(f"method must be one of {', '.join(TAU2_ESTIMATORS)}; got {method!r}")
    yy, vv, XX = check_effects(y, v, X)
    codes, labels = cluster_codes(cluster, yy.shape[0])
    mixed = fit_mixed(yy, vv, XX, model="random", method=method)
    tau2 = float(mixed.tau2)
    rows = _rows(codes, len(labels))
    w = 1.0 / (vv + tau2)
    W = [np.diag(w[r]) for r in rows]
    Phi = [np.diag(1.0 / w[r]) for r in rows]
    return _finish("random", XX, yy, np.asarray(mixed.beta, dtype=float), W, Phi, rows,
                   default_names(XX, coef_names), level, tau2=tau2)


def robust_multilevel(fit: Any, *, level: float | None = None) -> RobustFit:
    """CR2 inference for a :class:`~evisynth.models.multilevel.MultilevelFit`, clustered by its clusters."""
    data = fit.data
    rows = _rows(data.cluster, fit.n_clusters)
    Phi = []
    for r in rows:
        same_w = data.within[r][:, None] == data.within[r][None, :]
        Phi.append(np.diag(data.v[r]) + fit.sigma2_cluster + fit.sigma2_within * same_w)
    W = [np.linalg.inv(P) for P in Phi]
    beta = np.asarray(fit.coefficients.estimate)
    return _finish("multilevel", data.X, data.y, beta, W, Phi, rows, fit.coefficients.names,
                   fit.level if level is None else level, sigma2_cluster=fit.sigma2_cluster,
                   sigma2_within=fit.sigma2_within)


def robust_correlated(y: Any, v: Any, cluster: Any, X: Any | None = None, *, rho: float = 0.8, level: float = 0.95,
                      coef_names: Sequence[str] | None = None) -> RobustFit:
    """Correlated-effects model (Hedges, Tipton & Johnson 2010) with Tipton's (2015) small-sample CR2 tests.

    ``rho`` is the assumed correlation of effects within a study (used only to estimate τ²).
    """
    if not (isinstance(rho, (int, float)) and 0 <= rho <= 1):
        raise InputError(f"rho must be a correlation between 0 and 1; got {rho!r}")
    yy, vv, XX = check_effects(y, v, X)
    k = XX.shape[0]
    codes, labels = cluster_codes(cluster, k)
    n = len(labels)
    rows = _rows(codes, n)
    kj = np.bincount(codes, minlength=n).astype(float)
    vbar = np.bincount(codes, weights=vv, minlength=n) / kj
    tau2, qe, expected = _tau2_corr(yy, vv, XX, codes, kj, vbar, rho)
    w = 1.0 / (kj[codes] * (vbar[codes] + tau2))
    WX = XX * w[:, None]
    beta = np.linalg.solve(XX.T @ WX, WX.T @ yy)
    W = [np.diag(w[r]) for r in rows]
    Phi = [np.diag(1.0 / w[r]) for r in rows]
    i2 = max(0.0, 100.0 * (qe - expected) / qe) if qe > 0 else 0.0
    return _finish("correlated", XX, yy, beta, W, Phi, rows, default_names(XX, coef_names), level, tau2=tau2,
                   rho=float(rho), i2=i2, qe=qe)


def _tau2_corr(y: np.ndarray, v: np.ndarray, X: np.ndarray, codes: np.ndarray, kj: np.ndarray, vbar: np.ndarray,
               rho: float) -> tuple[float, float, float]:
    """Method-of-moments τ² of the correlated-effects model (Hedges, Tipton & Johnson 2010).

    With weights ``w_j = 1/(k_j v̄_j)``, ``Q_E = Σ w_j e_ij²`` has expectation ``τ² a + b`` where
    ``a = tr[(I-H)'W(I-H)J]`` (``J`` the block of ones per study) and ``b = tr[(I-H)'W(I-H)S]`` for
    sampling covariance ``S`` with variances ``v̄_j`` on the diagonal and ``ρ v̄_j`` off it. τ² is
    ``(Q_E - b)/a`` truncated at 0; ``I² = 100 (Q_E - b)/Q_E`` truncated at 0 (robumeta's I², whose
    "df" is ``b``). Returns τ², Q_E and ``b``.
    """
    w = 1.0 / (kj[codes] * vbar[codes])
    WX = X * w[:, None]
    M = np.linalg.inv(X.T @ WX)
    e = y - X @ (M @ (WX.T @ y))
    qe = float(np.sum(w * e * e))
    k = y.shape[0]
    IH = np.eye(k) - X @ M @ WX.T
    R = IH.T @ (w[:, None] * IH)
    same = codes[:, None] == codes[None, :]
    a = float(np.sum(R * same))
    S = np.where(same, rho * vbar[codes][:, None], 0.0)
    np.fill_diagonal(S, vbar[codes])
    b = float(np.sum(R * S))
    return max(0.0, (qe - b) / a), qe, b
