"""Subgroup analyses and the test for subgroup differences.

``separate`` (RevMan): each subgroup is pooled on its own (its own τ²) and the subgroup
estimates are compared with a common-effect heterogeneity test across them:
``Q = Σ w_j (θ_j - θ̄)²`` with ``w_j = 1/SE_j²``, df = J - 1, ``I² = max(0, (Q - df)/Q)``
(docs/methods.md §1.10; Borenstein et al. 2009, ch. 19).

``common``: a mixed-effects model with the subgroup as a categorical moderator and one τ²
shared by all subgroups; subgroup estimates are the coefficients of the model without
intercept, and the test for differences is the omnibus test of the moderator (QM, or F
under HKSJ) in the model with intercept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from evisynth import _dist
from evisynth import options as opt
from evisynth.analyses.fit import fit_pooled
from evisynth.analyses.results import SubgroupAnalysis, SubgroupDifference, SubgroupGroup, number
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import EffectTable
from evisynth.errors import InputError
from evisynth.models.mixed import fit_mixed


def subgroup_levels(eff: EffectTable, variable: str) -> tuple[list[str], np.ndarray]:
    """Levels of ``variable`` in order of first appearance, and each row's level label."""
    key = find_column(eff, variable)
    raw = eff.extra[key]
    labels = np.array([level_label(x) for x in raw], dtype=object)
    missing = [i for i, lab in enumerate(labels) if lab == "" and eff.included[i]]
    if missing:
        i = missing[0]
        raise InputError(f"missing subgroup value for study '{eff.study[i]}'; every included study needs one",
                         file=eff.source or None, row=i + 1, line=i + 2, column=key)
    levels = list(dict.fromkeys(lab for lab, inc in zip(labels, eff.included, strict=True) if inc))
    return levels, labels


def level_label(x: Any) -> str:
    if isinstance(x, float):
        if np.isnan(x):
            return ""
        return f"{x:g}"
    return str(x).strip()


def find_column(eff: EffectTable, variable: str) -> str:
    if variable in eff.extra:
        return variable
    low = {k.lower(): k for k in eff.extra}
    if variable.lower() in low:
        return low[variable.lower()]
    if eff.extra:
        available = "available: " + ", ".join(eff.extra)
    else:
        available = ("the table has only the study label and data columns; add a column (e.g. 'dose' or 'region') "
                     "to group or regress on")
    raise InputError(f"no column '{variable}' to use as subgroup or moderator; {available}", file=eff.source or None)


def subgroup_analysis(eff: EffectTable, spec: AnalysisSpec) -> SubgroupAnalysis:
    """The subgroup analysis of ``spec.subgroup`` (the ``subgroups`` section of the document)."""
    if spec.subgroup is None:
        raise InputError("a subgroup analysis needs a subgroup variable (--subgroup COLUMN)")
    levels, labels = subgroup_levels(eff, spec.subgroup)
    if len(levels) < 2:
        raise InputError(
            f"subgroup variable '{spec.subgroup}' has only one level among the included studies; "
            "a subgroup analysis needs at least two",
            file=eff.source or None,
        )
    if spec.subgroup_model == "common" and spec.count_method:
        raise InputError("--subgroup-model common needs an inverse-variance model (not MH or PETO)")
    if spec.subgroup_model == "common":
        groups, difference = _common(eff, spec, levels, labels)
    else:
        groups, difference = _separate(eff, spec, levels, labels)
    return SubgroupAnalysis(spec.subgroup, spec.subgroup_model, tuple(groups), difference)


def _separate(eff: EffectTable, spec: AnalysisSpec, levels: list[str],
              labels: np.ndarray) -> tuple[list[SubgroupGroup], SubgroupDifference]:
    groups = []
    est, se = [], []
    for level in levels:
        rows = labels == level
        res = fit_pooled(eff.subset(rows), spec, heterogeneity_ci=False, quiet=True)
        p, h = res.pooled, res.heterogeneity
        groups.append(SubgroupGroup(
            level=level, k=p.k, estimate=p.estimate, se=p.se, statistic=p.statistic, df=p.df, p_value=p.p_value,
            ci_lower=p.ci_lower, ci_upper=p.ci_upper, tau2=h.tau2, i2=h.i2, q=h.q, q_df=h.q_df, q_p=h.q_p,
            study_indices=tuple(int(i) for i in np.flatnonzero(rows)),
            weights_percent=tuple(number(w) for w in res.weights), log_scale=eff.log_scale,
        ))
        if p.se is not None and p.se > 0 and p.estimate is not None:
            est.append(p.estimate)
            se.append(p.se)
    j = len(est)
    if j < 2:
        return groups, SubgroupDifference(None, None, None, None)
    w = 1 / np.asarray(se) ** 2
    theta = np.asarray(est)
    mean = float((w * theta).sum() / w.sum())
    q = float((w * (theta - mean) ** 2).sum())
    df = j - 1
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return groups, SubgroupDifference(q, df, float(_dist.chi2_sf(q, df)), i2)


def _common(eff: EffectTable, spec: AnalysisSpec, levels: list[str],
            labels: np.ndarray) -> tuple[list[SubgroupGroup], SubgroupDifference]:
    inc = eff.included
    y, v, lab = eff.yi[inc], eff.vi[inc], labels[inc]
    dummies = np.column_stack([(lab == level).astype(float) for level in levels])
    model = spec.model or opt.DEFAULT_MODEL
    method = spec.tau2_method
    no_int = fit_mixed(y, v, dummies, model=model, method=method, test=spec.test,
                       level=spec.level, btt=np.arange(len(levels)))
    with_int = fit_mixed(y, v, np.column_stack([np.ones(len(y)), dummies[:, 1:]]), model=model,
                         method=method, test=spec.test, level=spec.level)
    groups = []
    within_spec = AnalysisSpec(model="fixed", method=opt.DEFAULT_FIXED_METHOD, level=spec.level)
    for j, level in enumerate(levels):
        rows = labels == level
        within = fit_pooled(eff.subset(rows), within_spec, heterogeneity_ci=False, quiet=True).heterogeneity
        groups.append(SubgroupGroup(
            level=level, k=int((lab == level).sum()), estimate=number(no_int.beta[j]), se=number(no_int.se[j]),
            statistic=number(no_int.statistic[j]), df=no_int.df, p_value=number(no_int.p_value[j]),
            ci_lower=number(no_int.ci_lower[j]), ci_upper=number(no_int.ci_upper[j]), tau2=number(no_int.tau2),
            i2=within.i2, q=within.q, q_df=within.q_df, q_p=within.q_p,
            study_indices=tuple(int(i) for i in np.flatnonzero(rows)), log_scale=eff.log_scale,
        ))
    q, df = with_int.qm, with_int.qm_df
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return groups, SubgroupDifference(number(q), df, number(with_int.qm_p), i2,
                                      test="F" if with_int.df is not None else "chi2", tau2=number(with_int.tau2))
