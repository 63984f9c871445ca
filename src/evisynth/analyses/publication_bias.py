"""Publication-bias section: Egger's tests, Begg's rank test, trim-and-fill and fail-safe N.

All methods work on the inverse-variance effects ``yi``/``vi`` of the included studies and
follow metafor 3.8.1 (``regtest``, ``ranktest``, ``trimfill``, ``fsn``; see
:mod:`evisynth.models.small_study`). The refits use the analysis' inverse-variance model
(random effects with its τ² estimator, or the common-effect model). Mantel-Haenszel and Peto
analyses have no such model, so for them every method here uses the inverse-variance
common-effect model on ``yi``/``vi`` (metafor's ``trimfill`` is likewise only defined for
``rma.uni`` fits).

Trim and fill (Duval & Tweedie 2000, Biometrics 56:455-463; JASA 95:89-98) is metafor's
``trimfill.rma.uni``: the side to fill is chosen from the sign of the ``√v`` coefficient of the
analysis' meta-regression on ``√v`` (negative: fill on the right), or given; studies are
trimmed, the model is refitted and the estimator ``L0`` (default) or ``R0`` of the number of
missing studies is iterated to a fixed point; the mirrored studies ``2θ - y`` are added and
the model is refitted. As in metafor 3.8.1 that final refit uses the z test and a 95% level
whatever the analysis' settings (metafor passes neither ``test`` nor ``level`` on; the section
reports the ``test`` and ``level`` used); when no study is missing the result is the analysis'
own fit.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from evisynth import options as opt
from evisynth.analyses.fit import PooledResult, fit_pooled, warn_undefined
from evisynth.analyses.results import (
    BeggTest,
    EggerMixed,
    EggerTest,
    FailSafeN,
    FilledStudy,
    PublicationBias,
    TrimAndFill,
    number,
)
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import EffectTable
from evisynth.errors import ConvergenceWarning, EvisynthError, FewStudiesWarning, InputError
from evisynth.models.mixed import fit_mixed
from evisynth.models.small_study import egger_lm, egger_mixed, fail_safe_n, rank_test

TRIMFILL_ESTIMATORS = ("L0", "R0")
SIDES = ("left", "right")


def iv_spec(spec: AnalysisSpec) -> AnalysisSpec:
    """The inverse-variance spec used here (MH/Peto analyses fall back to the IV common effect)."""
    if spec.count_method:
        return replace(spec, model="fixed", method=opt.DEFAULT_FIXED_METHOD, test=opt.DEFAULT_TEST)
    return spec


def _table(y: np.ndarray, v: np.ndarray, eff: EffectTable) -> EffectTable:
    k = len(y)
    return EffectTable(study=tuple(f"s{i + 1}" for i in range(k)), yi=np.asarray(y, float), vi=np.asarray(v, float),
                       measure=eff.measure, log_scale=eff.log_scale, included=np.ones(k, dtype=bool),
                       notes=("",) * k, source=eff.source, kind="generic")


def _refit(y: np.ndarray, v: np.ndarray, eff: EffectTable, spec: AnalysisSpec) -> PooledResult:
    return fit_pooled(_table(y, v, eff), spec, heterogeneity_ci=False, quiet=True)


def trim_and_fill(eff: EffectTable, spec: AnalysisSpec, *, estimator: str = "L0", side: str | None = None,
                  maxiter: int = 100) -> TrimAndFill:
    """Trim-and-fill as metafor's ``trimfill`` (see the module docstring).

    Parameters
    ----------
    eff : EffectTable
    spec : AnalysisSpec
        A resolved inverse-variance spec (see :func:`iv_spec`).
    estimator : {"L0", "R0"}
    side : {"left", "right"}, optional
        Side on which studies are missing (chosen automatically by default).
    maxiter : int
    """
    if estimator not in TRIMFILL_ESTIMATORS:
        raise InputError(f"trim-and-fill estimator must be one of {', '.join(TRIMFILL_ESTIMATORS)}; got {estimator!r}")
    inc = eff.included
    y0, v0 = eff.yi[inc], eff.vi[inc]
    k = len(y0)
    model = spec.model or opt.DEFAULT_MODEL
    if side is None:
        X = np.column_stack([np.ones(k), np.sqrt(v0)])
        reg = fit_mixed(y0, v0, X, model=model, method=spec.tau2_method, test=opt.DEFAULT_TEST, level=spec.level)
        # a slope at rounding level (identical effects) is no slope: metafor's exact 0 gives "left"
        slope = float(reg.beta[1]) if abs(reg.beta[1]) * float(np.sqrt(v0).max()) > _rounding(y0) else 0.0
        side = "right" if slope < 0 else "left"
    elif side not in SIDES:
        raise InputError(f"trim-and-fill side must be 'left' or 'right'; got {side!r}")
    sign = -1.0 if side == "right" else 1.0
    ys = sign * y0
    order = np.argsort(ys, kind="stable")
    ys, vs = ys[order], v0[order]
    k0, k0_prev, it = 0, -1, 0
    beta = float("nan")
    se_k0 = float("nan")
    while k0 != k0_prev:
        k0_prev = k0
        it += 1
        if it > maxiter:
            raise InputError("the trim-and-fill algorithm did not converge")
        beta = float(_refit(ys[: k - k0], vs[: k - k0], eff, spec).pooled.estimate or np.nan)
        dev = ys - beta
        dev[np.abs(dev) <= _rounding(ys)] = 0.0  # residuals at rounding level have no sign (identical effects)
        ranks = np.empty(k)
        ranks[np.argsort(np.abs(dev), kind="stable")] = np.arange(1, k + 1)
        signed = np.sign(dev) * ranks
        if estimator == "R0":
            neg = -signed[signed < 0]
            est = (k - (neg.max() if neg.size else 0.0)) - 1
            se_k0 = float(np.sqrt(2 * max(0.0, est) + 2))
        else:
            sr = float(signed[signed > 0].sum())
            est = (4 * sr - k * (k + 1)) / (2 * k - 1)
            var_sr = (k * (k + 1) * (2 * k + 1) + 10 * est**3 + 27 * est**2 + 17 * est - 18 * k * est**2
                      - 18 * k * est + 6 * k**2 * est) / 24
            se_k0 = float(4 * np.sqrt(var_sr) / (2 * k - 1)) if var_sr >= 0 else float("nan")
        k0 = int(max(0.0, float(np.round(est))))
        se_k0 = max(0.0, se_k0) if np.isfinite(se_k0) else se_k0
        if k0 >= k:
            raise InputError("trim-and-fill estimated as many missing studies as there are studies; "
                             "the funnel plot is too asymmetric for the method")
    filled: tuple[FilledStudy, ...] = ()
    if k0 > 0:
        fy = sign * (2 * beta - ys[k - k0:])
        fv = vs[k - k0:]
        fill_spec = replace(spec, test=opt.DEFAULT_TEST, level=opt.DEFAULT_LEVEL)  # metafor 3.8.1 passes neither on
        fit = _refit(np.concatenate([y0, fy]), np.concatenate([v0, fv]), eff, fill_spec)
        filled = tuple(FilledStudy(number(a), number(b)) for a, b in zip(fy, fv, strict=True))
    else:
        fit = fit_pooled(eff, spec, heterogeneity_ci=False, quiet=True)
    res, refit_het = fit.pooled, fit.heterogeneity
    # metafor's p-value for k0 under R0: 1 - sum_{m=-1}^{k0-1} 0.5^(m+2)
    p_k0 = 1 - sum(0.5 ** (j + 2) for j in range(-1, k0)) if estimator == "R0" else None
    return TrimAndFill(
        k0=k0, k0_se=number(se_k0), side=side, estimator=estimator, p_k0=number(p_k0), k=k + k0,
        estimate=res.estimate, se=res.se, statistic=res.statistic, ci_lower=res.ci_lower, ci_upper=res.ci_upper,
        p_value=res.p_value, tau2=refit_het.tau2, test=res.test if k0 == 0 else opt.DEFAULT_TEST,
        level=res.level if k0 == 0 else opt.DEFAULT_LEVEL, filled=filled, log_scale=eff.log_scale,
    )


def _rounding(y: np.ndarray) -> float:
    """Differences below this are rounding noise relative to the effects' scale."""
    return 1e-12 * float(np.max(np.abs(y))) if y.size else 0.0


