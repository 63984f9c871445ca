"""Pooled analyses of dependent effects: the three-level model and cluster-robust inference.

:func:`fit_dependent` is what :func:`evisynth.analyses.fit.fit_pooled` calls for a spec with
``model="multilevel"`` or ``robust=True``. Rows are comparisons; the column ``spec.cluster``
names the study each belongs to.

* ``multilevel``: :func:`evisynth.models.multilevel.fit_multilevel` (metafor ``rma.mv(yi, vi,
  random = ~ 1 | study/comparison)``). ``pooled`` has the Wald z test and metafor's prediction
  interval ``μ̂ ± z·sqrt(SE² + σ²_cluster + σ²_within)``; the weights are metafor's
  ``weights.rma.mv``: the diagonal of ``V⁻¹`` in percent of its sum.
* ``robust``: CR2 covariance with Satterthwaite df (clubSandwich ``coef_test(vcov = "CR2")``,
  metafor ``robust(fit, cluster, clubSandwich = TRUE)``) of the random-effects fit
  (:func:`evisynth.models.robust.robust_random`) or the three-level fit
  (:func:`evisynth.models.robust.robust_multilevel`). ``pooled`` then holds the robust SE, t
  statistic, its df, P and interval, and the prediction interval metafor's ``predict`` gives
  for the robust fit: ``μ̂ ± t_df·sqrt(SE_CR2² + total variance)``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.analyses.results import Heterogeneity, MultilevelSection, Pooled, RobustSection, number
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import EffectTable
from evisynth.errors import ConvergenceWarning, FewStudiesWarning, InputError


def cluster_labels(eff: EffectTable, column: str) -> tuple[str, np.ndarray]:
    """The cluster column's name as found (case-insensitive) and each row's label (``""`` if missing).

    ``trial`` finds the column the reader stores as ``trial_id`` (comparisons of one trial).

    An included row without a label is refused with its row and column named.
    """
    from evisynth.analyses.subgroups import level_label

    key = column if column in eff.extra else {k.lower(): k for k in eff.extra}.get(column.lower())
    if key is None and column.lower() == "trial" and "trial_id" in eff.extra:
        key = "trial_id"  # the reader stores a 'trial' column as trial_id (evisynth.io.derive)
    if key is None:
        available = ", ".join(eff.extra) if eff.extra else "the table has no column besides the study label and data"
        raise InputError(f"no column '{column}' to use as --cluster; available: {available}", file=eff.source or None)
    labels = np.array([level_label(x) for x in eff.extra[key]], dtype=object)
    for i in np.flatnonzero(eff.included):
        if labels[i] == "":
            raise InputError(f"missing --cluster value for '{eff.study[i]}'; every analysed row needs the study it "
                             "belongs to", file=eff.source or None, row=int(i) + 1, line=int(i) + 2, column=column)
    return (column if key == "trial_id" else key), labels


def _interval(est: float, se: float, crit: float) -> tuple[float | None, float | None]:
    return number(est - crit * se), number(est + crit * se)


def _robust(pooled: Pooled, fit: Any, total_var: float, cluster: str) -> tuple[Pooled, RobustSection]:
    """``pooled`` with the cluster-robust inference of ``fit`` (a RobustFit) and the section recording it."""
    row = fit.coefficients
    se, df, est = float(row.se[0]), row.df[0], float(row.estimate[0])
    stat, p = float(row.statistic[0]), float(row.p_value[0])
    lo, up = float(row.ci_lower[0]), float(row.ci_upper[0])
    crit = float(_dist.t_ppf(0.5 + pooled.level / 2, df)) if df is not None else float("nan")
    pi_lo, pi_up = _interval(est, math.sqrt(se**2 + total_var), crit)
    section = RobustSection(
        cluster=cluster, vcov="CR2", n_clusters=int(fit.n_clusters), se=number(se), statistic=number(stat),
        df=number(df), p_value=number(p), ci_lower=number(lo), ci_upper=number(up), model_se=pooled.se,
        model_statistic=pooled.statistic, model_p_value=pooled.p_value, model_ci_lower=pooled.ci_lower,
        model_ci_upper=pooled.ci_upper)
    new = replace(pooled, se=number(se), statistic=number(stat), df=number(df), p_value=number(p),
                  ci_lower=number(lo), ci_upper=number(up), pi_lower=pi_lo, pi_upper=pi_up, pi_lower_t=None,
                  pi_upper_t=None, test="CR2")
    return new, section


def fit_dependent(eff: EffectTable, spec: AnalysisSpec, *, quiet: bool = False) -> Any:
    """Fit ``spec``'s multilevel model and/or cluster-robust inference; returns a ``PooledResult``."""
    from evisynth.analyses.fit import PooledResult, fit_pooled
    from evisynth.models.multilevel import fit_multilevel
    from evisynth.models.robust import robust_multilevel, robust_random

    assert spec.cluster is not None  # AnalysisSpec.resolved() requires it
    key, labels = cluster_labels(eff, spec.cluster)
    inc = eff.included
    y, v, cl = eff.yi[inc], eff.vi[inc], labels[inc]
    n_clusters = len(set(cl.tolist()))
    if n_clusters < 2:
        what = "--model multilevel" if spec.model == "multilevel" else "--robust"
        raise InputError(f"{what} needs at least two clusters; the {int(inc.sum())} analysed rows all belong to "
                         f"{key} '{cl[0]}'", file=eff.source or None)
    if spec.model != "multilevel":
        base = fit_pooled(eff, replace(spec, robust=False), quiet=quiet)
        rob = robust_random(y, v, cl, method=str(spec.method), level=spec.level)
        pooled, rsec = _robust(base.pooled, rob, base.heterogeneity.tau2 or 0.0, key)
        return PooledResult(pooled, base.heterogeneity, base.weights, robust=rsec)

    if int(inc.sum()) < 3:
        raise InputError(f"--model multilevel needs at least 3 analysed comparisons; got {int(inc.sum())}",
                         file=eff.source or None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_multilevel(y, v, cl, method=str(spec.method), level=spec.level)
    for w in caught:
        if not quiet or not issubclass(w.category, (ConvergenceWarning, FewStudiesWarning)):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    c = fit.coefficients
    est, se = float(c.estimate[0]), float(c.se[0])
    total = fit.sigma2_cluster + fit.sigma2_within
    pi_lo, pi_up = _interval(est, math.sqrt(se**2 + total), float(_dist.crit_norm(spec.level)))
    pooled = Pooled(
        k=fit.k, estimate=number(est), se=number(se), statistic=number(c.statistic[0]), df=None,
        p_value=number(c.p_value[0]), ci_lower=number(c.ci_lower[0]), ci_upper=number(c.ci_upper[0]),
        pi_lower=pi_lo, pi_upper=pi_up, pi_lower_t=None, pi_upper_t=None, model="multilevel",
        method=str(spec.method), test="z", level=spec.level, converged=bool(fit.converged), log_scale=eff.log_scale)
    het = Heterogeneity(
        tau2=number(total), tau2_se=None, tau2_ci_lower=None, tau2_ci_upper=None, tau=number(math.sqrt(total)),
        tau_ci_lower=None, tau_ci_upper=None, i2=number(fit.i2_total), i2_ci_lower=None, i2_ci_upper=None,
        h2=None, h2_ci_lower=None, h2_ci_upper=None, q=number(fit.qe), q_df=fit.qe_df, q_p=number(fit.qe_p),
        sigma2_cluster=number(fit.sigma2_cluster), sigma2_within=number(fit.sigma2_within))
    section = MultilevelSection(
        cluster=key, method=fit.method, k=fit.k, n_clusters=fit.n_clusters,
        sigma2_cluster=number(fit.sigma2_cluster), sigma2_cluster_ci_lower=number(fit.sigma2_cluster_ci_lower),
        sigma2_cluster_ci_upper=number(fit.sigma2_cluster_ci_upper), sigma2_within=number(fit.sigma2_within),
        sigma2_within_ci_lower=number(fit.sigma2_within_ci_lower),
        sigma2_within_ci_upper=number(fit.sigma2_within_ci_upper), i2_total=number(fit.i2_total),
        i2_cluster=number(fit.i2_cluster), i2_within=number(fit.i2_within), qe=number(fit.qe), qe_df=fit.qe_df,
        qe_p=number(fit.qe_p), loglik=number(fit.loglik), aic=number(fit.aic), bic=number(fit.bic),
        lrt_cluster_statistic=number(fit.lrt_cluster.statistic), lrt_cluster_p=number(fit.lrt_cluster.p_value),
        lrt_cluster_loglik=number(fit.lrt_cluster.loglik_reduced),
        lrt_within_statistic=number(fit.lrt_within.statistic), lrt_within_p=number(fit.lrt_within.p_value),
        lrt_within_loglik=number(fit.lrt_within.loglik_reduced), converged=bool(fit.converged))
    weights = np.full(eff.k, np.nan)
    weights[inc] = _weights(fit)
    robust = None
    if spec.robust:
        pooled, robust = _robust(pooled, robust_multilevel(fit, level=spec.level), total, key)
    return PooledResult(pooled, het, weights, multilevel=section, robust=robust)


def _weights(fit: Any) -> np.ndarray:
    """metafor's ``weights.rma.mv``: the diagonal of ``V⁻¹`` (block by cluster) in percent of its sum."""
    d = fit.data
    diag = np.empty(d.y.shape[0])
    for c in range(fit.n_clusters):
        rows = np.flatnonzero(d.cluster == c)
        same = d.within[rows][:, None] == d.within[rows][None, :]
        V = np.diag(d.v[rows]) + fit.sigma2_cluster + fit.sigma2_within * same
        diag[rows] = np.diag(np.linalg.inv(V))
    out: np.ndarray = 100.0 * diag / diag.sum()
    return out
