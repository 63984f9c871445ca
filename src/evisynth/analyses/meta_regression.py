"""Meta-regression section: coefficients, omnibus test, R², predictions and a permutation test.

The model is metafor's ``rma.uni(yi, vi, mods = ...)`` (Berkey et al. 1995, Stat Med
14:395-411; Thompson & Higgins 2002, Stat Med 21:1559-1573): random (mixed) effects with
the analysis' τ² estimator, or a common-effect meta-regression with weights ``1/v``.

* Continuous moderators (numeric columns) enter as they are; categorical ones (text columns)
  by treatment coding against a reference level — the first level in sorted order, as R's
  ``factor()`` does, unless ``--reference COLUMN=LEVEL`` says otherwise. Coefficients are
  named ``intercept``, ``COLUMN`` and ``COLUMN_LEVEL``.
* ``QM`` is the Wald test of all moderators (χ² with m df), or under HKSJ
  (Knapp & Hartung 2003) ``QM/m`` against F(m, k-p).
* ``R²`` is metafor's pseudo-R² ``max(0, 100 (τ²_RE - τ²)/τ²_RE)`` with ``τ²_RE`` from the
  intercept-only model with the same estimator (0 when ``τ²_RE`` is 0; Raudenbush 2009); for
  the common-effect model, the adjusted R² of the weighted least-squares regression.
* Predictions as ``predict.rma(newmods=...)``: CI with the model's critical value, prediction
  interval ``± crit √(SE² + τ²)`` (z, or t with k-p df under HKSJ); no PI for the common-effect
  model.
* Permutation test as ``permutest.rma.uni`` (see :mod:`evisynth.models.permutation`).
* Studies with a missing moderator value are left out (metafor's ``na.omit``), with a warning.
* Mantel-Haenszel and Peto analyses are meta-regressed with the inverse-variance
  common-effect model on ``yi``/``vi`` (a note in the section says so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from evisynth import options as opt
from evisynth.analyses.fit import warn_undefined
from evisynth.analyses.results import (
    Coefficient,
    MetaRegression,
    ModeratorTerm,
    PermutationInfo,
    Prediction,
    number,
)
from evisynth.analyses.spec import AnalysisSpec
from evisynth.analyses.subgroups import find_column, level_label
from evisynth.effects.table import EffectTable
from evisynth.errors import DataWarning, FewStudiesWarning, InputError
from evisynth.models.mixed import MixedFit, fit_mixed
from evisynth.models.permutation import permutation_test
from evisynth.models.tau2 import TAU2_ESTIMATORS


@dataclass(frozen=True)
class Term:
    """One moderator: its column, kind and (categorical) levels with the reference first."""

    column: str
    categorical: bool
    levels: tuple[str, ...] = ()

    def names(self) -> list[str]:
        """Coefficient names of this term."""
        return [f"{self.column}_{lev}" for lev in self.levels[1:]] if self.categorical else [self.column]

    def encode(self, values: Any) -> np.ndarray:
        """Design columns for ``values`` (numbers, or level labels)."""
        if self.categorical:
            lab = np.asarray([level_label(x) for x in values], dtype=object)
            return np.column_stack([(lab == lev).astype(float) for lev in self.levels[1:]])
        return np.asarray(values, dtype=float)[:, None]


def _r_sort_key(s: str) -> tuple[str, str]:
    # R's sort() in an English locale is case-insensitive first, lower case before upper case
    return (s.casefold(), s.swapcase())


def _missing(raw: np.ndarray) -> np.ndarray:
    if raw.dtype == object:
        return np.asarray([level_label(x) == "" for x in raw], dtype=bool)
    return np.asarray(~np.isfinite(np.asarray(raw, dtype=float)))


def build_terms(eff: EffectTable, spec: AnalysisSpec) -> tuple[list[Term], np.ndarray, list[str], np.ndarray]:
    """Resolve the moderators of ``spec`` into terms and the design matrix.

    Included studies with a missing value in any moderator are left out of the
    meta-regression, as metafor does (``na.action = "na.omit"``); the returned boolean mask
    marks the rows that are used.
    """
    where = eff.source or None
    refs: dict[str, str] = {}
    keys = [find_column(eff, name) for name in spec.moderators]
    if len(set(keys)) != len(keys):
        raise InputError(f"a moderator is given more than once: {', '.join(spec.moderators)}")
    for col, level in spec.reference:
        low = {key.lower(): key for key in keys}
        if col.lower() not in low:
            raise InputError(f"--reference names '{col}', which is not a moderator; moderators: {', '.join(keys)}",
                             file=where)
        refs[low[col.lower()]] = str(level).strip()
    use = eff.included.copy()
    for key in keys:
        use &= ~_missing(eff.extra[key])
    if not use.any():
        raise InputError("no included study has values for all moderators (" + ", ".join(keys) + ")", file=where)
    terms: list[Term] = []
    cols = [np.ones(int(use.sum()))]
    names = ["intercept"]
    for key in keys:
        raw = eff.extra[key]
        if raw.dtype == object:
            labels = [level_label(x) for x in raw]
            levels = sorted({lab for lab, keep in zip(labels, use, strict=True) if keep}, key=_r_sort_key)
            if key in refs:
                ref = refs[key]
                match = [lev for lev in levels if lev == ref] or [lev for lev in levels if lev.lower() == ref.lower()]
                if not match:
                    raise InputError(f"--reference level '{ref}' is not a level of '{key}' among the analysed "
                                     f"studies; levels: {', '.join(levels)}", file=where, column=key)
                levels.remove(match[0])
                levels.insert(0, match[0])
            if len(levels) < 2:
                raise InputError(f"moderator '{key}' takes a single value among the analysed studies; "
                                 "a meta-regression needs it to vary", file=where, column=key)
            term = Term(key, True, tuple(levels))
            cols.append(term.encode(raw[use]))
        else:
            if key in refs:
                raise InputError(f"--reference applies to categorical (text) moderators; '{key}' is numeric",
                                 file=where, column=key)
            x = np.asarray(raw, dtype=float)[use]
            if np.all(x == x[0]):
                raise InputError(f"moderator '{key}' is constant among the analysed studies ({x[0]:g}); "
                                 "a meta-regression needs it to vary", file=where, column=key)
            term = Term(key, False)
            cols.append(x[:, None])
        terms.append(term)
        names.extend(term.names())
    X = np.column_stack(cols)
    return terms, X, names, use


#: Below this intercept-only τ² the R² ratio is rounding noise (metafor gets 0 via max(0, ...)).
R2_TAU2_FLOOR = 1e-10


def r_squared(y: np.ndarray, v: np.ndarray, X: np.ndarray, fit: MixedFit, model: str, method: str) -> float | None:
    """Proportion of heterogeneity accounted for, in percent, as metafor's ``R2`` (see module doc)."""
    k, p = X.shape
    if model == "fixed":
        if np.var(y) == 0 or k <= p:
            return 0.0
        w = 1 / v
        beta = np.linalg.solve((X * w[:, None]).T @ X, (X * w[:, None]).T @ y)
        f = X @ beta
        mss = float(np.sum(w * (f - np.sum(w * f) / w.sum()) ** 2))
        rss = float(np.sum(w * (y - f) ** 2))
        r2 = mss / (mss + rss)
        adj = 1 - (1 - r2) * (k - 1) / (k - p)
        return max(0.0, 100 * float(adj))
    tau2_re = float(TAU2_ESTIMATORS[method](y, v).tau2)
    if tau2_re < R2_TAU2_FLOOR:  # both fits at the tau² = 0 boundary: R² is 0/0 noise, report 0 as metafor
        return 0.0
    return max(0.0, 100 * (tau2_re - fit.tau2) / tau2_re)


