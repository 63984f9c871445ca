"""Likelihood engine of the multilevel (three-level) random-effects model.

The marginal model is ``y ~ N(Xβ, V(θ))`` with ``V(θ) = diag(v) + Σ_r θ_r Z_r Z_r'`` where
``Z_r`` are 0/1 indicator matrices of the random-effect levels (here: the cluster, and the
comparison within its cluster) and ``θ_r ≥ 0`` their variance components. With β profiled out
(generalised least squares), the restricted (REML) and full (ML) log-likelihoods are

* ML:   ``ℓ = -½ [k log 2π + log|V| + y'Py]``
* REML: ``ℓ = -½ [(k-p) log 2π + log|V| + log|X'V⁻¹X| + y'Py] + ½ log|X'X|``

with ``P = V⁻¹ - V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹`` (Harville 1977; the REML constant ``½ log|X'X|`` is
included, as metafor's ``rma.mv`` does by default). With ``T = P`` (REML) or ``V⁻¹`` (ML) the
score and Hessian are

* ``∂ℓ/∂θ_r = -½ tr(T Z_r Z_r') + ½ ‖Z_r'Py‖²``,
* ``∂²ℓ/∂θ_r∂θ_s = ½ ‖Z_r'TZ_s‖²_F - (Z_r'Py)'(Z_r'PZ_s)(Z_s'Py)``,

and the expected information is ``½ ‖Z_r'TZ_s‖²_F`` (Searle, Casella & McCulloch 1992, ch. 6).
The maximiser is a projected Newton method on ``θ ≥ 0`` that falls back to Fisher scoring when
the observed information is not positive definite and halves steps that lower ``ℓ``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import linalg

LOG2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class Evaluation:
    """The likelihood and its derivatives at one ``θ``."""

    theta: np.ndarray
    loglik: float
    grad: np.ndarray
    hess: np.ndarray
    fisher: np.ndarray
    beta: np.ndarray
    vb: np.ndarray


class Likelihood:
    """ML or REML log-likelihood of ``y ~ N(Xβ, diag(v) + Σ θ_r Z_r Z_r')`` as a function of ``θ``.

    Dense k × k algebra for any indicator matrices ``Z_r``; :class:`NestedLikelihood` is the fast
    path for the usual nesting (one row per comparison).
    """

    def __init__(self, y: np.ndarray, v: np.ndarray, X: np.ndarray, Z: list[np.ndarray], reml: bool) -> None:
        self.y, self.v, self.X, self.Z, self.reml = y, v, X, Z, reml
        self.k, self.p = X.shape
        self.G = [z @ z.T for z in Z]
        self.const = -0.5 * (self.k - (self.p if reml else 0)) * LOG2PI
        if reml:
            self.const += 0.5 * float(np.linalg.slogdet(X.T @ X)[1])

    def covariance(self, theta: np.ndarray) -> np.ndarray:
        V = np.diag(self.v)
        for t, G in zip(theta, self.G, strict=True):
            if t:
                V = V + t * G
        return V

    def __call__(self, theta: np.ndarray, derivatives: bool = True) -> Evaluation:
        X, y = self.X, self.y
        cf = linalg.cho_factor(self.covariance(theta), lower=True)
        logdet_v = 2.0 * float(np.sum(np.log(np.diag(cf[0]))))
        Vinv = linalg.cho_solve(cf, np.eye(self.k))
        ViX = Vinv @ X
        A = X.T @ ViX
        cfa = linalg.cho_factor(A, lower=True)
        vb = linalg.cho_solve(cfa, np.eye(self.p))
        beta = vb @ (ViX.T @ y)
        P = Vinv - ViX @ vb @ ViX.T
        Py = P @ y
        ll = self.const - 0.5 * (logdet_v + float(y @ Py))
        if self.reml:
            ll -= float(np.sum(np.log(np.diag(cfa[0]))))
        m = len(self.Z)
        grad = np.zeros(m)
        hess = np.zeros((m, m))
        fisher = np.zeros((m, m))
        if derivatives:
            T = P if self.reml else Vinv
            zpy = [z.T @ Py for z in self.Z]
            TZ = [T @ z for z in self.Z]
            PZ = TZ if self.reml else [P @ z for z in self.Z]
            for r, zr in enumerate(self.Z):
                grad[r] = -0.5 * float(np.sum(zr * TZ[r])) + 0.5 * float(zpy[r] @ zpy[r])
                for s in range(r, m):
                    ztz = zr.T @ TZ[s]
                    fisher[r, s] = fisher[s, r] = 0.5 * float(np.sum(ztz * ztz))
                    second = float(zpy[r] @ (zr.T @ PZ[s]) @ zpy[s])
                    hess[r, s] = hess[s, r] = fisher[r, s] - second
        return Evaluation(theta=theta, loglik=ll, grad=grad, hess=hess, fisher=fisher, beta=beta, vb=vb)


class NestedLikelihood:
    """The same likelihood for ``random = ~ 1 | cluster/row`` in O(k p²) per evaluation.

    Each cluster block is ``V_i = D_i + θ_c 11'`` with ``D_i = diag(v + θ_w)``, so
    ``V_i⁻¹ = diag(d) - a_i dd'`` with ``d = 1/(v + θ_w)``, ``a_i = θ_c/(1 + θ_c Σd)`` and
    ``log|V_i| = Σ log(v + θ_w) + log(1 + θ_c Σd)`` (Sherman-Morrison); traces and Frobenius
    norms of the derivative formulas reduce to cluster sums.
    """

    def __init__(self, y: np.ndarray, v: np.ndarray, X: np.ndarray, cluster: np.ndarray, reml: bool) -> None:
        self.y, self.v, self.X, self.cl, self.reml = y, v, X, cluster, reml
        self.k, self.p = X.shape
        self.n = int(cluster.max()) + 1
        self.const = -0.5 * (self.k - (self.p if reml else 0)) * LOG2PI
        if reml:
            self.const += 0.5 * float(np.linalg.slogdet(X.T @ X)[1])

    def _sum(self, M: np.ndarray) -> np.ndarray:
        """Cluster sums of the rows of ``M`` (n × m, or n for a vector)."""
        if M.ndim == 1:
            return np.bincount(self.cl, weights=M, minlength=self.n)
        out = np.zeros((self.n, M.shape[1]))
        np.add.at(out, self.cl, M)
        return out

    def __call__(self, theta: np.ndarray, derivatives: bool = True) -> Evaluation:
        X, y, cl = self.X, self.y, self.cl
        tc, tw = float(theta[0]), float(theta[1])
        e = self.v + tw
        d = 1.0 / e
        s = self._sum(d)
        a = tc / (1.0 + tc * s)
        ad = a[cl] * d

        def vinv(M: np.ndarray) -> np.ndarray:
            dM = d * M if M.ndim == 1 else d[:, None] * M
            S = self._sum(dM)
            return cast(np.ndarray, dM - (ad * S[cl] if M.ndim == 1 else ad[:, None] * S[cl]))

        logdet_v = float(np.sum(np.log(e)) + np.sum(np.log1p(tc * s)))
        ViX = vinv(X)
        A = X.T @ ViX
        cfa = linalg.cho_factor(A, lower=True)
        vb = linalg.cho_solve(cfa, np.eye(self.p))
        beta = vb @ (ViX.T @ y)
        u = vinv(y - X @ beta)  # = Py
        ll = self.const - 0.5 * (logdet_v + float(y @ u))
        if self.reml:
            ll -= float(np.sum(np.log(np.diag(cfa[0]))))
        grad = np.zeros(2)
        hess = np.zeros((2, 2))
        fisher = np.zeros((2, 2))
        if not derivatives:
            return Evaluation(theta=theta, loglik=ll, grad=grad, hess=hess, fisher=fisher, beta=beta, vb=vb)
        d2 = self._sum(d * d)
        q = s - a * s * s  # 1'V_i⁻¹1
        zu = [self._sum(u), u]
        # ML parts: tr(V⁻¹ G_r) and ||Z_r' V⁻¹ Z_s||_F²
        tr = np.array([np.sum(q), np.sum(d) - np.sum(a * d2)])
        ff = np.empty((2, 2))
        ff[0, 0] = np.sum(q * q)
        ff[1, 1] = np.sum(d2) - 2 * np.sum(a * self._sum(d**3)) + np.sum(a * a * d2 * d2)
        ff[0, 1] = ff[1, 0] = np.sum((1 - a * s) ** 2 * d2)
        if self.reml:
            B = [self._sum(ViX), ViX]  # Z_r' V⁻¹ X
            E = [vinv(self._sum(ViX)[cl]), vinv(ViX)]  # V⁻¹ Z_r Z_r' V⁻¹ X
            VB = [vb @ (b.T @ b) for b in B]
            tr = tr - np.array([np.trace(VB[0]), np.trace(VB[1])])
            for r in range(2):
                for t in range(r, 2):
                    cross = np.trace(vb @ B[t].T @ (self._sum(E[r]) if t == 0 else E[r]))
                    ff[r, t] = ff[t, r] = ff[r, t] - 2 * cross + np.trace(VB[r] @ VB[t])
        grad = -0.5 * tr + 0.5 * np.array([zu[0] @ zu[0], u @ u])
        fisher = 0.5 * ff
        az = [zu[0][cl], u]  # Z_r Z_r' Py
        pz = [vinv(m) - ViX @ (vb @ (ViX.T @ m)) for m in az]
        for r in range(2):
            for t in range(r, 2):
                hess[r, t] = hess[t, r] = fisher[r, t] - float(az[r] @ pz[t])
        return Evaluation(theta=theta, loglik=ll, grad=grad, hess=hess, fisher=fisher, beta=beta, vb=vb)


@dataclass(frozen=True)
class Optimum:
    """Maximum of the likelihood over the free components of ``θ`` (the others held fixed)."""

    at: Evaluation
    iterations: int
    converged: bool


def maximise(lik: Likelihood | NestedLikelihood, start: np.ndarray, free: np.ndarray, max_iter: int = 200) -> Optimum:
    """Projected Newton / Fisher-scoring ascent on ``θ ≥ 0`` over the components where ``free``."""
    theta = np.where(free, np.maximum(start, 0.0), start).astype(float)
    ev = lik(theta)
    for it in range(1, max_iter + 1):
        g = ev.grad
        active = free & ~((theta <= 0.0) & (g <= 0.0))
        if not np.any(active):
            return Optimum(ev, it, True)
        idx = np.flatnonzero(active)
        ga = g[idx]
        step = _direction(-ev.hess[np.ix_(idx, idx)], ev.fisher[np.ix_(idx, idx)], ga)
        scale = np.maximum(1.0, np.abs(theta[idx]))
        t = 1.0
        while True:
            cand = theta.copy()
            cand[idx] = np.maximum(theta[idx] + t * step, 0.0)
            new = lik(cand)
            if new.loglik >= ev.loglik - 1e-13 * max(1.0, abs(ev.loglik)) or t < 1e-10:
                break
            t *= 0.5
        moved = np.max(np.abs(cand[idx] - theta[idx]) / scale)
        theta, ev = cand, new
        if moved < 1e-13 or (moved < 1e-10 and np.max(np.abs(_projected(ev.grad, theta, free))) < 1e-8):
            return Optimum(ev, it, True)
    return Optimum(ev, max_iter, False)


def _projected(g: np.ndarray, theta: np.ndarray, free: np.ndarray) -> np.ndarray:
    return np.where(free & ~((theta <= 0.0) & (g <= 0.0)), g, 0.0)


def _direction(info: np.ndarray, fisher: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Newton direction when the observed information is positive definite, else Fisher scoring."""
    try:
        np.linalg.cholesky(info)
        return np.linalg.solve(info, g)
    except np.linalg.LinAlgError:
        return cast(np.ndarray, np.linalg.lstsq(fisher, g, rcond=None)[0])


def profile_limits(
    lik: Likelihood | NestedLikelihood, opt: Optimum, r: int, crit: float
) -> tuple[float | None, float | None]:
    """Profile-likelihood interval ``{θ_r : 2(ℓ̂ - max_{θ_-r} ℓ(θ_r, θ_-r)) ≤ crit}``.

    The lower limit is 0 when the profile at ``θ_r = 0`` stays within ``crit``; a limit that
    cannot be bracketed is ``None``.
    """
    from scipy.optimize import brentq

    best = opt.at.loglik
    theta_hat = opt.at.theta
    free = np.ones(theta_hat.shape[0], dtype=bool)
    free[r] = False
    warm = [theta_hat.copy()]

    def gap(x: float) -> float:
        start = warm[0].copy()
        start[r] = x
        prof = maximise(lik, start, free)
        warm[0] = prof.at.theta.copy()
        return 2.0 * (best - prof.at.loglik) - crit

    est = float(theta_hat[r])
    lower: float | None = 0.0
    if est > 0 and gap(0.0) > 0:
        warm[0] = theta_hat.copy()
        lower = float(brentq(gap, 0.0, est, xtol=1e-14 * max(1.0, est), rtol=1e-14, maxiter=200))
    warm[0] = theta_hat.copy()
    hi = est + max(est, 0.1 * float(np.var(lik.y)) + 1e-8, 1e-4)
    lo = est
    upper: float | None = None
    for _ in range(80):
        if gap(hi) > 0:
            upper = float(brentq(gap, lo, hi, xtol=1e-14 * max(1.0, hi), rtol=1e-14, maxiter=200))
            break
        lo, hi = hi, 2.0 * hi
    return lower, upper
