"""Numerical integration over τ for the normal-normal hierarchical model (a batch of fits at once).

Conditionally on τ the effect μ is normal (conjugate), so every posterior of interest is a
one-dimensional integral over τ of normal densities or distribution functions (Röver 2020,
Section 2.4-2.6). The τ integrals use double-exponential quadrature (Takahasi & Mori 1974):
the exp-sinh rule ``τ = c·exp(π/2·sinh t)`` on (0, ∞), centred at the maximum of ``τ p(τ|y)``,
or the tanh-sinh rule on [0, A] for priors bounded above; the step is halved until the
normalising constant is stable to 1e-12. Distribution functions of τ use a tanh-sinh rule on
[0, τ*]; those of μ, of a new study's effect and of the study effects are mixtures of normals
over the τ nodes. Arrays have a leading batch axis B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from evisynth import _dist
from evisynth.models.bayes_priors import TauPrior

LOG2PI = math.log(2 * math.pi)


def loglik(tau: np.ndarray, y: np.ndarray, s: np.ndarray, mu0: np.ndarray | None, s0: np.ndarray | None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """μ-integrated log-likelihood ``log p(y|τ)`` with the conditional mean and variance of μ.

    ``tau`` (B, N); ``y``, ``s`` (B, k); ``mu0``, ``s0`` (B,) for a normal μ prior or None for the
    improper uniform prior (then the likelihood is ∫ Π N(y_i; μ, s_i²+τ²) dμ).
    """
    # studies on the leading axis: the sums over k are elementwise adds of (B, N) slices (fast for small k)
    shape = (y.shape[1], y.shape[0]) + (1,) * (tau.ndim - 1)
    y_k, s_k = y.T.reshape(shape), s.T.reshape(shape)
    v = s_k**2 + tau[None] ** 2
    w = 1.0 / v
    sw = w.sum(0)
    swy = (w * y_k).sum(0)
    if mu0 is not None and s0 is not None:
        col = (-1,) + (1,) * (tau.ndim - 1)
        w0 = (1.0 / s0**2).reshape(col)
        prec = sw + w0
        mean = (swy + w0 * mu0.reshape(col)) / prec
        q = (w * (y_k - mean[None]) ** 2).sum(0) + w0 * (mu0.reshape(col) - mean) ** 2
        ll = -0.5 * (np.log(2 * np.pi * v).sum(0) + np.log(s0**2).reshape(col) + np.log(prec) + q)
    else:
        prec = sw
        mean = swy / prec
        q = (w * (y_k - mean[None]) ** 2).sum(0)
        ll = -0.5 * (np.log(2 * np.pi * v).sum(0) - LOG2PI + np.log(prec) + q)
    return ll, mean, 1.0 / prec


def _exp_sinh(c: np.ndarray, h: float, tmax: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(-math.floor(tmax / h), math.floor(tmax / h) + 1) * h
    e = np.exp(0.5 * math.pi * np.sinh(t))
    tau = c[:, None] * e[None, :]
    wt = h * tau * (0.5 * math.pi * np.cosh(t))[None, :]
    return tau, wt


def tanh_sinh(upper: np.ndarray, h: float, tmax: float = 3.2) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights on [0, upper] (upper of shape (B,) or (B, M)): shapes (..., N)."""
    t = np.arange(-math.floor(tmax / h), math.floor(tmax / h) + 1) * h
    u = 0.5 * math.pi * np.sinh(t)
    x = np.tanh(u)
    half = 0.5 * (1.0 + x)
    # 1 - x computed stably for the nodes near the upper end
    dx = 0.5 * math.pi * np.cosh(t) / np.cosh(u) ** 2
    up = np.asarray(upper)[..., None]
    return up * half, h * up * 0.5 * dx


@dataclass(frozen=True)
class Grid:
    """Quadrature over τ for a batch: nodes, normalised weights and conditional moments of μ."""

    tau: np.ndarray
    pi: np.ndarray  # posterior mass of each node (rows sum to 1)
    mean: np.ndarray  # E(μ | τ, y)
    var: np.ndarray  # Var(μ | τ, y)
    log_z: np.ndarray  # log ∫ p(τ) p(y|τ) dτ (prior unnormalised if improper)
    h: float
    stride: np.ndarray  # (B,): a row's own rule uses every stride-th node (the others have zero weight)


