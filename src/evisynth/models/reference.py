"""Plain reference implementations of the τ² estimators and the Q-profile limits.

Each function fits ONE meta-analysis (1-D ``y``, ``v``; ``X`` of shape ``(k, p)``, by default
the intercept column) and is written as the formula of its paper, with explicit projection
matrices and a bisection root finder: no batch axis, no closed forms, no speed devices. They
define what the engine computes; the fast kernels in :mod:`evisynth.models.kernels`, which the
engine runs, are tested against them (``tests/engine/test_kernels_match_reference.py``).

Notation (Viechtbauer 2005; 2010): ``Σ = V + τ² I`` with ``V = diag(v)``, ``W = Σ⁻¹``, and the
projection ``P(τ²) = W - W X (X'WX)⁻¹ X'W``; ``Q(τ²) = Y'P(τ²)Y`` is the generalised Q
statistic, ``Q(0)`` Cochran's Q. ``k`` studies, ``p`` coefficients.

Standard errors. For the moment estimators, which are linear in a quadratic form ``Y'AY`` of
``Y ~ N(Xβ, Σ)`` with ``AX = 0``, ``Var(Y'AY) = 2 tr(AΣAΣ)`` (evaluated at the estimate), the
standard errors metafor reports; for ML/REML the inverse Fisher information.

References
----------
* DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Control Clin Trials
  7:177-188 (eq. 8); with moderators Raudenbush SW (2009), Analyzing effect sizes:
  random-effects models, in The Handbook of Research Synthesis and Meta-Analysis, 2nd ed.
* Hedges LV (1983). A random effects model for effect sizes. Psychol Bull 93:388-395.
* Hunter JE, Schmidt FL (2004). Methods of Meta-Analysis, 2nd ed. Sage.
* Sidik K, Jonkman JN (2005). Simple heterogeneity variance estimation for meta-analysis.
  J R Stat Soc C 54:367-384; J Biopharm Stat 15:823-838.
* Paule RC, Mandel J (1982). Consensus values and weighting factors. J Res Natl Bur Stand
  87:377-385.
* Morris CN (1983). Parametric empirical Bayes inference: theory and applications. JASA
  78:47-55; Berkey CS et al. (1995). Stat Med 14:395-411.
* Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the
  random-effects model. J Educ Behav Stat 30:261-293 (ML and REML score equations).
* Viechtbauer W (2007). Confidence intervals for the amount of heterogeneity in
  meta-analysis. Stat Med 26:37-52 (the Q-profile method).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, cast

import numpy as np


class ReferenceTau2(NamedTuple):
    """τ² and its standard error from a reference implementation."""

    tau2: float
    se: float


def design(k: int, X: np.ndarray | None) -> np.ndarray:
    """The design matrix: ``X``, or the intercept column when ``X`` is None."""
    return np.ones((k, 1)) if X is None else np.asarray(X, dtype=float)


def projection(v: np.ndarray, tau2: float, X: np.ndarray) -> np.ndarray:
    """``P(τ²) = W - W X (X'WX)⁻¹ X'W`` with ``W = diag(1 / (v + τ²))``, formed as
    ``W½ (I - QQ') W½`` with ``Q`` from the QR decomposition of ``W½X`` (the same matrix, without
    the loss of precision of the normal equations for ill-conditioned moderators such as years)."""
    half = 1.0 / np.sqrt(v + tau2)
    Q = np.linalg.qr(half[:, None] * X)[0]
    return cast(np.ndarray, half[:, None] * (np.eye(len(v)) - Q @ Q.T) * half[None, :])


def generalised_q(y: np.ndarray, v: np.ndarray, tau2: float, X: np.ndarray | None = None) -> float:
    """``Q(τ²) = Y'P(τ²)Y``, the weighted residual sum of squares of the fit at τ²."""
    y, v = np.asarray(y, dtype=float), np.asarray(v, dtype=float)
    return float(y @ projection(v, tau2, design(y.size, X)) @ y)


def quadratic_form_se(A: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """``√Var(Y'AY) = √(2 tr(AΣAΣ))`` for ``Y ~ N(Xβ, Σ)``, ``Σ = diag(v + τ²)``, ``AX = 0``."""
    A_sigma = A * (v + tau2)[None, :]
    return float(np.sqrt(2.0 * np.trace(A_sigma @ A_sigma)))


def bisect_decreasing(f: Callable[[float], float], lo: float, hi: float) -> float:
    """The point where ``f`` changes sign from positive (at ``lo``) to non-positive (at ``hi``),
    by bisection until the interval cannot shrink (full double precision)."""
    while True:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            return hi if f(hi) == 0 else mid
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid


def root_from_zero(f: Callable[[float], float], scale: float) -> float:
    """The first root above 0 of ``f``, 0 when ``f(0) <= 0``: an upper end is found by doubling
    from ``scale`` (``f`` is positive at 0 and negative far out for every equation here)."""
    if not f(0.0) > 0:
        return 0.0
    hi = scale
    while f(hi) > 0:
        hi *= 2.0
    return bisect_decreasing(f, 0.0, hi)


# -- moment estimators --------------------------------------------------------------------------


def tau2_dl(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """DerSimonian-Laird: ``τ² = max(0, (Q(0) - (k - p)) / tr P(0))`` (DerSimonian & Laird 1986,
    eq. 8, where ``tr P(0) = Σw - Σw²/Σw``; Raudenbush 2009 with moderators)."""
    X = design(len(y), X)
    k, p = X.shape
    P0 = projection(v, 0.0, X)
    tau2 = max(0.0, (float(y @ P0 @ y) - (k - p)) / np.trace(P0))
    return ReferenceTau2(tau2, quadratic_form_se(P0, v, tau2) / np.trace(P0))


def tau2_he(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Hedges: ``τ² = max(0, (Y'P_o Y - tr(P_o V)) / (k - p))`` with the unweighted projection
    ``P_o = I - X(X'X)⁻¹X'`` (Hedges 1983: the sample variance of the effects minus the mean
    sampling variance, for the intercept-only model)."""
    X = design(len(y), X)
    k, p = X.shape
    Q = np.linalg.qr(X)[0]
    Po = np.eye(k) - Q @ Q.T
    tau2 = max(0.0, (float(y @ Po @ y) - float(np.trace(Po * v[None, :]))) / (k - p))
    return ReferenceTau2(tau2, quadratic_form_se(Po, v, tau2) / (k - p))


def tau2_hs(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Hunter-Schmidt: ``τ² = max(0, (Q(0) - k) / Σw)`` with ``w = 1/v`` (Hunter & Schmidt 2004;
    Viechtbauer 2005, eq. 9)."""
    X = design(len(y), X)
    k = X.shape[0]
    P0 = projection(v, 0.0, X)
    sw = float(np.sum(1.0 / v))
    tau2 = max(0.0, (float(y @ P0 @ y) - k) / sw)
    return ReferenceTau2(tau2, quadratic_form_se(P0, v, tau2) / sw)


def tau2_sj(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Sidik-Jonkman: ``τ² = Σ q̂ᵢ⁻¹ (yᵢ - xᵢ'β̂)² / (k - p)`` with ``q̂ᵢ = vᵢ/τ0² + 1`` and the
    crude start ``τ0² = Σ(yᵢ - ȳ)²/k`` (Sidik & Jonkman 2005), i.e. ``τ0² Q(τ0²) / (k - p)``."""
    X = design(len(y), X)
    k, p = X.shape
    tau0 = float(np.sum((y - np.mean(y)) ** 2) / k)
    A = tau0 * projection(v, tau0, X) / (k - p)
    tau2 = max(0.0, float(y @ A @ y))
    return ReferenceTau2(tau2, quadratic_form_se(A, v, tau2))


# -- estimating equations -----------------------------------------------------------------------


def tau2_pm(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Paule-Mandel: the τ² >= 0 solving ``Q(τ²) = k - p`` (Paule & Mandel 1982), 0 when
    ``Q(0) < k - p``. Standard error ``√(2k²/(k-p)) / Σw*``, as metafor reports it."""
    X = design(len(y), X)
    k, p = X.shape
    tau2 = root_from_zero(lambda t: generalised_q(y, v, t, X) - (k - p), float(np.max(v)))
    return ReferenceTau2(tau2, float(np.sqrt(2 * k**2 / (k - p)) / np.sum(1.0 / (v + tau2))))


def tau2_eb(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Empirical Bayes: the τ² >= 0 solving Morris's equation
    ``Σ wᵢ [k/(k-p) (yᵢ - xᵢ'β̂)² - vᵢ - τ²] = 0`` with ``w = 1/(v + τ²)`` (Morris 1983; Berkey
    et al. 1995); since ``Σ wᵢ(vᵢ + τ²) = k`` it is ``k/(k-p) Q(τ²) = k``, Paule-Mandel's."""
    X = design(len(y), X)
    k, p = X.shape

    def morris(t: float) -> float:
        w = 1.0 / (v + t)
        r = (projection(v, t, X) @ y) / w  # residuals of the weighted fit: PY = W r
        return float(np.sum(w * (k / (k - p) * r * r - v - t)))

    tau2 = root_from_zero(morris, float(np.max(v)))
    return ReferenceTau2(tau2, float(np.sqrt(2 * k**2 / (k - p)) / np.sum(1.0 / (v + tau2))))


def ml_score(y: np.ndarray, v: np.ndarray, tau2: float, X: np.ndarray) -> float:
    """Twice the ML score ``Σwᵢ²(yᵢ - xᵢ'β̂)² - Σwᵢ``, β̂ the weighted fit at τ² (Viechtbauer 2005;
    ``wᵢ(yᵢ - xᵢ'β̂)`` is ``(P(τ²)Y)ᵢ``)."""
    Py = projection(v, tau2, X) @ y
    return float(Py @ Py - np.sum(1.0 / (v + tau2)))


def reml_score(y: np.ndarray, v: np.ndarray, tau2: float, X: np.ndarray) -> float:
    """Twice the REML score ``Y'PPY - tr P`` at τ² (Viechtbauer 2005)."""
    P = projection(v, tau2, X)
    Py = P @ y
    return float(Py @ Py - np.trace(P))


def loglik(y: np.ndarray, v: np.ndarray, tau2: float, X: np.ndarray, reml: bool) -> float:
    """The ML or REML log-likelihood up to a constant:
    ``-½ [Σ log(vᵢ + τ²) + Q(τ²) (+ log det X'WX for REML)]``."""
    ll = -0.5 * (float(np.sum(np.log(v + tau2))) + float(y @ projection(v, tau2, X) @ y))
    if reml:
        w = 1.0 / (v + tau2)
        ll -= 0.5 * float(np.linalg.slogdet(X.T @ (w[:, None] * X))[1])
    return ll


def maximise_likelihood(y: np.ndarray, v: np.ndarray, X: np.ndarray, reml: bool) -> float:
    """The τ² >= 0 with the largest (restricted) log-likelihood: 0 or a root of the score where it
    changes sign from + to - (a local maximum). Roots are bracketed on a grid of powers of two
    times the largest sampling variance (2⁻⁴⁰ to 2⁴⁰) and found by bisection."""
    def score(t: float) -> float:
        return float(reml_score(y, v, t, X) if reml else ml_score(y, v, t, X))

    scale = float(np.max(v))
    grid = [0.0] + [scale * 2.0**j for j in range(-40, 41)]
    values = [score(t) for t in grid]
    candidates = [0.0]
    for a, b, fa, fb in zip(grid[:-1], grid[1:], values[:-1], values[1:], strict=True):
        if fa > 0 >= fb:
            candidates.append(bisect_decreasing(score, a, b))
    return max(candidates, key=lambda t: loglik(y, v, t, X, reml))


def tau2_ml(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Maximum likelihood (Viechtbauer 2005): the maximiser of the log-likelihood over τ² >= 0, a
    root of the ML score or 0, with standard error ``√(2/Σw²)``, the inverse Fisher information."""
    X = design(len(y), X)
    tau2 = maximise_likelihood(y, v, X, reml=False)
    return ReferenceTau2(tau2, float(np.sqrt(2.0 / np.sum((1.0 / (v + tau2)) ** 2))))


def tau2_reml(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None) -> ReferenceTau2:
    """Restricted maximum likelihood (Viechtbauer 2005): the maximiser of the restricted
    log-likelihood over τ² >= 0, a root of the REML score or 0, with standard error
    ``√(2/tr(PP))``, the inverse Fisher information."""
    X = design(len(y), X)
    tau2 = maximise_likelihood(y, v, X, reml=True)
    P = projection(v, tau2, X)
    return ReferenceTau2(tau2, float(np.sqrt(2.0 / np.trace(P @ P))))


#: Reference implementations by metafor's method codes.
REFERENCE: dict[str, Callable[..., ReferenceTau2]] = {
    "DL": tau2_dl, "HE": tau2_he, "HS": tau2_hs, "SJ": tau2_sj,
    "ML": tau2_ml, "REML": tau2_reml, "PM": tau2_pm, "EB": tau2_eb,
}


def qprofile_limits(y: np.ndarray, v: np.ndarray, lower_target: float, upper_target: float,
                    X: np.ndarray | None = None) -> tuple[float, float]:
    """Q-profile limits (Viechtbauer 2007): the τ² solving ``Q(τ²) = lower_target``
    (``χ²_{k-p, 1-α/2}``: the lower limit) and ``Q(τ²) = upper_target`` (``χ²_{k-p, α/2}``: the
    upper limit), each 0 when ``Q(0)`` is already below its target. ``Q`` decreases to 0 as τ²
    grows, so each root exists and is bracketed by doubling."""
    X = design(len(y), X)
    scale = float(np.max(v))
    lo = root_from_zero(lambda t: generalised_q(y, v, t, X) - lower_target, scale)
    hi = root_from_zero(lambda t: generalised_q(y, v, t, X) - upper_target, scale)
    return lo, hi
