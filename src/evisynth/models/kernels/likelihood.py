"""ML and REML τ² kernels: safeguarded Newton iterations on the score, vectorised over rows.

The estimating equations are those of :func:`evisynth.models.reference.tau2_ml` and
:func:`~evisynth.models.reference.tau2_reml` (Viechtbauer 2005): twice the score is
``S(τ²) = Σw²r² - Σw`` (ML) or ``Y'PPY - tr(P)`` (REML). metafor solves them by Fisher scoring,
which converges only linearly and can oscillate for hundreds of iterations; here the first pass
takes Newton steps on a rescaled score that is nearly linear in τ² (see :func:`fisher_step`),
with fallbacks that solve the same equation to the same tolerance.
"""

from __future__ import annotations

import enum
import math
from typing import Any, NamedTuple, cast

import numpy as np

from evisynth.models.kernels.arrays import (
    DOT_BIG,
    DOT_SMALL,
    EINSUM_MIN,
    SUM_BIG,
    SUM_SMALL,
    IVFit,
    Tau2Estimate,
    any_all,
    as_rows,
    every,
    lastdot,
    lastsum,
    sum_all,
    take_rows,
)
from evisynth.models.kernels.iterate import MAX_ITER, THRESHOLD, done_predicted, iterate_rows, tolerance
from evisynth.models.kernels.moments import he_start
from evisynth.models.kernels.wls import fit_at


class StepRule(enum.Enum):
    """How :func:`fisher_step` moves τ² towards the root of the score."""

    #: Newton steps on ``S(τ²)·(c + τ²)²``, falling back to damped scoring where they fail
    SCALED_NEWTON = "scaled Newton"
    #: damped scoring ``S / max(I_exp, I_obs)``, with the observed information near the root
    SAFEGUARDED_SCORING = "safeguarded scoring"
    #: plain Fisher scoring ``S / I_exp`` (metafor's rule)
    FISHER_SCORING = "Fisher scoring"


class Pass(NamedTuple):
    """One pass of the iteration: the step rule, a step-length factor and an iteration limit."""

    rule: StepRule
    stepadj: float
    max_iter: int


#: Within this fraction of τ² from the root the safeguarded step uses the observed information.
NEWTON_ZONE = 0.1

#: Passes of the iteration. Scaled Newton first; rows not converged after 100 steps (rare: e.g.
#: a score that approaches 0 without crossing it) restart from the HE estimate with safeguarded
#: scoring, then with damped plain Fisher scoring, metafor's advice for non-convergence
#: (``control=list(stepadj=0.5)``). Every pass solves the same score equation to the same
#: tolerance, so a converged row has the same τ² whichever pass converged it.
FISHER_PASSES: tuple[Pass, ...] = (
    Pass(StepRule.SCALED_NEWTON, 1.0, 100),
    Pass(StepRule.SAFEGUARDED_SCORING, 1.0, 100),
    Pass(StepRule.FISHER_SCORING, 0.5, MAX_ITER),
    Pass(StepRule.FISHER_SCORING, 0.25, MAX_ITER),
)


def loglik(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray, X: np.ndarray,
           reml: bool) -> np.ndarray:
    """ML/REML log-likelihood (up to a constant) of a model with moderators ``X``; without
    moderators :func:`finish_intercept_only` forms the difference it needs directly."""
    logv = np.log(v + np.asarray(tau2, dtype=float)[..., None])
    fit = fit_at(y, v, m, tau2, X)
    ll = -0.5 * (lastsum(logv) if m is None else lastsum(m * logv)) - 0.5 * fit.rss
    if reml:
        ll = ll - 0.5 * fit.log_det_xtwx
    return cast(np.ndarray, ll)


def score_terms(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, X: np.ndarray | None, t: np.ndarray,
                reml: bool, observed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Any]:
    """Twice the ML/REML score at ``t``, the expected information term and (if asked) the
    observed one and ``Σw²/Σw`` (for the scaled Newton step of :func:`fisher_step`)."""
    if X is None:  # closed forms, the same sums as the scaled Newton step
        score, _, parts = newton_terms(y, v, m, None, t, reml)
        info, obs_info = information(parts)
        return score, info, obs_info if observed else None, parts[3]
    obs = a = None
    fit = fit_at(y, v, m, t, X)
    score, info = (fit.yppy - fit.tr_p, fit.tr_pp) if reml else (fit.yppy - fit.s1, fit.s2)
    if observed:
        obs, a = 2 * fit.quad_p(fit.wresid) - info, fit.s2 / fit.s1
    return score, info, obs, a