class Posterior:
    """Posterior of (μ, τ) for a batch of fits sharing k and the prior family."""

    def __init__(self, y: np.ndarray, s: np.ndarray, prior: TauPrior, mu0: np.ndarray | None, s0: np.ndarray | None):
        self.y, self.s, self.prior, self.mu0, self.s0 = y, s, prior, mu0, s0
        self.B = y.shape[0]
        self.upper = None if prior.upper is None else np.broadcast_to(np.asarray(prior.upper, float), (self.B,))
        self.grid = self._integrate()

    def take(self, rows: np.ndarray) -> Posterior:
        """The posterior of the batch rows ``rows`` (for priors whose parameters are scalars)."""
        sub = object.__new__(Posterior)
        sub.y, sub.s, sub.prior = self.y[rows], self.s[rows], self.prior
        sub.mu0 = None if self.mu0 is None else self.mu0[rows]
        sub.s0 = None if self.s0 is None else self.s0[rows]
        sub.B = len(rows)
        sub.upper = None if self.upper is None else self.upper[rows]
        g = self.grid
        sub.grid = Grid(tau=g.tau[rows], pi=g.pi[rows], mean=g.mean[rows], var=g.var[rows], log_z=g.log_z[rows],
                        h=g.h, stride=g.stride[rows])
        return sub

    # -- unnormalised log posterior of τ ------------------------------------------------------
    def log_post(self, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        with np.errstate(divide="ignore", invalid="ignore"):
            lp = self.prior.logpdf(tau, self.s)
        ll, mean, var = loglik(tau, self.y, self.s, self.mu0, self.s0)
        return np.where(np.isfinite(lp), lp + ll, -np.inf), mean, var

    def _centre(self) -> np.ndarray:
        """Maximum of τ p(τ|y) over a coarse log grid (the exp-sinh rule's centre)."""
        base = np.sqrt(np.maximum(np.var(self.y, axis=1), np.median(self.s, axis=1) ** 2))
        base = np.maximum(base, 1e-300)
        tau = base[:, None] * np.logspace(-6, 3, 91)[None, :]
        lp, _, _ = self.log_post(tau)
        return cast(np.ndarray, tau[np.arange(self.B), np.argmax(lp + np.log(tau), axis=1)])

    def _nodes(self, h: float) -> tuple[np.ndarray, np.ndarray]:
        if self.upper is not None:
            return tanh_sinh(self.upper, h)
        return _exp_sinh(self.centre, h)

    def _integrate(self) -> Grid:
        """Halve the step until log Z is stable to 1e-12, row by row.

        A row keeps the rule at which it converged; the nodes of the finer rules the other rows
        of the batch need interleave with its nodes (the step is halved, the nodes t = j·h), and
        the new ones get zero weight, so a fit's result does not depend on its batch.
        """
        if self.upper is None:
            self.centre = self._centre()
        prev = None
        h = 0.125
        kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (rows, weights, log_z) fixed at a coarser rule
        done = np.zeros(self.B, dtype=bool)
        while True:
            tau, wt = self._nodes(h)
            lp, mean, var = self.log_post(tau)
            top = np.max(lp, axis=1, keepdims=True)
            mass = wt * np.exp(lp - top)
            z = mass.sum(1)
            log_z = np.log(z) + top[:, 0]
            pi = mass / z[:, None]
            if prev is not None:
                conv = ~done & (np.abs(log_z - prev) < 1e-12)
                if np.all(done | conv) or h < 1 / 64:
                    break
                if np.any(conv):
                    kept.append((np.flatnonzero(conv), pi[conv], log_z[conv]))
                    done |= conv
            prev, h = log_z, h / 2
        n = (tau.shape[1] - 1) // 2
        stride = np.ones(self.B, dtype=int)
        for rows, p_rows, lz in kept:
            m = (p_rows.shape[1] - 1) // 2
            step = round(n / m) if m else 1
            pos = n + step * np.arange(-m, m + 1)
            pi[rows] = 0.0
            pi[np.ix_(rows, pos)] = p_rows
            log_z[rows] = lz
            stride[rows] = step
        return Grid(tau=tau, pi=pi, mean=mean, var=var, log_z=log_z, h=h, stride=stride)

    # -- τ -----------------------------------------------------------------------------------
    def tau_pdf(self, x: np.ndarray) -> np.ndarray:
        """Posterior density of τ at x (B, M)."""
        lp, _, _ = self.log_post(np.maximum(x, 0.0))
        out = np.exp(lp - self.grid.log_z[:, None])
        return np.where(x < 0, 0.0, out)

    def tau_cdf(self, x: np.ndarray) -> np.ndarray:
        """Posterior CDF of τ at x (B, M) by tanh-sinh quadrature on [0, x]."""
        xx = np.maximum(x, 0.0)
        if self.upper is not None:
            xx = np.minimum(xx, self.upper[:, None])
        nodes, wt = tanh_sinh(xx, 1 / 32)
        B, M, N = nodes.shape
        lp, _, _ = self.log_post(nodes.reshape(B, M * N))
        val = (wt * np.exp(lp.reshape(B, M, N) - self.grid.log_z[:, None, None])).sum(-1)
        return cast(np.ndarray, np.clip(val, 0.0, 1.0))

    def tau_quantile(self, q: np.ndarray, x0: np.ndarray | None = None) -> np.ndarray:
        """Quantiles (B, M) of τ by safeguarded Newton steps on the CDF (``x0``: a starting point).

        A quantile stops moving once its step is below 1e-12 relative (or its CDF matches to
        1e-15), so a row's result does not depend on the other rows of the batch.
        """
        q = np.broadcast_to(np.asarray(q, float), (self.B, np.size(q) if np.ndim(q) == 1 else np.shape(q)[-1]))
        if x0 is None:
            tau, pi = self.grid.tau, self.grid.pi
            cum = np.cumsum(pi, axis=1) - 0.5 * pi
            x = np.stack([np.interp(q[b], cum[b], tau[b]) for b in range(self.B)])
        else:
            x = np.maximum(np.array(x0, dtype=float), 0.0)
        lo = np.zeros_like(x)
        hi = np.full_like(x, np.inf)
        done = q <= 0
        for _ in range(60):
            f = self.tau_cdf(x) - q
            lo = np.where(f < 0, x, lo)
            hi = np.where(f >= 0, x, hi)
            d = self.tau_pdf(x)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = x - f / d
            bad = ~np.isfinite(step) | (step <= lo) | (step >= hi)
            new = np.where(bad, np.where(np.isfinite(hi), 0.5 * (lo + hi), 2 * x + 1e-12), step)
            done = done | (np.abs(f) <= 1e-15)  # the CDF matches to its own precision: keep x
            new = np.where(done, x, new)
            done = done | (np.abs(new - x) <= 1e-12 * np.maximum(x, 1e-300))
            x = new
            if np.all(done):
                break
        return np.where(q <= 0, 0.0, x)

    # -- normal mixtures (μ, a new study, the study effects) -------------------------------------
    def mixture(self, kind: str, i: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Component means and variances (B, N) of μ (``"mu"``), a new study's effect (``"new"``) or study i."""
        g = self.grid
        if kind == "mu":
            return g.mean, g.var
        if kind == "new":
            return g.mean, g.var + g.tau**2
        s2 = self.s[:, i][:, None] ** 2
        b = s2 / (s2 + g.tau**2)
        return b * g.mean + (1 - b) * self.y[:, i][:, None], s2 * (1 - b) + b * b * g.var


def compact(pi: np.ndarray, a: np.ndarray, c: np.ndarray, floor: float = 1e-30
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The components of a batch of normal mixtures with weight above ``floor``, packed to the left.

    Rows are padded with weight 0 (mean 0, variance 1) to the longest row. The components a row
    keeps do not depend on the other rows, so neither do its results; dropping weights below
    1e-30 (nodes far in the tails of τ's posterior, and the zero-weight nodes of a row whose
    quadrature converged with a coarser step) changes the mixture by less than 1e-27.
    """
    keep = pi > floor
    n = int(keep.sum(1).max())
    if n == pi.shape[1]:
        return pi, a, c
    order = np.argsort(~keep, axis=1, kind="stable")[:, :n]
    kept = np.take_along_axis(keep, order, 1)
    return (np.where(kept, np.take_along_axis(pi, order, 1), 0.0), np.where(kept, np.take_along_axis(a, order, 1), 0.0),
            np.where(kept, np.take_along_axis(c, order, 1), 1.0))


def mix_cdf(pi: np.ndarray, a: np.ndarray, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    z = (x[:, :, None] - a[:, None, :]) / np.sqrt(c[:, None, :])
    return cast(np.ndarray, np.einsum("bn,bmn->bm", pi, _dist.norm_cdf(z)))


def mix_pdf(pi: np.ndarray, a: np.ndarray, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    sd = np.sqrt(c[:, None, :])
    z = (x[:, :, None] - a[:, None, :]) / sd
    return cast(np.ndarray, np.einsum("bn,bmn->bm", pi, np.exp(-0.5 * z * z) / (sd * math.sqrt(2 * math.pi))))


def mix_moments(pi: np.ndarray, a: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = (pi * a).sum(1)
    # centred second moment: no cancellation when the SD is small against the mean
    return m, np.sqrt((pi * (c + (a - m[:, None]) ** 2)).sum(1))


def mix_quantile(pi: np.ndarray, a: np.ndarray, c: np.ndarray, q: np.ndarray, x0: np.ndarray | None = None
                 ) -> np.ndarray:
    """Quantiles (B, M) of normal mixtures by Newton steps with a bracket.

    ``x0`` (B, M) is a starting point (e.g. the quantiles of nearby probabilities); by default the
    normal approximation. Only the rows that have not converged are iterated, so a row's result
    does not depend on the other rows of the batch.
    """
    m, sd = mix_moments(pi, a, c)
    q = np.broadcast_to(np.asarray(q, float), (pi.shape[0], np.shape(q)[-1]))
    x = (m[:, None] + sd[:, None] * _dist.norm_ppf(q)) if x0 is None else np.array(x0, dtype=float)
    lo = np.full_like(x, -np.inf)
    hi = np.full_like(x, np.inf)
    width = sd[:, None]
    rows = np.arange(pi.shape[0])
    for _ in range(100):
        xr, qr, lr, hr, wr = x[rows], q[rows], lo[rows], hi[rows], width[rows]
        pr, ar, cr = pi[rows], a[rows], c[rows]
        f = mix_cdf(pr, ar, cr, xr) - qr
        lr = np.where(f < 0, xr, lr)
        hr = np.where(f >= 0, xr, hr)
        d = mix_pdf(pr, ar, cr, xr)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = xr - f / d
        fallback = np.where(np.isfinite(lr) & np.isfinite(hr), 0.5 * (lr + hr),
                            np.where(np.isfinite(lr), xr + wr, xr - wr))
        # a step onto the bracket's end is a step of less than one ulp (f = 0 to rounding): converged
        bad = ~np.isfinite(step) | (step < lr) | (step > hr)
        new = np.where(bad, fallback, step)
        done = np.all(np.abs(new - xr) <= 1e-13 * np.maximum(1.0, np.abs(xr)) + 1e-15 * wr, axis=1)
        x[rows], lo[rows], hi[rows] = new, lr, hr
        rows = rows[~done]
        if rows.size == 0:
            break
    return x


def shortest(quantile: Any, pdf: Any, level: float, lower_bounded: bool, B: int) -> tuple[np.ndarray, np.ndarray]:
    """Shortest interval of a unimodal distribution: lower tail ``a`` with ``pdf(Q(a)) = pdf(Q(a + level))``.

    ``quantile(p, x0, rows)`` and ``pdf(x, rows)`` take and return (R, 1) arrays for the batch
    rows ``rows`` (``x0``: a starting point for the quantile, or None). ``g(a) = pdf(Q(a)) -
    pdf(Q(a + level))`` increases in ``a``; its root is found by the Illinois variant of regula
    falsi (to 1e-14 in probability), each quantile started from the last one found; when the
    density is highest at the lower bound of the support the interval starts there (``a = 0``).
    Only the rows that have not converged are iterated, so a row's result does not depend on
    the other rows of the batch.
    """
    def g(p: np.ndarray, start: tuple[np.ndarray, np.ndarray] | None, rows: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo = quantile(p, None if start is None else start[0], rows)
        up = quantile(p + level, None if start is None else start[1], rows)
        return pdf(lo, rows) - pdf(up, rows), lo, up

    eps = 0.0 if lower_bounded else 1e-13
    a0 = np.full((B, 1), eps)
    a1 = np.full((B, 1), 1.0 - level - 1e-13)
    g0, lo_best, up_best = g(a0, None, np.arange(B))
    g1 = np.full((B, 1), np.nan)  # g(a1) is positive; not evaluated (Q(1 - 1e-13) can be huge): bisect first
    start_lo, start_up = lo_best.copy(), up_best.copy()
    side = np.zeros((B, 1))
    rows = np.flatnonzero(g0[:, 0] < 0)  # g(a0) >= 0: the interval starts at the lower bound
    first = True
    for _ in range(100):
        if rows.size == 0:
            break
        r0, r1, h0, h1, sd = a0[rows], a1[rows], g0[rows], g1[rows], side[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            mid = (r0 * h1 - r1 * h0) / (h1 - h0)
        mid = np.where(np.isfinite(mid) & (mid > r0) & (mid < r1), mid, 0.5 * (r0 + r1))
        gm, lo, up = g(mid, None if first else (start_lo[rows], start_up[rows]), rows)
        first = False
        start_lo[rows], start_up[rows] = lo, up
        lo_best[rows], up_best[rows] = lo, up
        neg = gm < 0
        # Illinois: halve the function value kept at an end that stays twice in a row
        h1 = np.where(neg & (sd < 0) & np.isfinite(h1), 0.5 * h1, h1)
        h0 = np.where(~neg & (sd > 0), 0.5 * h0, h0)
        r0, h0 = np.where(neg, mid, r0), np.where(neg, gm, h0)
        r1, h1 = np.where(neg, r1, mid), np.where(neg, h1, gm)
        a0[rows], a1[rows], g0[rows], g1[rows] = r0, r1, h0, h1
        side[rows] = np.where(neg, -1.0, 1.0)
        rows = rows[~((r1 - r0 < 1e-14) | (gm == 0))[:, 0]]
    return lo_best[:, 0], up_best[:, 0]
