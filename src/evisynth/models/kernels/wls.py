"""Weighted least squares, vectorised over a batch axis: the projection quantities every
τ² estimator is written in.

For weights ``w`` and design ``X`` the projection ``P = W - W X (X'WX)^-1 X'W`` gives the
quantities the τ² estimators are written in (metafor's notation): ``Y'PY`` (the generalised
Q), ``tr(P)``, ``tr(PP)``, ``Y'PPY``, and for the Sidik-Jonkman / Hedges standard errors
``tr(PVPV)`` and ``tr(PVP)``.

Arrays carry any number of leading batch axes and a last axis of length ``k`` (studies);
absent studies have weight 0, so ragged batches share one rectangular array. Without
moderators (``X is None``: intercept only) every quantity has an O(k) closed form; with
moderators ``X`` has shape ``(..., k, p)`` and the projection is formed explicitly. Both
paths are checked against the plain matrix formulas of :mod:`evisynth.models.reference`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from evisynth.models.kernels.arrays import lastdot, lastsum


class cached_property:
    """``functools.cached_property`` without its per-access lock (Python < 3.12 takes an RLock on
    every first access, which dominated the cost of a single small fit)."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value


@dataclass
class WLS:
    """Weighted least-squares fit of ``y`` on ``X`` with weights ``w`` (0 for absent studies)."""

    y: np.ndarray
    w: np.ndarray
    X: np.ndarray | None = None

    # -- intercept-only closed forms ---------------------------------------------------------
    @cached_property
    def s1(self) -> np.ndarray:
        """Sum of weights."""
        return lastsum(self.w)

    @cached_property
    def s2(self) -> np.ndarray:
        """Sum of squared weights."""
        return lastdot(self.w, self.w)

    @cached_property
    def _xtwx_inv(self) -> np.ndarray:
        assert self.X is not None
        xtw = np.swapaxes(self.X, -1, -2) * self.w[..., None, :]
        return np.linalg.inv(xtw @ self.X)

    @cached_property
    def beta(self) -> np.ndarray:
        """Coefficients, shape ``(..., p)`` (``p = 1`` without moderators)."""
        if self.X is None:
            return cast(np.ndarray, (lastdot(self.w, self.y) / self.s1)[..., None])
        xtwy = np.einsum("...kp,...k->...p", self.X, self.w * self.y)
        return cast(np.ndarray, np.einsum("...pq,...q->...p", self._xtwx_inv, xtwy))

    @cached_property
    def vb(self) -> np.ndarray:
        """``(X'WX)^-1``, shape ``(..., p, p)``."""
        if self.X is None:
            return cast(np.ndarray, (1.0 / self.s1)[..., None, None])
        return cast(np.ndarray, self._xtwx_inv)

    @cached_property
    def fitted(self) -> np.ndarray:
        """``X beta`` for every study."""
        if self.X is None:
            return np.broadcast_to(self.beta, self.y.shape)
        return cast(np.ndarray, np.einsum("...kp,...p->...k", self.X, self.beta))

    @cached_property
    def resid(self) -> np.ndarray:
        """Residuals ``y - X beta`` (zero-weight studies included)."""
        if self.X is None:
            return cast(np.ndarray, self.y - self.beta)
        return cast(np.ndarray, self.y - self.fitted)

    @cached_property
    def wresid(self) -> np.ndarray:
        """``W r`` (equals ``P Y``)."""
        return cast(np.ndarray, self.w * self.resid)

    @cached_property
    def rss(self) -> np.ndarray:
        """``Y'PY = Σ w r²``."""
        return lastdot(self.wresid, self.resid)

    @cached_property
    def yppy(self) -> np.ndarray:
        """``Y'PPY = Σ (w r)²`` since ``PY = W r``."""
        return lastdot(self.wresid, self.wresid)

    def quad_p(self, z: np.ndarray) -> np.ndarray:
        """``z'Pz`` (with ``z = PY`` this is ``Y'PPPY``, the observed-information term)."""
        wz = self.w * z
        if self.X is None:
            return cast(np.ndarray, lastdot(wz, z) - lastsum(wz) ** 2 / self.s1)
        u = np.einsum("...kp,...k->...p", self.X, wz)
        return cast(np.ndarray, lastdot(wz, z) - np.einsum("...p,...pq,...q->...", u, self._xtwx_inv, u))

    @cached_property
    def s3(self) -> np.ndarray:
        """Sum of cubed weights."""
        return lastdot(self.w * self.w, self.w)

    @cached_property
    def log_det_xtwx(self) -> np.ndarray:
        """``log det(X'WX)`` (the REML log-likelihood term)."""
        if self.X is None:
            return cast(np.ndarray, np.log(self.s1))
        return cast(np.ndarray, np.linalg.slogdet(np.linalg.inv(self.vb))[1])

    @cached_property
    def P(self) -> np.ndarray:
        """The projection matrix (moderator path only), shape ``(..., k, k)``."""
        X = self.X if self.X is not None else np.ones((*self.w.shape, 1))
        wx = self.w[..., :, None] * X
        inv = np.linalg.inv(np.swapaxes(wx, -1, -2) @ X) if self.X is None else self._xtwx_inv
        W = self.w[..., :, None] * np.eye(self.w.shape[-1])
        return cast(np.ndarray, W - wx @ inv @ np.swapaxes(wx, -1, -2))

    @cached_property
    def tr_p(self) -> np.ndarray:
        """``tr(P)``."""
        if self.X is None:
            return cast(np.ndarray, self.s1 - self.s2 / self.s1)
        return cast(np.ndarray, np.trace(self.P, axis1=-2, axis2=-1))

    @cached_property
    def tr_pp(self) -> np.ndarray:
        """``tr(PP) = sum(P * P)``."""
        if self.X is None:
            r = self.s2 / self.s1
            return cast(np.ndarray, self.s2 - 2 * self.s3 / self.s1 + r * r)
        return cast(np.ndarray, np.sum(self.P * self.P, axis=(-2, -1)))

    def tr_pv(self, v: np.ndarray) -> np.ndarray:
        """``tr(PV)`` for ``V = diag(v)``."""
        if self.X is None:
            return cast(np.ndarray, lastsum(self.w * v) - lastsum(self.w**2 * v) / self.s1)
        return lastsum(np.diagonal(self.P, axis1=-2, axis2=-1) * v)

    def tr_pvpv(self, v: np.ndarray) -> np.ndarray:
        """``tr(PVPV)`` for ``V = diag(v)``."""
        if self.X is None:
            a = self.w * v
            return cast(np.ndarray,
                        lastsum(a * a) - 2 * lastsum(a * a * self.w) / self.s1 + lastsum(a * self.w) ** 2 / self.s1**2)
        pv = self.P * v[..., None, :]
        return cast(np.ndarray, np.sum(pv * np.swapaxes(pv, -1, -2), axis=(-2, -1)))

    def tr_pvp(self, v: np.ndarray) -> np.ndarray:
        """``tr(PVP)`` for ``V = diag(v)``."""
        if self.X is None:
            a = self.w * v
            saw = lastsum(a * self.w)
            return cast(np.ndarray, saw - 2 * lastsum(a * self.w**2) / self.s1 + self.s2 * saw / self.s1**2)
        pv = self.P * v[..., None, :]
        return cast(np.ndarray, np.sum(pv * self.P, axis=(-2, -1)))


def weights(v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray | float) -> np.ndarray:
    """Random-effects weights ``m / (v + τ²)`` (``m=None``: every study present)."""
    t = np.asarray(tau2, dtype=float)[..., None]
    return cast(np.ndarray, 1.0 / (v + t) if m is None else m / (v + t))


def fit_at(
    y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray | float, X: np.ndarray | None
) -> WLS:
    """Weighted fit with weights ``m / (v + τ²)``; its ``rss`` is the generalised ``Q(τ²) = Y'P(τ²)Y``."""
    return WLS(y, weights(v, m, tau2), X)
