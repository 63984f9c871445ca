"""The fast kernels give the numbers of the plain reference implementations.

:mod:`evisynth.models.reference` writes each τ² estimator and the Q-profile limits as the
formula of its paper (projection matrices, bisection to full precision); the engine runs the
vectorised kernels of :mod:`evisynth.models.kernels`. They must agree to 1e-12, relative, with
an absolute floor of 1e-12 (:func:`_scale`) for τ² near 0, on every data set of the metafor
reference suite (the study effects and variances of ``tests/reference/expected``, with the
moderators of its meta-regression cases) and on random batches, for one fit (no batch axis)
and for batches.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from evisynth import _dist
from evisynth.models import reference
from evisynth.models.kernels.arrays import conditioned_design, prepare
from evisynth.models.kernels.qsolve import qprofile_limits
from evisynth.models.kernels.scaling import normalise
from evisynth.models.pool import pool
from evisynth.models.tau2 import TAU2_ESTIMATORS
from evisynth.models.undefined import Undefined

REF = Path(__file__).resolve().parents[1] / "reference"
REL = 1e-12


def _close(actual: float, expected: float, scale: float) -> bool:
    return abs(actual - expected) <= REL * max(abs(expected), scale)


def _se_close(actual: float, expected: float, tau2: float, tau2_ref: float, v: np.ndarray) -> bool:
    """SEs to 1e-12 relative, plus what the difference in τ² (within its own tolerance) explains:
    every SE formula changes by at most 2 |Δτ²| / (τ² + min v) relative."""
    spread = 2 * abs(tau2 - tau2_ref) / (tau2_ref + float(np.min(v)))
    return abs(actual - expected) <= (REL + spread) * abs(expected)


def _scale(v: np.ndarray) -> float:
    """The absolute floor for τ² (times REL): the engine fits in units where the mean sampling
    variance is about 1 and stops its iterations at 1e-12 max(1, τ²) in those units."""
    return float(np.mean(v))


def _design(case: dict, names: list[str]) -> np.ndarray | None:
    """The moderators of a meta-regression case as a design matrix (numeric columns as they are,
    categorical ones as treatment dummies), rows in the order of ``names``."""
    args = case["args"]
    mods = [args[i + 1] for i, a in enumerate(args) if a == "--moderator"]
    if not mods:
        return None
    with open(REF / "data" / case["data"], encoding="utf-8") as fh:
        rows = {r["study"]: r for r in csv.DictReader(fh)}
    cols = [np.ones(len(names))]
    for mod in mods:
        values = [rows[n][mod] for n in names]
        try:
            cols.append(np.array([float(x) for x in values]))
        except ValueError:
            for level in sorted(set(values))[1:]:
                cols.append(np.array([x == level for x in values], dtype=float))
    return np.column_stack(cols)


@cache
def suite_datasets() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]]:
    """Distinct (y, v, X) of the reference suite: every case's included studies, and with the
    moderators of each meta-regression case."""
    cases = json.loads((REF.parents[1] / "validation" / "metafor" / "cases.json").read_text(encoding="utf-8"))
    seen: set[tuple] = set()
    out = []
    for case in cases["cases"]:
        doc = json.loads((REF / "expected" / f"{case['id']}.json").read_text(encoding="utf-8"))["expected"]
        studies = [s for s in doc.get("studies", []) if s.get("included", True) and s.get("yi") is not None]
        if len(studies) < 2:
            continue
        y = np.array([s["yi"] for s in studies], dtype=float)
        v = np.array([s["vi"] for s in studies], dtype=float)
        X = _design(case, [s["study"] for s in studies]) if "meta_regression" in doc else None
        key = (tuple(y), tuple(v), None if X is None else X.tobytes())
        if key in seen or (X is not None and (X.shape[0] <= X.shape[1] or np.linalg.matrix_rank(X) < X.shape[1])):
            continue
        seen.add(key)
        out.append((case["id"], y, v, X))
    return out


def test_the_suite_has_data_sets_with_and_without_moderators():
    data = suite_datasets()
    assert sum(X is None for *_, X in data) >= 40
    assert sum(X is not None for *_, X in data) >= 5


@pytest.mark.parametrize("code", list(TAU2_ESTIMATORS))
def test_kernels_match_reference_on_the_metafor_suite(code):
    method = TAU2_ESTIMATORS[code]
    checked = 0
    for name, y, v, X in suite_datasets():
        ref = method.reference(y, v, X)
        est = method(y, v, X)
        scale = _scale(v)
        assert _close(float(est.tau2), ref.tau2, scale), f"{name} {code}: tau2 {float(est.tau2)!r} vs {ref.tau2!r}"
        assert _se_close(float(est.se), ref.se, float(est.tau2), ref.tau2, v), \
            f"{name} {code}: se {float(est.se)!r} vs {ref.se!r}"
        checked += 1
    assert checked >= 50


def _random_batch(seed: int, m: int = 60, k: int = 14, p: int = 1):
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.uniform(-2, 2, (m, 1))
    v = rng.uniform(0.01, 0.4, (m, k)) * scale
    tau2 = rng.choice([0.0, 0.01, 0.1, 1.0, 5.0], (m, 1)) * scale
    y = rng.normal(0, 1, (m, 1)) + rng.normal(0, 1, (m, k)) * np.sqrt(v + tau2)
    sizes = rng.integers(p + 1, k + 1, m)
    mask = np.arange(k)[None, :] < sizes[:, None]
    for i in range(m):
        mask[i] = rng.permutation(mask[i])
    X = None
    if p > 1:
        X = np.concatenate([np.ones((m, k, 1)), rng.normal(0, 1, (m, k, p - 1))], axis=2)
    return y, v, mask, X


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("code", list(TAU2_ESTIMATORS))
def test_kernels_match_reference_on_random_batches(code, p):
    method = TAU2_ESTIMATORS[code]
    y, v, mask, X = _random_batch(seed=17 + p, p=p)
    est = method(y, v, X, mask)  # absent studies have weight 0 in the batch
    for i in range(y.shape[0]):
        keep = mask[i]
        Xi = None if X is None else X[i][keep]
        ref = method.reference(y[i][keep], v[i][keep], Xi)
        one = method(y[i][keep], v[i][keep], Xi)
        scale = _scale(v[i][keep])
        for got in (float(est.tau2[i]), float(one.tau2)):
            assert _close(got, ref.tau2, scale), f"row {i} {code}: tau2 {got!r} vs {ref.tau2!r}"
        for got, t in ((float(est.se[i]), float(est.tau2[i])), (float(one.se), float(one.tau2))):
            assert _se_close(got, ref.se, t, ref.tau2, v[i][keep]), f"row {i} {code}: se {got!r} vs {ref.se!r}"


def _targets(k: int, p: int, level: float = 0.95) -> tuple[float, float]:
    alpha = 1 - level
    return float(_dist.chi2_ppf(1 - alpha / 2, k - p)), float(_dist.chi2_ppf(alpha / 2, k - p))


def test_qprofile_limits_match_reference_on_the_metafor_suite():
    checked = 0
    for name, y, v, X in suite_datasets():
        if X is not None:
            continue
        ref = reference.qprofile_limits(y, v, *_targets(len(y), 1))
        res = pool(y, v, method="DL")  # exact limits (the default), as the engine reports them
        scale = _scale(v)
        assert _close(res.tau2_ci_lower, ref[0], scale), f"{name}: lower {res.tau2_ci_lower!r} vs {ref[0]!r}"
        assert _close(res.tau2_ci_upper, ref[1], scale), f"{name}: upper {res.tau2_ci_upper!r} vs {ref[1]!r}"
        checked += 1
    assert checked >= 40


def test_qprofile_limits_with_moderators_match_reference():
    for name, y, v, X in suite_datasets():
        if X is None:
            continue
        ref = reference.qprofile_limits(y, v, *_targets(len(y), X.shape[1]), X)
        yy, vv, m, k = prepare(y[None], v[None])
        yy, vv, _, h = normalise(yy, vv, m, k, shift=False)
        with np.errstate(divide="ignore", invalid="ignore"):  # kernels run under the caller's errstate
            lo, hi, found = qprofile_limits(yy, vv, m, 0.95, conditioned_design(X[None], m))
        lo, hi = float(np.ldexp(lo[0], 2 * h[0])), float(np.ldexp(hi[0], 2 * h[0]))
        assert found.all()
        assert _close(lo, ref[0], _scale(v)), f"{name}: lower {lo!r} vs {ref[0]!r}"
        assert _close(hi, ref[1], _scale(v)), f"{name}: upper {hi!r} vs {ref[1]!r}"


def test_qprofile_limits_match_reference_on_a_random_batch():
    y, v, mask, _ = _random_batch(seed=3, m=80)
    res = pool(y, v, mask, level=0.9)
    assert not (res.undefined & Undefined.TAU2_CI_NOT_FOUND).any()
    for i in range(y.shape[0]):
        keep = mask[i]
        ref = reference.qprofile_limits(y[i][keep], v[i][keep], *_targets(int(keep.sum()), 1, 0.9))
        scale = _scale(v[i][keep])
        lo, hi = res.tau2_ci_lower[i], res.tau2_ci_upper[i]
        assert _close(float(lo), ref[0], scale), f"row {i}: lower {lo!r} vs {ref[0]!r}"
        assert _close(float(hi), ref[1], scale), f"row {i}: upper {hi!r} vs {ref[1]!r}"