def _prediction_rows(terms: list[Term], spec: AnalysisSpec,
                     where: str | None) -> tuple[np.ndarray, list[dict[str, Any]]]:
    by_lower = {t.column.lower(): t for t in terms}
    rows, ats = [], []
    for point in spec.predict:
        given: dict[str, Any] = {}
        for col, value in point:
            term = by_lower.get(str(col).lower())
            if term is None:
                raise InputError(f"--predict names '{col}', which is not a moderator; moderators: "
                                 + ", ".join(t.column for t in terms), file=where)
            given[term.column] = value
        missing = [t.column for t in terms if t.column not in given]
        if missing:
            raise InputError("--predict needs a value for every moderator; missing: " + ", ".join(missing), file=where)
        x = [1.0]
        at: dict[str, Any] = {}
        for t in terms:
            value = given[t.column]
            if t.categorical:
                lab = level_label(value)
                match = [lev for lev in t.levels if lev == lab] or [lev for lev in t.levels if lev.lower() == lab.lower()]
                if not match:
                    raise InputError(f"--predict level '{lab}' is not a level of '{t.column}'; levels: "
                                     + ", ".join(t.levels), file=where, column=t.column)
                x.extend(t.encode([match[0]])[0])
                at[t.column] = match[0]
            else:
                try:
                    num = float(value)
                except (TypeError, ValueError):
                    raise InputError(f"--predict value for numeric moderator '{t.column}' must be a number; "
                                     f"got {value!r}", file=where, column=t.column) from None
                if not np.isfinite(num):
                    raise InputError(f"--predict value for '{t.column}' must be finite; got {value!r}",
                                     file=where, column=t.column)
                x.append(num)
                at[t.column] = num
        rows.append(x)
        ats.append(at)
    if not rows:
        return np.zeros((0, 0)), []
    return np.asarray(rows, dtype=float), ats