def newton_terms(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, X: np.ndarray | None, t: np.ndarray,
                 reml: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """Twice the score ``S`` at ``t`` and ``I_obs - 2 S Σw²/Σw``, the (sign-flipped, rescaled)
    derivative of ``S(τ²)·(c + τ²)²`` used by the scaled Newton step of :func:`fisher_step`.

    With ``s_j = Σw^j``, ``a = s2/s1``, ``B = Σw²r²``, ``C = Σw³r²`` and ``b = Σw²r`` (``r`` the
    residuals from the weighted mean) the score is ``B - s1 (+ a)`` and the derivative term
    ``2(C - aB) - 2b²/s1 + s2 (+ 2 s3/s1 - 3a²)`` (ML, REML additions in brackets); it is what
    :func:`score_terms` gives as ``observed - 2 score a``, with fewer operations. The third item
    holds what :func:`cautious_information` needs for the fallback step.
    """
    if X is not None:
        score, info, obs, a = score_terms(y, v, m, X, t, reml, True)
        assert obs is not None
        return score, obs - 2 * score * a, np.maximum(info, obs)
    scalar = t.ndim == 0  # a single fit: numpy scalars broadcast without a new axis (cheaper)
    u = v + (t if scalar else t[..., None])
    w = 1.0 / u if m is None else m / u
    red, dot = (SUM_SMALL, DOT_SMALL) if w.size < EINSUM_MIN else (SUM_BIG, DOT_BIG)
    s1 = red(w)
    mu = dot(w, y) / s1
    wr = w * (y - (mu if scalar else mu[..., None]))
    ww = w * w
    s2 = red(ww)
    a = s2 / s1
    big_b = dot(wr, wr)
    wwr = w * wr
    b = red(wwr)
    big_c = dot(wwr, wr)
    if reml:
        s3 = dot(ww, w)
        score = big_b - s1 + a
        curv = 2.0 * (big_c - a * big_b + (s3 - b * b) / s1) + s2 - 3.0 * a * a
    else:
        s3 = None
        score = big_b - s1
        curv = 2.0 * (big_c - a * big_b - b * b / s1) + s2
    return score, curv, (s1, s2, s3, a, big_c, b)


def information(parts: tuple[Any, ...]) -> tuple[Any, Any]:
    """Expected and observed information (the latter from ``Y'PPPY = Σw(wr)² - (Σw·wr)²/Σw``) from
    the pieces :func:`newton_terms` returns: ``tr(PP) = s2 - 2 s3/s1 + (s2/s1)²`` (REML) or
    ``s2`` (ML)."""
    s1, s2, s3, a, big_c, b = parts
    info = s2 if s3 is None else s2 - 2 * s3 / s1 + a * a
    return info, 2 * (big_c - b * b / s1) - info


def cautious_information(parts: Any) -> np.ndarray:
    """``max(I_exp, I_obs)`` from the pieces :func:`newton_terms` returns (the damped step's divisor)."""
    if isinstance(parts, np.ndarray):  # formed already (models with moderators)
        return parts
    return cast(np.ndarray, np.maximum(*information(parts)))


def fisher_step(work: tuple[Any, ...], t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One (safeguarded) Newton-type step on the ML or REML score ``S`` (an :func:`iterate_rows` step).

    ``work`` is ``(y, v, m, X, reml, stepadj, rule, prev, tol)``. Plain Fisher scoring
    (``S / information`` with the expected information, metafor's rule) converges only linearly
    and can oscillate for hundreds of iterations (ratio -0.9 per step on ordinary k=10 data).
    :attr:`StepRule.SCALED_NEWTON` instead takes Newton steps on ``S(τ²)·(c + τ²)²`` with
    ``c + τ² = Σw/Σw²`` (the weighted mean of ``v + τ²``): for equal sampling variances that
    function is linear in τ² (one step to the root), in general nearly so, and Newton converges
    quadratically; its derivative is ``-(I_obs - 2 S Σw²/Σw)·(c+τ²)²`` with the observed
    information ``I_obs``. Where that denominator is not positive the step falls back to
    ``S / max(I_exp, I_obs)`` (the damped scoring step). :attr:`StepRule.SAFEGUARDED_SCORING`
    is that damped scoring step, with ``I_obs`` within ``NEWTON_ZONE`` of the root;
    :attr:`StepRule.FISHER_SCORING` is plain Fisher scoring. A step that would make τ²
    negative is halved (metafor's rule), except that (with the first two rules) where the score
    at 0 is already <= 0 the maximum is on the boundary and the iterate goes to 0 at once
    instead of creeping towards it. The root, and so τ², is the same.

    ``prev`` is the per-row scratch array of
    :func:`~evisynth.models.kernels.iterate.done_predicted` (updated in place) and ``tol`` the
    per-row tolerance of :func:`~evisynth.models.kernels.iterate.tolerance`: the scaled Newton
    steps stop on the predicted next step, every other step on its own length.
    """
    y, v, m, X, reml, stepadj, rule, prev, tol = work
    plain = None
    one = False  # a single fit (0-d) taken as a batch of one row
    if rule is StepRule.SCALED_NEWTON:
        score, curv, parts = newton_terms(y, v, m, X, t, reml)
        adj = score / curv
        if stepadj != 1.0:
            adj = stepadj * adj
        new = t + adj
        # fast path: curv > 0, a finite step and τ² >= 0 in every row (nan fails every test)
        if every((curv > 0.0) & (new >= 0.0) & (abs(adj) < np.inf)):
            return new, done_predicted(t, new, prev, None, tol)
        if t.ndim == 0:  # the fallback indexes rows: continue as a batch of one (prev reshaped is a view)
            one = True
            y, v, m = y[None], v[None], None if m is None else m[None]
            t, prev, score, curv = t.reshape(1), prev.reshape(1), np.reshape(score, 1), np.reshape(curv, 1)
            parts = tuple(None if p is None else np.reshape(p, 1) for p in parts)
            adj, new = np.reshape(adj, 1), np.reshape(new, 1)
        plain = (curv > 0) & (new >= 0) & np.isfinite(adj)  # rows whose Newton step stands
        cautious = cautious_information(parts)
        info = np.where(curv > 0, curv, cautious)
    else:
        cautious = None
        observed_wanted = rule is StepRule.SAFEGUARDED_SCORING
        score, info, observed, _ = score_terms(y, v, m, X, t, reml, observed_wanted)
        if observed is not None:  # observed information near the root or where it is larger
            near = np.abs(score) <= NEWTON_ZONE * info * np.maximum(t, 1e4 * tol)
            info = np.where(near & (observed > 0), observed, np.maximum(info, observed))
    adj = score / info
    if stepadj != 1.0:
        adj = stepadj * adj
    new = t + adj
    if not (math.isfinite(sum_all(adj)) and every(new >= 0.0)):  # a non-finite or negative step somewhere
        finite = np.isfinite(adj)
        if not finite.all():
            adj = np.where(finite, adj, 0.0)
        new = t + adj
        neg = new < 0
        if cautious is not None and neg.any():
            # a long step past 0 may have jumped over an interior maximum: take the cautious
            # (damped scoring) step there instead, as the boundary rule below assumes
            adj = np.where(neg, stepadj * score / cautious, adj)
            finite = np.isfinite(adj)
            if not finite.all():
                adj = np.where(finite, adj, 0.0)
            new = t + adj
            neg = new < 0
        if neg.any():
            t_in = t
            if t.ndim == 0:  # a single fit (no batch axis): the rows below are a batch of one
                y, v, m, X = y[None], v[None], None if m is None else m[None], None if X is None else X[None]
                t, neg = np.reshape(t, 1), np.reshape(neg, 1)
            adj = np.array(np.where(neg & (t <= 0), 0.0, adj), ndmin=1)  # from τ² = 0 no halving helps: stay
            rows = np.flatnonzero(neg & (t > 0))
            if rows.size:
                a, tr = adj[rows], t[rows]
                if rule is not StepRule.FISHER_SCORING:  # boundary maximum: go to 0 at once
                    ys, vs, ms, Xs = take_rows((y, v, m, X), rows)
                    s0 = score_terms(ys, vs, ms, Xs, np.zeros(rows.size), reml, False)[0]
                    a = np.where(s0 <= 0, -tr, a)
                for _ in range(1100):
                    bad = tr + a < 0
                    if not bad.any():
                        break
                    a = np.where(bad, a / 2, a)
                adj[rows] = a
            new = np.maximum(t + adj, 0.0)
            if t_in.ndim == 0:
                t, new = t_in, new[0]
    if plain is not None:
        done = done_predicted(t, new, prev, plain, tol)
        return (new[0], done[0]) if one else (new, done)
    return new, np.abs(new - t) <= np.maximum(tol, THRESHOLD * new)


def fisher(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None,
           reml: bool) -> Tau2Estimate:
    """ML (``reml=False``) or REML τ² on prepared arrays, from the HE estimate, by the passes of
    :data:`FISHER_PASSES`; with the guard against a local maximum (metafor's comparison with the
    log-likelihood at τ² = 0) and the standard error."""
    passes = FISHER_PASSES
    shape = k.shape
    n = math.prod(shape)
    start, sum_v = he_start(y, v, m, k, X)
    tol = tolerance(v, m, k, sum_v / k)
    if shape == () and X is None:  # one fit: no batch axis at all (numpy scalars are cheapest)
        y2, v2, m2, X2 = y, v, m, X
        start = np.asarray(start, dtype=float)
    else:  # rows
        start, tol = start.reshape(n), tol.reshape(n)
        y2, v2, m2, X2 = as_rows(y, n, 1), as_rows(v, n, 1), as_rows(m, n, 1), as_rows(X, n, 2)
    first = passes[0]
    tau2, converged, iterations = iterate_rows(
        fisher_step, start, None, (y2, v2, m2, X2, reml, first.stepadj, first.rule, np.zeros(start.shape), tol),
        first.max_iter)
    for later in passes[1:]:
        if every(converged):
            break
        todo = ~converged
        t, c, i = iterate_rows(
            fisher_step, start, todo, (y2, v2, m2, X2, reml, later.stepadj, later.rule, np.zeros(start.shape), tol),
            later.max_iter)
        tau2 = np.where(todo, t, tau2)
        converged |= todo & c
        iterations += np.where(todo, i, 0)
    if X is None:
        return finish_intercept_only(y2, v2, m2, tau2, converged, iterations, reml, shape)
    tau2, converged, iterations = tau2.reshape(shape), converged.reshape(shape), iterations.reshape(shape)
    # guard against a local maximum: compare with the likelihood at τ² = 0 (as metafor does)
    at_zero = np.zeros(shape, dtype=bool)
    if any_all(converged & (tau2 > 0)):
        # ll at 0 and at τ² in one stacked evaluation
        ll = loglik(np.concatenate([y2, y2]), np.concatenate([v2, v2]),
                    None if m2 is None else np.concatenate([m2, m2]),
                    np.concatenate([np.zeros(n), tau2.reshape(n)]), np.concatenate([X2, X2]), reml)
        at_zero = converged & ((ll[:n] - ll[n:]).reshape(shape) > 1e-10) & (tau2 > 0)
        if any_all(at_zero):
            tau2 = np.where(at_zero, 0.0, tau2)
    fit = fit_at(y, v, m, tau2, X)
    se = np.sqrt(2 / fit.tr_pp) if reml else np.sqrt(2 / fit.s2)
    return Tau2Estimate(tau2, se, converged, iterations, at_zero)


def finish_intercept_only(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray,
                          converged: np.ndarray, iterations: np.ndarray, reml: bool,
                          shape: tuple[int, ...]) -> Tau2Estimate:
    """Intercept-only ML/REML after the iteration (rows flattened): the guard against a local
    maximum (the log-likelihood at τ² = 0 is compared with that at the solution, as metafor does)
    and the standard error, from one stacked evaluation of the fits at ``[0, τ²]``.

    The log-likelihood difference is formed directly, ``-2 (ll(τ²) - ll(0)) = Σ log(1 + τ²/vᵢ)
    + Q(τ²) - Q(0) (+ log(Σw(τ²)/Σw(0)) for REML)``, without the large ``Σ log vᵢ`` that cancels."""
    tt = np.zeros((2, *tau2.shape))
    tt[1] = tau2
    u = v + tt[..., None]
    w = 1.0 / u if m is None else m / u
    s1 = lastsum(w)
    mu = lastdot(w, y) / s1
    r = y - mu[..., None]
    rss, s2 = lastdot(w * r, r), lastdot(w, w)
    log_ratio = np.log1p(tau2[..., None] / v)
    dll = (lastsum(log_ratio) if m is None else lastdot(m, log_ratio)) + rss[1] - rss[0]
    if reml:
        dll = dll + np.log(s1[1] / s1[0])
    # ll(0) - ll(τ²) > 1e-10
    at_zero = converged & (dll > 2e-10) & (tau2 > 0)
    w1 = w[1]
    s3: Any = lastdot(w1 * w1, w1) if reml else None
    if any_all(at_zero):
        tau2 = np.where(at_zero, 0.0, tau2)
        s1, mu, rss, s2 = (np.stack([a[0], np.where(at_zero, a[0], a[1])]) for a in (s1, mu, rss, s2))
        if reml:
            w0 = w[0]
            s3 = np.where(at_zero, lastdot(w0 * w0, w0), s3)
    if reml:  # tr(PP) = s2 - 2 s3/s1 + (s2/s1)²
        a = s2[1] / s1[1]
        se = np.sqrt(2 / (s2[1] - 2 * s3 / s1[1] + a * a))
    else:
        se = np.sqrt(2 / s2[1])
    if tau2.shape != shape:
        s1, mu, rss, s2 = (a.reshape((2, *shape)) for a in (s1, mu, rss, s2))
        tau2, se, converged, iterations, at_zero = (a.reshape(shape) for a in (tau2, se, converged, iterations, at_zero))
    fits = IVFit(s1[0], mu[0], rss[0], s2[0]), IVFit(s1[1], mu[1], rss[1], s2[1])
    return Tau2Estimate(tau2, se, converged, iterations, at_zero, fits)


def ml(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """Maximum likelihood τ² on prepared arrays (see :func:`fisher`)."""
    return fisher(y, v, m, k, X, reml=False)


def reml(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """Restricted maximum likelihood τ² on prepared arrays (see :func:`fisher`)."""
    return fisher(y, v, m, k, X, reml=True)
