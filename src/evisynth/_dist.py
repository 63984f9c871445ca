"""Distribution functions, imported lazily from :mod:`scipy.special`.

``scipy.special`` costs about half a second to import, so it is loaded on the first call
that needs it rather than at ``import evisynth`` - and then only its compiled ufunc module
(see :func:`_load_ufuncs`). All functions accept scalars or arrays.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

import numpy as np

_special: Any = None
_NEEDED = ("ndtr", "ndtri", "stdtr", "stdtrit", "chdtrc", "chdtri", "fdtrc")
_lock = threading.Lock()


def _sp() -> Any:
    global _special
    if _special is None:
        with _lock:
            if _special is None:
                _special = _load_ufuncs()
    return _special


def _load_ufuncs() -> Any:
    """The compiled ufuncs of :mod:`scipy.special`, without the package's ``__init__``.

    ``import scipy.special`` costs 0.2-0.4 s (it sets up array-API back ends and imports
    hundreds of functions); the distribution functions used here live in the extension module
    ``scipy.special._ufuncs``, which loads in a few milliseconds. It is loaded under a
    temporary bare package entry, which is removed again, so a later ``import scipy.special``
    runs normally and reuses the same extension module (the same ufunc objects). Anything
    unexpected falls back to the plain import.
    """
    if "scipy.special" not in sys.modules:
        stub_installed = False
        try:
            spec = importlib.util.find_spec("scipy.special")
            if spec is not None and spec.submodule_search_locations:
                stub = types.ModuleType("scipy.special")
                stub.__path__ = list(spec.submodule_search_locations)
                stub.__spec__ = spec
                sys.modules["scipy.special"] = stub
                stub_installed = True
                ufuncs = importlib.import_module("scipy.special._ufuncs")
                if all(hasattr(ufuncs, name) for name in _NEEDED):
                    return ufuncs
        except Exception:  # any surprise: use the documented import below
            pass
        finally:
            if stub_installed and sys.modules.get("scipy.special") is not None \
                    and not hasattr(sys.modules["scipy.special"], "__file__"):
                del sys.modules["scipy.special"]
    import scipy.special as special

    return special


def norm_cdf(x: Any) -> Any:
    """Standard normal CDF."""
    return _sp().ndtr(x)


def norm_sf(x: Any) -> Any:
    """Standard normal upper tail, accurate far into the tail."""
    return _sp().ndtr(-np.asarray(x, dtype=float))


def norm_ppf(q: Any) -> Any:
    """Standard normal quantile."""
    return _sp().ndtri(q)


def two_sided_p_norm(z: Any) -> Any:
    """Two-sided P value of a standard normal statistic."""
    return 2.0 * _sp().ndtr(-np.abs(np.asarray(z, dtype=float)))


def t_sf(x: Any, df: Any) -> Any:
    """Upper tail of Student's t."""
    return _sp().stdtr(df, -np.asarray(x, dtype=float))


def two_sided_p_t(t: Any, df: Any) -> Any:
    """Two-sided P value of a t statistic."""
    return 2.0 * _sp().stdtr(df, -np.abs(np.asarray(t, dtype=float)))


def t_ppf(q: Any, df: Any) -> Any:
    """Student's t quantile."""
    return _sp().stdtrit(df, q)


def chi2_sf(x: Any, df: Any) -> Any:
    """Upper tail of the chi-squared distribution."""
    return _sp().chdtrc(df, x)


def chi2_ppf(q: Any, df: Any) -> Any:
    """Chi-squared quantile (lower-tail probability ``q``)."""
    if np.ndim(q) == 0:
        return _per_integer_df(_chi2_lower_quantile, float(q), df)
    return _sp().chdtri(df, 1.0 - np.asarray(q, dtype=float))


def _chi2_lower_quantile(q: Any, df: Any) -> Any:
    return _sp().chdtri(df, 1.0 - q)


def f_sf(x: Any, df1: Any, df2: Any) -> Any:
    """Upper tail of the F distribution."""
    return _sp().fdtrc(df1, df2, x)


def crit_norm(level: float) -> float:
    """Two-sided normal critical value for a confidence ``level`` (e.g. 1.959964 for 0.95)."""
    return float(norm_ppf(1.0 - (1.0 - level) / 2.0))


def crit_t(level: float, df: Any) -> Any:
    """Two-sided t critical value for a confidence ``level``."""
    return _per_integer_df(t_ppf, 1.0 - (1.0 - level) / 2.0, df)


@functools.lru_cache(maxsize=1024)
def _quantile_cached(func: Any, q: float, df: float) -> float:
    return float(func(q, df))


def _per_integer_df(func: Any, q: float, df: Any) -> Any:
    """``func(q, df)``, evaluated once per distinct degrees of freedom for large batches.

    Quantile functions cost far more than a table lookup, and a batch of a million
    meta-analyses has only a few distinct (integer) df; the values are the same either way.
    """
    if isinstance(df, float):  # one fit (Python float or numpy float64): the same few quantiles again and again
        return _quantile_cached(func, q, df)
    if getattr(df, "size", 1) < 256:  # a small array
        return func(q, df)
    df = np.asarray(df, dtype=float)
    lo, hi = np.nanmin(df), np.nanmax(df)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo >= 0 and hi <= 1_000_000):
        return func(q, df)
    di = df.astype(np.int64)
    if not np.array_equal(di, df):
        return func(q, df)
    return func(q, np.arange(int(hi) + 1, dtype=float))[di]