def _count(x: float) -> int | None:
    return int(x) if np.isfinite(x) else None


def publication_bias_section(eff: EffectTable, spec: AnalysisSpec, pooled: PooledResult) -> PublicationBias:
    """Egger's tests, Begg's test, trim-and-fill and fail-safe N (see the module docstring).

    Parameters
    ----------
    eff : EffectTable
    spec : AnalysisSpec
        The resolved analysis spec.
    pooled : PooledResult
        The analysis' pooled result (for context; the tests refit what they need).
    """
    inc = eff.included
    k = int(inc.sum())
    if k < 3:
        raise InputError(f"publication-bias analyses (Egger's test, trim-and-fill) need at least 3 studies; "
                         f"{k} are included", file=eff.source or None)
    if k < 10:
        warnings.warn(f"tests for funnel-plot asymmetry with only {k} studies (fewer than 10) have low power "
                      "(Cochrane Handbook 13.3.5.4)", FewStudiesWarning, stacklevel=2)
    y, v = eff.yi[inc], eff.vi[inc]
    ivs = iv_spec(spec)
    model = ivs.model or opt.DEFAULT_MODEL
    method = ivs.tau2_method
    eg = egger_lm(y, v, level=spec.level)
    egm, _ = egger_mixed(y, v, model=model, method=method, test=ivs.test, level=spec.level)
    rt = rank_test(y, v)
    for flags, what in ((eg.undefined, "Egger's test"), (egm.undefined, "mixed-effects Egger test"),
                        (rt.undefined, "Begg's test")):
        warn_undefined(flags, what)
    fsn = fail_safe_n(y, v)
    tf_opts = spec.extra.get("trimfill", {}) if isinstance(spec.extra, dict) else {}
    notes = []
    if spec.count_method:
        notes.append(f"{spec.method} analysis: the tests and trim-and-fill use the inverse-variance common-effect "
                     "model on the study effects")
    tf: TrimAndFill | None = None
    try:
        tf = trim_and_fill(eff, ivs, estimator=tf_opts.get("estimator", "L0"), side=tf_opts.get("side"))
    except EvisynthError as exc:  # the other tests stand; trim-and-fill is reported as not computed
        notes.append(f"trim-and-fill not computed: {exc.detail if isinstance(exc, InputError) else exc}")
        warnings.warn(f"trim-and-fill not computed ({exc}); the other small-study tests are reported",
                      ConvergenceWarning, stacklevel=2)
    note = "; ".join(notes) or None
    return PublicationBias(
        k=k, model=model, method=method if model == "random" else "IV", test=ivs.test,
        egger=EggerTest(statistic=number(eg.statistic), df=None if eg.df is None else _count(eg.df),
                        p_value=number(eg.p_value), bias=number(eg.bias), bias_se=number(eg.bias_se),
                        limit_estimate=number(eg.limit_estimate), limit_ci_lower=number(eg.limit_ci_lower),
                        limit_ci_upper=number(eg.limit_ci_upper)),
        egger_mixed=EggerMixed(statistic=number(egm.statistic), df=None if egm.df is None else _count(egm.df),
                               p_value=number(egm.p_value), bias=number(egm.bias), bias_se=number(egm.bias_se),
                               test="t" if egm.df is not None else "z", limit_estimate=number(egm.limit_estimate),
                               limit_ci_lower=number(egm.limit_ci_lower), limit_ci_upper=number(egm.limit_ci_upper)),
        begg=BeggTest(kendall_tau=number(rt.kendall_tau), p_value=number(rt.p_value), exact=rt.exact,
                      statistic=number(rt.statistic)),
        trim_and_fill=tf,
        fail_safe_n=FailSafeN(rosenthal=_count(fsn.rosenthal), rosenthal_p=number(fsn.rosenthal_p),
                              orwin=_count(fsn.orwin), orwin_mean=number(fsn.orwin_mean),
                              orwin_target=number(fsn.orwin_target), rosenberg=_count(fsn.rosenberg),
                              rosenberg_p=number(fsn.rosenberg_p), alpha=fsn.alpha),
        note=note, pooled_estimate=pooled.pooled.estimate,
    )
