"""Subgroup analyses and the test for subgroup differences.

``separate`` (RevMan): each subgroup is pooled on its own (its own τ²) and the subgroup
estimates are compared with a common-effect heterogeneity test across them:
``Q = Σ w_j (θ_j - θ̄)²`` with ``w_j = 1/SE_j²``, df = J - 1, ``I² = max(0, (Q - df)/Q)``
(METHODS.md §1.10; Borenstein et al. 2009, ch. 19).

``common``: a mixed-effects model with the subgroup as a categorical moderator and one τ²
shared by all subgroups; subgroup estimates are the coefficients of the model without
intercept, and the test for differences is the omnibus test of the moderator (QM, or F
under HKSJ) in the model with intercept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.analyses.fit import clean, exp_twins, fit_pooled
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import EffectTable
from evisynth.errors import InputError
from evisynth.models.mixed import fit_mixed

GROUP_KEYS = ("level", "k", "estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper",
              "tau2", "i2", "q", "q_df", "q_p")


def subgroup_levels(eff: EffectTable, variable: str) -> tuple[list[str], np.ndarray]:
    """Levels of ``variable`` in order of first appearance, and each row's level label."""
    key = _find_column(eff, variable)
    raw = eff.extra[key]
    labels = np.array([_label(x) for x in raw], dtype=object)
    missing = [i for i, lab in enumerate(labels) if lab == "" and eff.included[i]]
    if missing:
        i = missing[0]
        raise InputError(f"missing subgroup value for study '{eff.study[i]}'; every included study needs one",
                         file=eff.source or None, row=i + 1, line=i + 2, column=key)
    levels = list(dict.fromkeys(lab for lab, inc in zip(labels, eff.included, strict=True) if inc))
    return levels, labels


def _label(x: Any) -> str:
    if isinstance(x, float):
        if np.isnan(x):
            return ""
        return f"{x:g}"
    return str(x).strip()


def _find_column(eff: EffectTable, variable: str) -> str:
    if variable in eff.extra:
        return variable
    low = {k.lower(): k for k in eff.extra}
    if variable.lower() in low:
        return low[variable.lower()]
    raise InputError(
        f"no column '{variable}' to use as subgroup or moderator; available: "
        + (", ".join(eff.extra) or "none"),
        file=eff.source or None,
    )


def subgroup_analysis(eff: EffectTable, spec: AnalysisSpec) -> dict[str, Any]:
    """The ``subgroups`` section of the analysis document for ``spec.subgroup``."""
    assert spec.subgroup is not None
    levels, labels = subgroup_levels(eff, spec.subgroup)
    if len(levels) < 2:
        raise InputError(
            f"subgroup variable '{spec.subgroup}' has only one level among the included studies; "
            "a subgroup analysis needs at least two",
            file=eff.source or None,
        )
    if spec.subgroup_model == "common" and spec.method in ("MH", "PETO"):
        raise InputError("--subgroup-model common needs an inverse-variance model (not MH or PETO)")
    if spec.subgroup_model == "common":
        groups, difference = _common(eff, spec, levels, labels)
    else:
        groups, difference = _separate(eff, spec, levels, labels)
    return {"variable": spec.subgroup, "model": spec.subgroup_model, "groups": groups,
            "difference": difference}


def _separate(eff: EffectTable, spec: AnalysisSpec, levels: list[str],
              labels: np.ndarray) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    groups = []
    est, se = [], []
    for level in levels:
        rows = labels == level
        sub = eff.subset(rows)
        res = fit_pooled(sub, spec, heterogeneity_ci=False, quiet=True)
        g = {key: clean(res.values.get(key)) for key in GROUP_KEYS if key != "level"}
        g = {"level": level, **g}
        g["study_indices"] = [int(i) for i in np.flatnonzero(rows)]
        g["weights_percent"] = [clean(w) for w in res.weights]
        groups.append(exp_twins(g, ("estimate", "ci_lower", "ci_upper")) if eff.log_scale else g)
        if res.se is not None and np.isfinite(res.se) and res.se > 0:
            est.append(res.estimate)
            se.append(res.se)
    j = len(est)
    if j < 2:
        return groups, {"q": None, "df": None, "p_value": None, "i2": None}
    w = 1 / np.asarray(se) ** 2
    theta = np.asarray(est)
    mean = float((w * theta).sum() / w.sum())
    q = float((w * (theta - mean) ** 2).sum())
    df = j - 1
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return groups, {"q": q, "df": df, "p_value": float(_dist.chi2_sf(q, df)), "i2": i2}


def _common(eff: EffectTable, spec: AnalysisSpec, levels: list[str],
            labels: np.ndarray) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    inc = eff.included
    y, v, lab = eff.yi[inc], eff.vi[inc], labels[inc]
    dummies = np.column_stack([(lab == level).astype(float) for level in levels])
    model = spec.model or "random"
    no_int = fit_mixed(y, v, dummies, model=model, method=spec.method or "REML", test=spec.test,
                       level=spec.level, btt=np.arange(len(levels)))
    with_int = fit_mixed(y, v, np.column_stack([np.ones(len(y)), dummies[:, 1:]]), model=model,
                         method=spec.method or "REML", test=spec.test, level=spec.level)
    groups = []
    for j, level in enumerate(levels):
        rows = labels == level
        within = fit_pooled(eff.subset(rows), AnalysisSpec(model="fixed", method="IV", level=spec.level),
                            heterogeneity_ci=False, quiet=True)
        g = {
            "level": level, "k": int((lab == level).sum()),
            "estimate": clean(no_int.beta[j]), "se": clean(no_int.se[j]),
            "statistic": clean(no_int.statistic[j]), "p_value": clean(no_int.p_value[j]),
            "ci_lower": clean(no_int.ci_lower[j]), "ci_upper": clean(no_int.ci_upper[j]),
            "tau2": clean(no_int.tau2), "i2": clean(within.i2), "q": clean(within.q),
            "q_df": clean(within.q_df), "q_p": clean(within.q_p),
            "study_indices": [int(i) for i in np.flatnonzero(rows)],
        }
        groups.append(exp_twins(g, ("estimate", "ci_lower", "ci_upper")) if eff.log_scale else g)
    q, df = with_int.qm, with_int.qm_df
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return groups, {"q": clean(q), "df": df, "p_value": clean(with_int.qm_p), "i2": i2,
                    "test": "F" if with_int.df is not None else "chi2",
                    "tau2": clean(with_int.tau2)}
