"""Sensitivity section: leave-one-out, cumulative meta-analysis and influence diagnostics.

* Leave-one-out (metafor ``leave1out``) and cumulative meta-analysis (``cumul``; Lau et al.
  1992, NEJM 327:248-254) refit the analysis' own model — inverse variance, Mantel-Haenszel or
  Peto — through :func:`evisynth.analyses.fit.fit_pooled`. The cumulative order is the input
  order, or ascending values of ``--order COLUMN`` (stable: ties keep the input order).
* Influence diagnostics (Viechtbauer & Cheung 2010, Res Synth Methods 1:112-125; metafor
  ``influence.rma.uni``) for inverse-variance models: externally standardised residuals,
  DFFITS, Cook's distance, covariance ratio, τ² and Q when the study is left out, hat values,
  weights and DFBETAS, with metafor's rule for flagging a study as influential (any of
  ``|DFFITS| > 3√(p/(k-p))``, ``P(χ²_1 <= D) > 0.5``, ``hat > 3p/k``, ``|DFBETAS| > 1``).
  Mantel-Haenszel and Peto analyses have no such diagnostics (the section says so in a note).

Only included studies appear in the rows.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.analyses.fit import PooledResult, fit_pooled
from evisynth.analyses.results import CumulativeRow, InfluenceRow, LeaveOneOutRow, Sensitivity, number
from evisynth.analyses.spec import AnalysisSpec
from evisynth.analyses.subgroups import find_column
from evisynth.effects.table import EffectTable
from evisynth.errors import DataWarning, InputError


def _refit_values(res: PooledResult) -> dict[str, Any]:
    p, h = res.pooled, res.heterogeneity
    return {"k": p.k, "estimate": p.estimate, "se": p.se, "statistic": p.statistic, "ci_lower": p.ci_lower,
            "ci_upper": p.ci_upper, "p_value": p.p_value, "tau2": h.tau2, "i2": h.i2, "h2": h.h2, "q": h.q,
            "q_p": h.q_p}


def _refit(sub: EffectTable, spec: AnalysisSpec) -> PooledResult:
    """Refit on a subset; a single study is analysed with the z test, as metafor does for k = 1."""
    if int(sub.included.sum()) == 1 and spec.test != "z":
        spec = replace(spec, test="z")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return fit_pooled(sub, spec, heterogeneity_ci=False, quiet=True)


def leave_one_out(eff: EffectTable, spec: AnalysisSpec) -> tuple[list[LeaveOneOutRow], list[PooledResult]]:
    """One refit per included study with that study left out (input order)."""
    idx = np.flatnonzero(eff.included)
    rows, fits = [], []
    for i in idx:
        keep = eff.included.copy()
        keep[i] = False
        res = _refit(eff.subset(keep), spec)
        fits.append(res)
        rows.append(LeaveOneOutRow(omitted=eff.study[i], **_refit_values(res), log_scale=eff.log_scale))
    return rows, fits


def cumulative_order(eff: EffectTable, order: str | None) -> np.ndarray:
    """Indices of the included studies in cumulative order.

    Stable ascending sort by the ``order`` column (numbers, or text in code-point order);
    studies without a value go last, as R's ``order()`` puts ``NA`` last.
    """
    idx = np.flatnonzero(eff.included)
    if order is None:
        return idx
    key = find_column(eff, order)
    vals = eff.extra[key][idx]
    if eff.extra[key].dtype == object:
        text = ["" if x is None else str(x).strip() for x in vals]
        missing = [t == "" or t.lower() == "nan" for t in text]
        ranked = sorted(range(len(idx)), key=lambda j: (missing[j], text[j]))
    else:
        num = np.asarray(vals, float)
        missing = list(~np.isfinite(num))
        ranked = sorted(range(len(idx)), key=lambda j: (missing[j], num[j] if not missing[j] else 0.0))
    if any(missing):
        absent = [eff.study[idx[j]] for j in range(len(idx)) if missing[j]]
        warnings.warn(f"studies without a value in '{key}' are added last in the cumulative meta-analysis: "
                      + ", ".join(absent), DataWarning, stacklevel=3)
    return np.asarray(idx[np.asarray(ranked, dtype=int)])


def cumulative(eff: EffectTable, spec: AnalysisSpec) -> list[CumulativeRow]:
    """Cumulative meta-analysis: the j-th row pools the first j studies in order."""
    order = cumulative_order(eff, spec.order)
    rows = []
    for j in range(1, len(order) + 1):
        keep = np.zeros(eff.k, dtype=bool)
        keep[order[:j]] = True
        res = _refit(eff.subset(keep), spec)
        rows.append(CumulativeRow(added=eff.study[order[j - 1]], **_refit_values(res), log_scale=eff.log_scale))
    return rows


def influence(eff: EffectTable, spec: AnalysisSpec, pooled: PooledResult,
              loo: list[PooledResult]) -> list[InfluenceRow]:
    """Case-deletion diagnostics of the intercept-only inverse-variance model.

    ``loo`` holds the leave-one-out refits (same order as the included studies); the deleted
    τ², estimate, variance and Q come from them.
    """
    inc = eff.included
    y, v = eff.yi[inc], eff.vi[inc]
    k, p = len(y), 1
    tau2 = float(pooled.heterogeneity.tau2 or 0.0)
    w = 1 / (v + tau2)
    sw = w.sum()
    beta = float(pooled.pooled.estimate or np.nan)
    vb = float(pooled.pooled.se or np.nan) ** 2  # includes the HKSJ factor
    hat = w / sw
    weight = 100 * w / sw
    out = []
    for i in range(k):
        r = loo[i].pooled
        t2d = float(loo[i].heterogeneity.tau2 or 0.0)
        bd = float(r.estimate if r.estimate is not None else np.nan)
        vbd = float(r.se) ** 2 if r.se is not None else float("nan")
        rest = np.arange(k) != i
        s2w = vbd * np.sum(1 / (v[rest] + t2d)) if spec.test != "z" else 1.0
        diff = beta - bd
        with np.errstate(divide="ignore", invalid="ignore"):
            dffits = diff / np.sqrt(s2w * hat[i] * (t2d + v[i]))
            vb_del = 1 / np.sum(1 / (v + t2d))
            dfbetas = diff / np.sqrt(s2w * vb_del)
            cook = diff**2 / vb
            cov_r = vbd / vb
            resid = y[i] - bd
            if abs(resid) < 100 * np.finfo(float).eps:
                resid = 0.0
            rstudent = resid / np.sqrt(v[i] * s2w + vbd + t2d * s2w)
        flag = bool(
            (abs(dffits) > 3 * np.sqrt(p / (k - p)) if k > p else False)
            or (np.isfinite(cook) and 1 - float(_dist.chi2_sf(cook, 1)) > 0.5)
            or hat[i] > 3 * p / k
            or abs(dfbetas) > 1
        )
        out.append(InfluenceRow(
            study=eff.study[np.flatnonzero(inc)[i]], rstudent=number(rstudent), dffits=number(dffits),
            cook_d=number(cook), cov_r=number(cov_r), tau2_deleted=number(t2d), q_deleted=loo[i].heterogeneity.q,
            hat=number(hat[i]), weight_percent=number(weight[i]), dfbetas=number(dfbetas), influential=flag,
        ))
    return out


def sensitivity_section(eff: EffectTable, spec: AnalysisSpec, pooled: PooledResult) -> Sensitivity:
    """Leave-one-out, cumulative and influence analyses (see the module docstring)."""
    k = int(eff.included.sum())
    if k < 2:
        raise InputError(f"sensitivity analyses (leave-one-out, cumulative, influence) need at least 2 studies; "
                         f"{k} are included", file=eff.source or None)
    loo_rows, loo_fits = leave_one_out(eff, spec)
    influence_rows = None
    note = None
    if spec.count_method:
        note = (f"influence diagnostics are defined for inverse-variance models; "
                f"not computed for the {spec.method} analysis")
    else:
        influence_rows = tuple(influence(eff, spec, pooled, loo_fits))
    return Sensitivity(leave_one_out=tuple(loo_rows), cumulative=tuple(cumulative(eff, spec)), order=spec.order,
                       influence=influence_rows, influence_note=note)
