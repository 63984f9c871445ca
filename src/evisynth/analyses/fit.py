"""Fit the pooled model an :class:`AnalysisSpec` asks for, on an effect table or a subset of it.

Every composite analysis (subgroups, leave-one-out, cumulative, ...) calls
:func:`fit_pooled` so the model is specified in one place.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import EffectTable
from evisynth.errors import ConvergenceWarning, DataWarning, FewStudiesWarning, InputError
from evisynth.models.mantel_haenszel import mantel_haenszel, peto
from evisynth.models.pool import pool

POOLED_KEYS = ("k", "estimate", "se", "statistic", "df", "p_value", "ci_lower", "ci_upper",
               "pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t")
HETEROGENEITY_KEYS = ("tau2", "tau2_se", "tau2_ci_lower", "tau2_ci_upper", "tau", "tau_ci_lower",
                      "tau_ci_upper", "i2", "i2_ci_lower", "i2_ci_upper", "h2", "h2_ci_lower",
                      "h2_ci_upper", "q", "q_df", "q_p")
EXP_KEYS = ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t")


def clean(x: Any) -> Any:
    """A JSON-ready plain value: floats (None for nan/inf), ints, bools, str."""
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return f if math.isfinite(f) else None
    return x


def exp_twins(d: dict[str, Any], keys: tuple[str, ...] = EXP_KEYS) -> dict[str, Any]:
    """Add ``<key>_exp`` for every key present (ratio measures reported exponentiated)."""
    out = dict(d)
    for key in keys:
        if key in d:
            out[f"{key}_exp"] = None if d[key] is None else math.exp(d[key])
    return out


@dataclass(frozen=True)
class PooledResult:
    """A pooled estimate with its heterogeneity statistics and study weights."""

    model: str
    method: str
    test: str
    level: float
    values: dict[str, Any]
    weights: np.ndarray  # percent, aligned with the effect table rows (nan = not in the analysis)
    converged: bool
    log_scale: bool

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        raise AttributeError(name)

    def pooled_dict(self) -> dict[str, Any]:
        """The ``pooled`` section of the analysis document."""
        d = {key: clean(self.values.get(key)) for key in POOLED_KEYS}
        return exp_twins(d) if self.log_scale else d

    def heterogeneity_dict(self) -> dict[str, Any]:
        """The ``heterogeneity`` section of the analysis document."""
        out = {key: clean(self.values.get(key)) for key in HETEROGENEITY_KEYS}
        out["tau2_ci_upper_censored"] = bool(self.values.get("tau2_ci_censored") or False)
        return out


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
    method = spec.method or "REML"
    if method in ("MH", "PETO"):
        d = eff.data
        counts = (d["events1"], d["n1"], d["events2"], d["n2"])
        # Every table not dropped as double-zero enters the MH/Peto sums, even when its own estimate
        # is not finite (zero cell with --continuity 0): neither method needs a per-study estimate,
        # and k counts these tables (metafor's rma.mh/rma.peto; RevMan). Q uses the finite estimates.
        drop00 = spec.drop_double_zero if spec.drop_double_zero is not None else eff.measure != "RD"
        a, n1, c, n2 = counts
        double_zero = ((a == 0) & (c == 0)) | ((a == n1) & (c == n2))
        in_sums = ~double_zero if drop00 else np.ones(eff.k, dtype=bool)
        if method == "MH":
            res = mantel_haenszel(*counts, eff.yi, eff.vi, measure=eff.measure, in_sums=in_sums,
                                  mh_continuity=spec.mh_continuity, continuity=spec.continuity,
                                  level=spec.level)
        else:
            res = peto(*counts, in_sums=in_sums, level=spec.level, k_studies=k)
        values = {
            "k": int(in_sums.sum()), "estimate": res.estimate, "se": res.se, "statistic": res.statistic, "df": None,
            "p_value": res.p_value, "ci_lower": res.ci_lower, "ci_upper": res.ci_upper,
            "pi_lower": None, "pi_upper": None, "pi_lower_t": None, "pi_upper_t": None,
            "tau2": 0.0, "tau2_se": None, "tau2_ci_lower": None, "tau2_ci_upper": None,
            "tau": 0.0, "tau_ci_lower": None, "tau_ci_upper": None,
            "i2": res.i2, "i2_ci_lower": None, "i2_ci_upper": None,
            "h2": res.h2, "h2_ci_lower": None, "h2_ci_upper": None,
            "q": res.q, "q_df": res.q_df, "q_p": res.q_p,
        }
        return PooledResult("fixed", method, "z", spec.level, values, res.weights, True, eff.log_scale)

    model = spec.model or "random"
    y, v = eff.yi[inc], eff.vi[inc]
    if model == "random" and k < 3 and not quiet:
        warnings.warn(
            f"random-effects analysis with only {k} {'study' if k == 1 else 'studies'}: tau² is poorly estimated",
            FewStudiesWarning, stacklevel=2,
        )
    pooled = pool(y, v, model=model, method=method if model == "random" else "REML", test=spec.test,
                  level=spec.level, heterogeneity_ci=heterogeneity_ci)
    values = {key: clean(val) for key, val in pooled.as_dict().items()}
    if model == "fixed":
        for key in ("tau2_se", "tau2_ci_lower", "tau2_ci_upper", "tau_ci_lower", "tau_ci_upper",
                    "i2_ci_lower", "i2_ci_upper", "h2_ci_lower", "h2_ci_upper"):
            values[key] = None
    w = 1.0 / (v + (values["tau2"] or 0.0))
    weights = np.full(eff.k, np.nan)
    weights[inc] = 100 * w / w.sum()
    converged = bool(values["converged"])
    if values.get("tau2_ci_censored") and not quiet:
        warnings.warn(
            "the Q-profile upper limit for tau² lies beyond the search bound max(100, 10 x tau²) = "
            f"{values['tau2_ci_upper']:.4g}; it is reported at that bound, as metafor does (read it as '>')",
            DataWarning, stacklevel=2,
        )
    if not converged and not quiet:
        warnings.warn(
            f"the {method} estimator of tau² did not converge; the result is flagged as not converged",
            ConvergenceWarning, stacklevel=2,
        )
    return PooledResult(model, method if model == "random" else "IV", spec.test, spec.level, values, weights,
                        converged, eff.log_scale)
