"""Shared pieces of the models for dependent effects (multilevel, cluster-robust, correlated effects).

Input checking with one-line :class:`~evisynth.errors.InputError` messages, cluster labels to
integer codes, JSON-ready floats and the coefficient table shared by the result types.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from evisynth.errors import InputError


def jfloat(x: Any) -> float | None:
    """A JSON-ready float: ``None`` for missing, NaN or infinite values.

    >>> jfloat(np.float64(0.5)), jfloat(float("nan")), jfloat(None)
    (0.5, None, None)
    """
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def cluster_codes(labels: Any, k: int, name: str = "cluster") -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes 0..n-1 of cluster labels (in order of first appearance) and the labels as text.

    >>> codes, names = cluster_codes(["b", "a", "b"], 3)
    >>> codes.tolist(), names
    ([0, 1, 0], ('b', 'a'))
    """
    arr = np.asarray(labels, dtype=object).ravel()
    if arr.shape[0] != k:
        raise InputError(f"{name} has {arr.shape[0]} labels for {k} effects; give one label per row")
    seen: dict[Any, int] = {}
    codes = np.empty(k, dtype=np.intp)
    for i, lab in enumerate(arr.tolist()):
        if lab is None or (isinstance(lab, float) and math.isnan(lab)):
            raise InputError(f"{name} label is missing for row {i + 1}; every effect needs a {name} label")
        codes[i] = seen.setdefault(lab, len(seen))
    return codes, tuple(str(lab) for lab in seen)


def check_effects(y: Any, v: Any, X: Any | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Effects, sampling variances and a design matrix (intercept only when ``X`` is None), checked."""
    yy = np.asarray(y, dtype=float).ravel()
    vv = np.asarray(v, dtype=float).ravel()
    k = yy.shape[0]
    if k == 0:
        raise InputError("no effects given")
    if vv.shape[0] != k:
        raise InputError(f"{k} effects but {vv.shape[0]} sampling variances; give one variance per effect")
    bad = np.flatnonzero(~np.isfinite(yy))
    if bad.size:
        raise InputError(f"effect in row {bad[0] + 1} is not a finite number ({yy[bad[0]]!r})")
    bad = np.flatnonzero(~(np.isfinite(vv) & (vv > 0)))
    if bad.size:
        raise InputError(f"sampling variance in row {bad[0] + 1} must be a positive finite number; got {vv[bad[0]]!r}")
    XX = np.ones((k, 1)) if X is None else np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    if XX.shape[0] != k:
        raise InputError(f"the design matrix has {XX.shape[0]} rows for {k} effects")
    if not np.all(np.isfinite(XX)):
        raise InputError("the design matrix (moderators) has missing or non-finite values; drop those rows first")
    if np.linalg.matrix_rank(XX) < XX.shape[1]:
        raise InputError("the moderators are collinear (the design matrix is not of full rank)")
    return yy, vv, XX


def default_names(X: np.ndarray, names: Sequence[str] | None) -> tuple[str, ...]:
    """Coefficient names: the given ones, else ``intrcpt`` for a column of ones and ``x1``, ``x2``, ..."""
    p = X.shape[1]
    if names is not None:
        if len(names) != p:
            raise InputError(f"{len(names)} coefficient names for {p} design columns")
        return tuple(str(n) for n in names)
    return tuple("intrcpt" if np.all(X[:, j] == 1) else f"x{j}" for j in range(p))


def default_btt(X: np.ndarray) -> np.ndarray:
    """Coefficients tested by the omnibus test: all but a leading intercept (metafor's default)."""
    p = X.shape[1]
    return np.arange(1, p) if (p > 1 and np.all(X[:, 0] == 1)) else np.arange(p)


@dataclass(frozen=True)
class Coefficients:
    """One row per model coefficient: estimate, standard error, test and confidence interval.

    ``df`` is ``None`` for Wald z tests, the residual df for t tests, and the Satterthwaite
    degrees of freedom (one per coefficient) for cluster-robust tests.
    """

    names: tuple[str, ...]
    estimate: tuple[float, ...]
    se: tuple[float, ...]
    statistic: tuple[float, ...]
    df: tuple[float | None, ...]
    p_value: tuple[float, ...]
    ci_lower: tuple[float, ...]
    ci_upper: tuple[float, ...]
    level: float

    def row(self, j: int) -> dict[str, Any]:
        """The ``j``-th coefficient as a JSON-ready dict (the ``pooled`` block for ``j = 0``)."""
        return {
            "name": self.names[j], "estimate": jfloat(self.estimate[j]), "se": jfloat(self.se[j]),
            "statistic": jfloat(self.statistic[j]), "df": jfloat(self.df[j]), "p_value": jfloat(self.p_value[j]),
            "ci_lower": jfloat(self.ci_lower[j]), "ci_upper": jfloat(self.ci_upper[j]),
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"level": ..., "rows": [row, ...]}`` with JSON-ready floats."""
        return {"level": self.level, "rows": [self.row(j) for j in range(len(self.names))]}

    def to_frame(self) -> Any:
        """A pandas DataFrame indexed by coefficient name."""
        import pandas as pd

        rows = [self.row(j) for j in range(len(self.names))]
        return pd.DataFrame(rows).set_index("name")


def make_coefficients(names: tuple[str, ...], beta: np.ndarray, se: np.ndarray, df: Any, level: float) -> Coefficients:
    """Wald z (``df`` None) or t tests (``df`` scalar or one per coefficient) and intervals."""
    from evisynth import _dist

    p = beta.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = beta / se
    if df is None:
        crit = np.full(p, _dist.crit_norm(level))
        pval = np.asarray(_dist.two_sided_p_norm(stat), dtype=float)
        dfs: tuple[float | None, ...] = (None,) * p
    else:
        d = np.broadcast_to(np.asarray(df, dtype=float), (p,))
        ok = np.isfinite(d) & (d > 0)
        dsafe = np.where(ok, d, 1.0)
        crit = np.where(ok, _dist.t_ppf(0.5 + level / 2, dsafe), np.nan)
        pval = np.where(ok, _dist.two_sided_p_t(stat, dsafe), np.nan)
        dfs = tuple(float(x) for x in d)
    return Coefficients(
        names=names, estimate=tuple(map(float, beta)), se=tuple(map(float, se)), statistic=tuple(map(float, stat)),
        df=dfs, p_value=tuple(map(float, pval)), ci_lower=tuple(map(float, beta - crit * se)),
        ci_upper=tuple(map(float, beta + crit * se)), level=level,
    )
