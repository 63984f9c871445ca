"""Permutation test for the coefficients of a meta-regression, vectorised over permutations.

The rows of the design matrix are permuted while ``y`` and ``v`` stay in place; every
permuted data set is refitted (τ² re-estimated) and the observed ``|z|`` (or ``|t|``) of each
coefficient and the omnibus ``QM`` (or F) are compared with their permutation distributions
(Higgins & Thompson 2004, Stat Med 23:1663-1682; Viechtbauer et al. 2015, Psychol Methods
20:360-374). The conventions are metafor's ``permutest.rma.uni``:

* with random permutations the first "permutation" is the observed data, so
  ``p = #{|z*| >= |z| - tol} / N`` counts the observed statistic once;
* when the number of distinct row permutations (the multinomial coefficient of the groups of
  identical design rows) does not exceed ``N``, every distinct permutation is enumerated once
  (an exact test) instead;
* ``tol = sqrt(machine epsilon)`` guards against ties lost to rounding.

All permuted fits of a chunk are solved at once with the batch-capable τ² estimators. Where the
observed model fits every effect exactly (e.g. identical effects) under ``test="hksj"``, the
statistics are 0/0 and the P values nan, flagged ``ZERO_RESIDUALS`` (:mod:`evisynth.models.undefined`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from evisynth.models.kernels.wls import WLS, fit_at
from evisynth.models.mixed import exact_fit
from evisynth.models.tau2 import TAU2_ESTIMATORS
from evisynth.models.undefined import Undefined

COMPTOL = float(np.finfo(float).eps) ** 0.5
CHUNK = 1000


@dataclass(frozen=True)
class PermutationResult:
    """P values per coefficient and for the omnibus test, with the number of permutations used."""

    p_values: np.ndarray
    qm_p: float
    iterations: int
    exact: bool
    #: why values are nan (:class:`~evisynth.models.undefined.Undefined`)
    undefined: Undefined = Undefined.NONE


def _stats(y: np.ndarray, v: np.ndarray, Xb: np.ndarray, model: str, method: str, test: str,
           btt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|z| (B, p) and QM (B,) for a batch of designs ``Xb`` of shape (B, k, p)."""
    b, k, p = Xb.shape
    yb = np.broadcast_to(y, (b, k)).copy()
    vb_ = np.broadcast_to(v, (b, k)).copy()
    m = np.ones((b, k))
    if model == "random":
        tau2 = TAU2_ESTIMATORS[method](yb, vb_, Xb).tau2
    else:
        tau2 = np.zeros(b)
    fit = fit_at(yb, vb_, m, tau2, Xb)
    cov = fit.vb
    with np.errstate(divide="ignore", invalid="ignore"):
        if test != "z":
            s2w = fit.rss / (k - p)
            if test == "hksj-adhoc":
                s2w = np.maximum(s2w, 1.0)
            else:  # an exact fit has no HKSJ factor (0/0)
                s2w = np.where(fit.rss > 0, s2w, np.nan)
            cov = s2w[:, None, None] * cov
        beta = fit.beta
        se = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
        z = beta / se
        sub = cov[:, btt][:, :, btt]
        bt = beta[:, btt]
        qm = np.einsum("bi,bi->b", bt, np.linalg.solve(sub, bt[..., None])[..., 0])
    if test != "z":
        qm = qm / len(btt)
    return np.abs(z), qm


def distinct_permutations(X: np.ndarray) -> int | float:
    """Number of distinct row orders of ``X`` (inf when astronomically large)."""
    _, counts = np.unique(X, axis=0, return_counts=True)
    k = int(counts.sum())
    try:
        n = math.factorial(k)
        for c in counts:
            n //= math.factorial(int(c))
        return n
    except OverflowError:  # pragma: no cover - k is never that large in practice
        return math.inf


def _multiset_perms(groups: list[int], counts: list[int], k: int) -> Iterator[list[int]]:
    """All distinct sequences of group labels with the given counts (lexicographic)."""
    seq: list[int] = []

    def rec() -> Iterator[list[int]]:
        if len(seq) == k:
            yield list(seq)
            return
        for g in range(len(groups)):
            if counts[g]:
                counts[g] -= 1
                seq.append(groups[g])
                yield from rec()
                seq.pop()
                counts[g] += 1

    yield from rec()


def permutation_test(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    *,
    model: str,
    method: str,
    test: str,
    iterations: int,
    seed: int,
    btt: np.ndarray,
) -> PermutationResult:
    """Permutation P values for a meta-regression (see the module docstring).

    Parameters
    ----------
    y, v : ndarray, shape (k,)
    X : ndarray, shape (k, p)
        Design matrix with the intercept column.
    model, method, test : str
        As for :func:`evisynth.models.mixed.fit_mixed`.
    iterations : int
        Number of permutations (including the observed data), >= 2.
    seed : int
        Seed of the random generator (numpy PCG64); ignored for an exact test.
    btt : ndarray of int
        Coefficients of the omnibus test.
    """
    X = np.asarray(X, float)
    # exactly rescaled units (the statistics are scale-free): sampling variances about 1
    h = math.frexp(float(np.mean(v)))[1] >> 1
    y, v = np.ldexp(np.asarray(y, float), -h), np.ldexp(np.asarray(v, float), -2 * h)
    k = len(y)
    if test == "hksj" and exact_fit(y, WLS(y[None], (1 / v)[None], X[None])):
        nan = np.full(X.shape[1], np.nan)
        return PermutationResult(nan, float("nan"), 0, False, Undefined.ZERO_RESIDUALS)
    z_obs, qm_obs = _stats(y, v, X[None], model, method, test, btt)
    z_obs, qm_obs = z_obs[0], qm_obs[0]
    n_exact = distinct_permutations(X)
    exact = n_exact <= iterations
    count = np.zeros(X.shape[1])
    count_qm = 0.0
    total = 0
    if exact:
        uniq, inverse = np.unique(X, axis=0, return_inverse=True)
        inverse = np.asarray(inverse).reshape(-1)
        counts = [int((inverse == g).sum()) for g in range(len(uniq))]
        gen = _multiset_perms(list(range(len(uniq))), counts, k)
        while True:
            block = [seq for _, seq in zip(range(CHUNK), gen, strict=False)]
            if not block:
                break
            Xb = uniq[np.asarray(block)]
            z, qm = _stats(y, v, Xb, model, method, test, btt)
            count += np.sum(z >= z_obs - COMPTOL, axis=0)
            count_qm += float(np.sum(qm >= qm_obs - COMPTOL))
            total += len(block)
    else:
        rng = np.random.default_rng(seed)
        count += 1.0  # the observed data are the first permutation
        count_qm += 1.0
        total = 1
        while total < iterations:
            b = min(CHUNK, iterations - total)
            perms = np.argsort(rng.random((b, k)), axis=1)
            z, qm = _stats(y, v, X[perms], model, method, test, btt)
            count += np.sum(z >= z_obs - COMPTOL, axis=0)
            count_qm += float(np.sum(qm >= qm_obs - COMPTOL))
            total += b
    return PermutationResult(np.minimum(count / total, 1.0), min(count_qm / total, 1.0), total, bool(exact))