def predictions(fit: MixedFit, Xnew: np.ndarray, ats: list[dict[str, Any]], model: str,
                log_scale: bool) -> tuple[Prediction, ...]:
    """Predicted effects at new moderator values, as ``predict.rma(newmods=...)``."""
    out = []
    for x, at in zip(Xnew, ats, strict=True):
        pred = float(x @ fit.beta)
        se = float(np.sqrt(x @ fit.vb @ x))
        pi_lower = pi_upper = None
        if model == "random":
            sd = float(np.sqrt(se**2 + fit.tau2))
            pi_lower, pi_upper = number(pred - fit.crit * sd), number(pred + fit.crit * sd)
        out.append(Prediction(at=at, estimate=number(pred), se=number(se), ci_lower=number(pred - fit.crit * se),
                              ci_upper=number(pred + fit.crit * se), pi_lower=pi_lower, pi_upper=pi_upper,
                              log_scale=log_scale))
    return tuple(out)


def meta_regression_section(eff: EffectTable, spec: AnalysisSpec) -> MetaRegression:
    """The meta-regression of ``spec.moderators`` (see the module docstring)."""
    note = None
    if spec.count_method:
        note = (f"{spec.method} analysis: the meta-regression uses the inverse-variance common-effect model "
                "on the study effects")
        spec = replace(spec, model="fixed", method=opt.DEFAULT_FIXED_METHOD)
    model = spec.model or opt.DEFAULT_MODEL
    method = spec.tau2_method
    terms, X, names, use = build_terms(eff, spec)
    y, v = eff.yi[use], eff.vi[use]
    omitted = tuple(eff.study[i] for i in np.flatnonzero(eff.included & ~use))
    if omitted:
        warnings.warn(f"{len(omitted)} studies without a value for every moderator are left out of the "
                      f"meta-regression: {', '.join(omitted)}", DataWarning, stacklevel=2)
    k, p = X.shape
    need = p + (1 if model == "random" else 0)
    if k < need:
        raise InputError(f"meta-regression with {p} coefficients needs at least {need} studies; "
                         f"{k} are included", file=eff.source or None)
    if k < 10 * (p - 1):
        warnings.warn(f"meta-regression of {k} studies on {p - 1} moderator term(s): fewer than 10 studies per term "
                      "(Cochrane Handbook 10.11.5.1); read its coefficients with caution", FewStudiesWarning,
                      stacklevel=2)
    fit = fit_mixed(y, v, X, model=model, method=method, test=spec.test, level=spec.level)
    warn_undefined(fit.undefined, "meta-regression")
    coefs = tuple(
        Coefficient(name=name, estimate=number(fit.beta[j]), se=number(fit.se[j]),
                    statistic=number(fit.statistic[j]), p_value=number(fit.p_value[j]),
                    ci_lower=number(fit.ci_lower[j]), ci_upper=number(fit.ci_upper[j]), log_scale=eff.log_scale)
        for j, name in enumerate(names))
    Xnew, ats = _prediction_rows(terms, spec, eff.source or None)
    perm_p: tuple[float | None, ...] | None = None
    perm_qm_p = None
    perm_info = None
    if spec.permutations > 0:
        if spec.permutations < 2:
            raise InputError(f"--permutations must be at least 2; got {spec.permutations}")
        perm = permutation_test(y, v, X, model=model, method=method, test=spec.test,
                                iterations=spec.permutations, seed=spec.seed, btt=np.arange(1, p))
        perm_p = tuple(number(x) for x in perm.p_values)
        perm_qm_p = number(perm.qm_p)
        perm_info = PermutationInfo(perm.iterations, perm.exact, spec.seed)
    df = None if fit.df is None else int(fit.df)
    return MetaRegression(
        k=k, omitted=omitted,
        moderators=tuple(ModeratorTerm(t.column, "categorical", tuple(t.levels), t.levels[0]) if t.categorical
                         else ModeratorTerm(t.column, "continuous") for t in terms),
        coefficients=coefs, qm=number(fit.qm), qm_df=fit.qm_df, qm_df2=df, qm_p=number(fit.qm_p),
        qm_test="F" if fit.df is not None else "chi2", df=df, qe=number(fit.qe), qe_df=fit.qe_df,
        qe_p=number(fit.qe_p), tau2=number(fit.tau2), tau2_se=number(fit.tau2_se), i2=number(fit.i2),
        h2=number(fit.h2), r2=number(r_squared(y, v, X, fit, model, method)), model=model,
        method=method if model == "random" else "IV", test=spec.test, level=spec.level, converged=fit.converged,
        permutation_p=perm_p, permutation_qm_p=perm_qm_p, permutations=perm_info,
        predictions=predictions(fit, Xnew, ats, model, eff.log_scale), note=note,
    )


__all__ = ["build_terms", "meta_regression_section", "predictions", "r_squared"]
