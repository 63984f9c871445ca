"""Numbers some figures need that the analysis document does not carry.

The plotting modules do no statistics; when a figure needs a fitted line or per-study
diagnostics that are not in the document, the report layer calls these helpers, which fit
with the engine (:func:`evisynth.models.mixed.fit_mixed`), and passes the result to the plot.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from evisynth.errors import InputError
from evisynth.models.mixed import fit_mixed


def _included(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in doc["studies"]:
        y, v = s.get("yi"), s.get("vi")
        if s.get("included", True) and y is not None and v is not None and math.isfinite(y) and math.isfinite(v):
            out.append(s)
    return out


def _model(doc: dict[str, Any]) -> tuple[str, str, str, float]:
    st = doc.get("settings") or {}
    p = doc.get("pooled") or {}
    model = p.get("model") or st.get("model") or "random"
    method = p.get("method") or st.get("method") or "REML"
    if model == "fixed" or method in ("IV", "MH", "PETO"):
        model, method = "fixed", "REML"
    return model, method, st.get("test", "z"), float(p.get("level") or st.get("level") or 0.95)


def moderator_value(study: dict[str, Any], moderator: str) -> Any:
    """A study's value of ``moderator`` (case-insensitive column match); None when missing."""
    mods = study.get("moderators") or {}
    for key, value in mods.items():
        if key.lower() == moderator.lower():
            if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
                return None
            return value
    return None


def _number(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(str(x))
    except ValueError:
        return None


def bubble_fit(doc: dict[str, Any], moderator: str, *, n_points: int = 81) -> dict[str, Any]:
    """Fit a meta-regression of the study effects on one moderator, for a bubble plot.

    Returns the studies used (``study``, ``x``, ``yi``, ``weight``: relative weights
    ``1/(v_i + τ²)``), and the fitted line with its confidence band along the moderator's range
    (``grid``, ``fit``, ``ci_lower``, ``ci_upper``) or, for a categorical moderator, one fitted
    mean per level (``levels``). The model (random/fixed, τ² estimator, test, level) is the one
    of the analysis; all values are on the analysis scale.
    """
    rows = [(s, moderator_value(s, moderator)) for s in _included(doc)]
    rows = [(s, x) for s, x in rows if x is not None]
    if len(rows) < 2:
        raise InputError(f"moderator '{moderator}' has values for fewer than 2 included studies")
    model, method, test, level = _model(doc)
    y = np.array([s["yi"] for s, _ in rows], float)
    v = np.array([s["vi"] for s, _ in rows], float)
    nums = [_number(x) for _, x in rows]
    categorical = any(n is None for n in nums)
    out: dict[str, Any] = {"moderator": moderator, "categorical": categorical, "model": model, "method": method,
                           "level": level, "study": [s["study"] for s, _ in rows], "yi": y.tolist()}
    if categorical:
        labels = [str(x) for _, x in rows]
        levels = list(dict.fromkeys(labels))
        if len(levels) < 2:
            raise InputError(f"moderator '{moderator}' has a single level among the included studies")
        D = np.column_stack([[1.0 if lab == lev else 0.0 for lab in labels] for lev in levels])
        means = fit_mixed(y, v, D, model=model, method=method, test=test, level=level,
                          btt=np.arange(len(levels)))
        test_fit = fit_mixed(y, v, np.column_stack([np.ones(len(y)), D[:, 1:]]), model=model, method=method,
                             test=test, level=level)
        out.update(x=labels, levels=levels, fit=means.beta.tolist(), ci_lower=means.ci_lower.tolist(),
                   ci_upper=means.ci_upper.tolist(), tau2=test_fit.tau2, qm=test_fit.qm, qm_df=test_fit.qm_df,
                   qm_p=test_fit.qm_p)
        tau2 = test_fit.tau2
    else:
        x = np.array(nums, float)
        if np.ptp(x) == 0:
            raise InputError(f"moderator '{moderator}' takes a single value among the included studies")
        X = np.column_stack([np.ones(len(y)), x])
        fit = fit_mixed(y, v, X, model=model, method=method, test=test, level=level)
        grid = np.linspace(x.min(), x.max(), n_points)
        G = np.column_stack([np.ones(n_points), grid])
        pred = G @ fit.beta
        se = np.sqrt(np.einsum("ij,jk,ik->i", G, fit.vb, G))
        out.update(x=x.tolist(), grid=grid.tolist(), fit=pred.tolist(), ci_lower=(pred - fit.crit * se).tolist(),
                   ci_upper=(pred + fit.crit * se).tolist(), intercept=float(fit.beta[0]), slope=float(fit.beta[1]),
                   slope_p=float(fit.p_value[1]), tau2=fit.tau2, qm=fit.qm, qm_df=fit.qm_df, qm_p=fit.qm_p)
        tau2 = fit.tau2
    w = 1.0 / (v + tau2)
    out["weight"] = (w / w.sum()).tolist()
    return out


def baujat_points(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Baujat et al. (Stat Med 2002;21:2641-52) diagnostics from the common-effect model.

    ``x`` is a study's contribution to Cochran's Q, ``w_i (y_i - θ)²``; ``y`` is its influence on
    the pooled result, ``(θ - θ_(-i))² / Var(θ_(-i))``, where ``θ_(-i)`` omits the study.
    """
    rows = _included(doc)
    if len(rows) < 3:
        raise InputError("a Baujat plot needs at least 3 included studies")
    y = np.array([s["yi"] for s in rows], float)
    w = 1.0 / np.array([s["vi"] for s in rows], float)
    theta = float((w * y).sum() / w.sum())
    x_contrib = w * (y - theta) ** 2
    sw, swy = w.sum(), (w * y).sum()
    theta_minus = (swy - w * y) / (sw - w)
    var_minus = 1.0 / (sw - w)
    influence = (theta - theta_minus) ** 2 / var_minus
    return [{"study": s["study"], "x": float(a), "y": float(b)} for s, a, b in zip(rows, x_contrib, influence,
                                                                                    strict=True)]
