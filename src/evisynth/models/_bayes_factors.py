"""Bayes factors of the normal-normal model and the maximisation over τ they need (:mod:`evisynth.models.bayes`).

Bayes factors for τ = 0 and μ = 0 are marginal-likelihood ratios, defined only for proper
priors (Röver 2020, J Stat Softw 93(6)); the minimum Bayes factors use the largest likelihood
under the alternative (Spiegelhalter, Abrams & Myles 2004, Section 4.4).
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

from evisynth.models._bayes_quad import Posterior, loglik
from evisynth.models.bayes_priors import TauPrior


def argmax_tau(post: Posterior, func: Any) -> tuple[np.ndarray, np.ndarray]:
    """Maximiser and maximum over τ ≥ 0 of ``func(tau (B, M)) -> (B, M)`` (golden section around the best node)."""
    g = post.grid
    vals = func(g.tau)
    n = (g.tau.shape[1] - 1) // 2
    st = g.stride[:, None]
    own = (np.arange(g.tau.shape[1])[None, :] - n) % st == 0  # the row's own nodes: its result ignores the batch
    j = np.argmax(np.where(own, vals, -np.inf), axis=1)
    rows = np.arange(post.B)
    first = n % g.stride
    lo = g.tau[rows, np.maximum(j - g.stride, first)] * (j > first)
    hi = g.tau[rows, np.minimum(j + g.stride, g.tau.shape[1] - 1 - first)]
    invphi = (math.sqrt(5) - 1) / 2
    done = np.zeros(post.B, dtype=bool)
    for _ in range(100):
        x1, x2 = hi - invphi * (hi - lo), lo + invphi * (hi - lo)
        f = func(np.stack([x1, x2], axis=1))
        left = f[:, 0] >= f[:, 1]
        # a converged row stays put (its result does not depend on the other rows of the batch)
        hi, lo = np.where(left & ~done, x2, hi), np.where(left | done, lo, x1)
        done |= hi - lo <= 1e-13 * np.maximum(hi, 1e-300)
        if np.all(done):
            break
    x = 0.5 * (lo + hi)
    fx = func(x[:, None])[:, 0]
    f0 = func(np.zeros((post.B, 1)))[:, 0]
    at0 = f0 >= fx
    return np.where(at0, 0.0, x), np.where(at0, f0, fx)


def bayes_factors(post: Posterior, prior: TauPrior, uniform_mu: bool) -> dict[str, np.ndarray]:
    """Bayes factors for τ = 0 and μ = 0 and the minimum Bayes factors (NaN where undefined)."""
    B = post.B
    nan = np.full(B, np.nan)
    y, s, mu0, s0 = post.y, post.s, post.mu0, post.s0
    ll0, _, _ = loglik(np.zeros((B, 1)), y, s, mu0, s0)
    g = post.grid
    lls, _, _ = loglik(g.tau, y, s, mu0, s0)
    best = argmax_tau(post, lambda t: loglik(t, y, s, mu0, s0)[0])[1]
    out = {"tau0": nan, "mu0": nan, "min_mu0": nan, "min_tau0": ll0[:, 0] - np.maximum(best, ll0[:, 0])}
    # p(y | μ = 0, τ) for every node; with the τ posterior weights π_j ∝ p(τ_j) p(y|τ_j):
    # p(y | μ=0) / p(y) = Σ π_j p(y|μ=0,τ_j)/p(y|τ_j)
    v = s[:, None, :] ** 2 + g.tau[..., None] ** 2
    ll_mu0 = -0.5 * (np.log(2 * np.pi * v) + y[:, None, :] ** 2 / v).sum(-1)
    proper_tau = prior.proper and not prior.parameters.get("_unnormalised", False)
    if proper_tau:
        log_norm = _prior_log_norm(post, prior) if prior.name == "conventional" else np.zeros(B)
        if not uniform_mu:
            out["tau0"] = np.exp(ll0[:, 0] - (g.log_z - log_norm))
            out["mu0"] = np.exp(np.log(np.sum(g.pi * np.exp(ll_mu0 - lls), axis=1)))
        out["min_mu0"] = _min_bf_mu0(post, ll_mu0)
    out["min_tau0"] = np.exp(out["min_tau0"])
    return out


def _prior_log_norm(post: Posterior, prior: TauPrior) -> np.ndarray:
    """log ∫ p(τ) dτ for a prior known up to a constant (the conventional prior)."""
    from evisynth.models.bayes_priors import harmonic_s02

    c = np.sqrt(harmonic_s02(post.s))
    t = np.arange(-256, 257) / 64
    tau = c[:, None] * np.exp(0.5 * math.pi * np.sinh(t))[None, :]
    wt = tau * (0.5 * math.pi * np.cosh(t))[None, :] / 64
    lp = prior.logpdf(tau, post.s)
    return cast(np.ndarray, np.log(np.sum(wt * np.exp(lp), axis=1)))


def _min_bf_mu0(post: Posterior, ll_mu0: np.ndarray) -> np.ndarray:
    """p(y|μ=0) / max_μ p(y|μ) with p(y|μ) = ∫ p(τ) Π N(y_i; μ, σ_i²+τ²) dτ (τ prior proper).

    On the τ nodes, ``log p(y|μ) = logsumexp_j(log w_j + ll_j(μ))`` with ll_j quadratic in μ and
    maximal at the weighted mean of y for τ_j, so the maximum lies in [min y, max y]; it is found by
    Newton steps on the derivative, bracketed by that interval, for the whole batch at once (a row
    stops when its step is below 1e-14 of the data's scale and is not moved again).
    """
    g = post.grid
    y, s = post.y, post.s
    lls, _, _ = loglik(g.tau, y, s, post.mu0, post.s0)
    logw = np.log(np.maximum(g.pi, 1e-300)) - lls
    v = s[:, None, :] ** 2 + g.tau[..., None] ** 2
    a = (1.0 / v).sum(-1)
    b = (y[:, None, :] / v).sum(-1)
    c = (y[:, None, :] ** 2 / v).sum(-1)
    base = logw - 0.5 * np.log(2 * np.pi * v).sum(-1)

    def parts(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lj = base - 0.5 * (c - 2 * m[:, None] * b + m[:, None] ** 2 * a)
        top = np.max(lj, axis=1, keepdims=True)
        e = np.exp(lj - top)
        tot = e.sum(1)
        r = e / tot[:, None]
        d = b - m[:, None] * a
        f1 = (r * d).sum(1)
        f2 = (r * (d * d - a)).sum(1) - f1 * f1
        return np.log(tot) + top[:, 0], f1, f2

    lo, hi = y.min(1), y.max(1)
    scale = np.maximum(np.abs(y).max(1), s.max(1))
    m = np.clip((g.pi * g.mean).sum(1), lo, hi)
    done = hi - lo <= 1e-14 * scale
    for _ in range(100):
        _, f1, f2 = parts(m)
        lo, hi = np.where(done | (f1 < 0), lo, m), np.where(done | (f1 >= 0), hi, m)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = m - f1 / f2
        step = np.where((f2 < 0) & (step >= lo) & (step <= hi), step, 0.5 * (lo + hi))
        new = np.where(done, m, step)
        done |= (np.abs(new - m) <= 1e-14 * scale) | (f1 == 0)
        m = new
        if np.all(done):
            break
    top, _, _ = parts(m)
    lz0 = ll_mu0 + logw
    t0 = np.max(lz0, axis=1)
    at0 = t0 + np.log(np.exp(lz0 - t0[:, None]).sum(1))
    return cast(np.ndarray, np.exp(np.minimum(0.0, at0 - top)))
