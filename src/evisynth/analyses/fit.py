"""Fit the pooled model an :class:`AnalysisSpec` asks for, on an effect table or a subset of it.

Every composite analysis (subgroups, leave-one-out, cumulative, ...) calls
:func:`fit_pooled` so the model is specified in one place.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from evisynth import options as opt
from evisynth.analyses.results import Heterogeneity, MultilevelSection, Pooled, RobustSection, number, plain
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import EffectTable
from evisynth.errors import ConvergenceWarning, DataWarning, DegenerateDataWarning, FewStudiesWarning, InputError
from evisynth.models.mantel_haenszel import mantel_haenszel, peto
from evisynth.models.pool import pool
from evisynth.models.revman_random import mh_random
from evisynth.models.undefined import MESSAGES, Undefined

#: Heterogeneity statistics that a common-effect model does not estimate.
_RANDOM_ONLY = ("tau2_se", "tau2_ci_lower", "tau2_ci_upper", "tau_ci_lower", "tau_ci_upper",
                "i2_ci_lower", "i2_ci_upper", "h2_ci_lower", "h2_ci_upper")


@dataclass(frozen=True)
class PooledResult:
    """A pooled estimate with its heterogeneity statistics and the study weights.

    ``weights`` are percentages aligned with the effect table's rows (nan = not in the analysis).
    ``multilevel`` and ``robust`` are the sections of a three-level fit and of cluster-robust
    inference (:mod:`evisynth.analyses.dependent`).
    """

    pooled: Pooled
    heterogeneity: Heterogeneity
    weights: np.ndarray
    multilevel: MultilevelSection | None = None
    robust: RobustSection | None = None

    @property
    def converged(self) -> bool:
        return self.pooled.converged


def _count(x: Any) -> int | None:
    return None if x is None else int(x)


def warn_undefined(flags: Any, what: str, *, stacklevel: int = 3) -> None:
    """One :class:`DegenerateDataWarning` per reason a models result gives for its undefined statistics.

    ``Undefined.TOO_FEW_STUDIES`` is not repeated: the few-studies warnings say it already.
    """
    for flag in Undefined(int(flags)):
        if flag is not Undefined.TOO_FEW_STUDIES:
            warnings.warn(f"{MESSAGES[flag]} [{what}]", DegenerateDataWarning, stacklevel=stacklevel)


def double_zero(eff: EffectTable) -> np.ndarray:
    """Rows of dichotomous data without events (or with all events) in both arms."""
    d = eff.data
    a, n1, c, n2 = d["events1"], d["n1"], d["events2"], d["n2"]
    return np.asarray(((a == 0) & (c == 0)) | ((a == n1) & (c == n2)), dtype=bool)


def _fit_counts(eff: EffectTable, spec: AnalysisSpec, k: int) -> PooledResult:
    """Mantel-Haenszel or Peto on the 2x2 tables.

    As metafor's ``rma.mh``/``rma.peto``, ``k`` counts every table and the uncorrected MH sums
    (``--mh-continuity none``) and Peto's sums use every table, including double-zero ones:
    ``--drop-double-zero`` (metafor's ``drop00``) only drops their per-study effects, which
    leave Cochran's Q and show as "not estimable". Double-zero tables add nothing to the MH
    sums of OR and RR or to Peto's, but they are part of the MH risk difference's estimate and
    weights. With RevMan's corrected sums (``--mh-continuity revman``) a dropped double-zero
    table would enter the sums through its continuity correction, so it is left out of them,
    as RevMan does. A table whose own estimate is not finite (a zero cell with
    ``--continuity 0``) still enters the sums: neither method needs a per-study estimate. Q
    uses the finite estimates.
    """
    d = eff.data
    counts = (d["events1"], d["n1"], d["events2"], d["n2"])
    drop00 = spec.drop_double_zero if spec.drop_double_zero is not None else eff.measure != "RD"
    corrected = spec.method == "MH" and spec.mh_continuity == "revman" and spec.continuity > 0
    in_sums = ~double_zero(eff) if drop00 and corrected else np.ones(eff.k, dtype=bool)
    if spec.method == "MH":
        res = mantel_haenszel(*counts, eff.yi, eff.vi, measure=eff.measure, in_sums=in_sums,
                              mh_continuity=spec.mh_continuity, continuity=spec.continuity, level=spec.level)
    else:
        res = peto(*counts, in_sums=in_sums, level=spec.level, k_studies=k)  # k estimable studies: Q's df
    het = Heterogeneity(
        tau2=0.0, tau2_se=None, tau2_ci_lower=None, tau2_ci_upper=None, tau=0.0, tau_ci_lower=None,
        tau_ci_upper=None, i2=number(res.i2), i2_ci_lower=None, i2_ci_upper=None, h2=number(res.h2),
        h2_ci_lower=None, h2_ci_upper=None, q=number(res.q), q_df=_count(res.q_df), q_p=number(res.q_p),
    )
    if spec.method == "MH" and spec.model == "random":
        return _mh_random(eff, spec, res.q, het)
    pooled = Pooled(
        k=eff.k, estimate=number(res.estimate), se=number(res.se), statistic=number(res.statistic),
        df=None, p_value=number(res.p_value), ci_lower=number(res.ci_lower), ci_upper=number(res.ci_upper),
        pi_lower=None, pi_upper=None, pi_lower_t=None, pi_upper_t=None, model="fixed", method=str(spec.method),
        test=opt.DEFAULT_TEST, level=spec.level, converged=True, log_scale=eff.log_scale,
    )
    return PooledResult(pooled, het, np.asarray(res.weights, dtype=float))


def _mh_random(eff: EffectTable, spec: AnalysisSpec, q: float, het: Heterogeneity) -> PooledResult:
    """RevMan's "M-H, Random": DerSimonian-Laird τ² from the M-H-centred Q (see :mod:`models.revman_random`)."""
    inc = eff.included
    res = mh_random(eff.yi[inc], eff.vi[inc], q=q, level=spec.level)
    pooled = Pooled(
        k=eff.k, estimate=number(res.estimate), se=number(res.se), statistic=number(res.statistic), df=None,
        p_value=number(res.p_value), ci_lower=number(res.ci_lower), ci_upper=number(res.ci_upper),
        pi_lower=number(res.pi_lower), pi_upper=number(res.pi_upper), pi_lower_t=number(res.pi_lower_t),
        pi_upper_t=number(res.pi_upper_t), model="random", method="MH", test=opt.DEFAULT_TEST, level=spec.level,
        converged=True, log_scale=eff.log_scale,
    )
    het = replace(het, tau2=res.tau2, tau=float(np.sqrt(res.tau2)))
    weights = np.full(eff.k, np.nan)
    weights[inc] = res.weights
    return PooledResult(pooled, het, weights)


def fit_pooled(eff: EffectTable, spec: AnalysisSpec, *, heterogeneity_ci: bool = True,
               quiet: bool = False) -> PooledResult:
    """Fit ``spec``'s model to the included rows of ``eff``.

    Parameters
    ----------
    eff : EffectTable
    spec : AnalysisSpec
        A resolved spec (:meth:`AnalysisSpec.resolved`).
    heterogeneity_ci : bool
        Compute the Q-profile intervals (skip for speed in repeated fits).
    quiet : bool
        Suppress fragility warnings (used inside leave-one-out and similar loops).
    """
    inc = eff.included
    k = int(inc.sum())
    if k == 0:
        raise InputError("no study can be analysed (none is estimable)", file=eff.source or None)
    if spec.count_method:
        return _fit_counts(eff, spec, k)
    if spec.model == "multilevel" or spec.robust:
        from evisynth.analyses.dependent import fit_dependent

        return fit_dependent(eff, spec, quiet=quiet)  # type: ignore[no-any-return]
    model = spec.model or opt.DEFAULT_MODEL
    method = spec.tau2_method
    y, v = eff.yi[inc], eff.vi[inc]
    if model == "random" and k < 3 and not quiet:
        warnings.warn(
            f"random-effects analysis with only {k} {'study' if k == 1 else 'studies'}: tau² is poorly estimated",
            FewStudiesWarning, stacklevel=2,
        )
    res = pool(y, v, model=model, method=method, test=spec.test, level=spec.level,
               heterogeneity_ci=heterogeneity_ci, tau2_ci_bound=spec.tau2_ci_bound)  # type: ignore[arg-type]
    if not quiet:
        warn_undefined(res.undefined, "pooled analysis")
    fixed = model == "fixed"
    het_values = {key: (None if fixed and key in _RANDOM_ONLY else number(getattr(res, key)))
                  for key in ("tau2", "tau2_se", "tau2_ci_lower", "tau2_ci_upper", "tau", "tau_ci_lower",
                              "tau_ci_upper", "i2", "i2_ci_lower", "i2_ci_upper", "h2", "h2_ci_lower",
                              "h2_ci_upper", "q", "q_p")}
    censored = bool(res.tau2_ci_censored)
    het = Heterogeneity(**het_values, q_df=_count(res.q_df), tau2_ci_upper_censored=censored)
    converged = bool(res.converged)
    pooled = Pooled(
        k=int(res.k), estimate=number(res.estimate), se=number(res.se), statistic=number(res.statistic),
        df=plain(res.df), p_value=number(res.p_value), ci_lower=number(res.ci_lower), ci_upper=number(res.ci_upper),
        pi_lower=number(res.pi_lower), pi_upper=number(res.pi_upper), pi_lower_t=number(res.pi_lower_t),
        pi_upper_t=number(res.pi_upper_t), model=model, method=method if model == "random" else "IV",
        test=spec.test, level=spec.level, converged=converged, log_scale=eff.log_scale,
    )
    w = 1.0 / (v + (het.tau2 or 0.0))
    weights = np.full(eff.k, np.nan)
    weights[inc] = 100 * w / w.sum()
    if censored and not quiet:
        warnings.warn(
            "the Q-profile upper limit for tau² lies beyond the search bound max(100, 10 x tau²) = "
            f"{het.tau2_ci_upper:.4g}; it is reported at that bound, as metafor does (read it as '>')",
            DataWarning, stacklevel=2,
        )
    if not converged and not quiet:
        warnings.warn(
            f"the {method} estimator of tau² did not converge; the result is flagged as not converged",
            ConvergenceWarning, stacklevel=2,
        )
    return PooledResult(pooled, het, weights)
