"""fit_bayes_many: many small fits in vectorised chunks equal fit_bayes one at a time (1e-10)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from evisynth.errors import FewStudiesWarning, InputError
from evisynth.models import bayes_priors as bp
from evisynth.models.bayes import fit_bayes
from evisynth.models.bayes_many import fit_bayes_many

TOL = 1e-10


def datasets(n: int = 24, seed: int = 5) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Random meta-analyses with k = 2..10 and awkward cases: identical effects, huge and tiny variances."""
    rng = np.random.default_rng(seed)
    ys, ss = [], []
    for i in range(n):
        k = int(rng.integers(2, 11)) if i >= 4 else 2
        s = rng.uniform(0.05, 0.6, k)
        ys.append(rng.normal(0.1, 0.3, k) + rng.normal(0, 1, k) * s)
        ss.append(s)
    ys[1] = np.full(2, 0.3)  # identical effects, k = 2
    ys[5] = np.full(len(ys[5]), -0.2)
    ss[6] = ss[6] * 1e3  # huge variances: the data say nothing, the posterior is the prior
    ss[7] = ss[7] * 1e-3  # tiny variances
    ys[8] = ys[8] * 1e-3
    ss[8] = ss[8] * 1e-3  # everything on a tiny scale
    return ys, ss


def close(got, want, path="", tol=TOL):
    """Recursive comparison of two to_dict() trees (None for None, floats to TOL relative or absolute)."""
    if isinstance(want, dict):
        assert got.keys() == want.keys(), path
        for key in want:
            close(got[key], want[key], f"{path}.{key}", tol)
    elif isinstance(want, list):
        assert len(got) == len(want), path
        for j, (g, w) in enumerate(zip(got, want, strict=True)):
            close(g, w, f"{path}[{j}]", tol)
    elif isinstance(want, float):
        assert got is not None and got == pytest.approx(want, rel=tol, abs=tol), path
    else:
        assert got == want, path


CASES = [(bp.half_normal(0.5), (0.0, 4.0)), (bp.half_cauchy(0.3), None), (bp.uniform(2.0), (0.0, 1.0))]


@pytest.mark.parametrize(("prior", "mu_prior"), CASES, ids=["half-normal", "half-Cauchy", "uniform"])
def test_many_equal_single_fits(prior, mu_prior):
    ys, ss = datasets()
    many = fit_bayes_many(ys, ss, prior, mu_prior=mu_prior, chunk=5, n_grid=11)
    assert len(many) == len(ys) and list(many.k) == [len(y) for y in ys]
    for i in range(len(ys)):
        want = fit_bayes(ys[i], ss[i], prior, mu_prior=mu_prior, n_grid=11).to_dict()
        close(many.record(i), want, f"fit {i}")


@pytest.mark.parametrize(("prior", "mu_prior"), CASES, ids=["half-normal", "half-Cauchy", "uniform"])
def test_result_does_not_depend_on_the_chunk(prior, mu_prior):
    """Every fit alone equals the same fit among up to 39 others (1e-11): nothing depends on the chunk."""
    ys, ss = datasets(40, seed=2)
    together = fit_bayes_many(ys, ss, prior, mu_prior=mu_prior, n_grid=11)
    for i in range(len(ys)):
        alone = fit_bayes_many([ys[i]], [ss[i]], prior, mu_prior=mu_prior, n_grid=11)
        close(together.record(i), alone.record(0), f"fit {i}", tol=1e-11)


def test_quick_options_skip_only_what_they_say():
    ys, ss = datasets(12)
    full = fit_bayes_many(ys, ss, bp.half_normal(0.5), mu_prior=(0.0, 4.0), n_grid=11)
    quick = fit_bayes_many(ys, ss, bp.half_normal(0.5), mu_prior=(0.0, 4.0), intervals=False, shrinkage=False,
                           densities=False, bayes_factors=False)
    for f in ("median", "mean", "sd", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(getattr(quick.mu, f), getattr(full.mu, f), rtol=TOL, atol=TOL)
        np.testing.assert_allclose(getattr(quick.tau, f), getattr(full.tau, f), rtol=TOL, atol=TOL)
    assert np.all(np.isnan(quick.tau.shortest_upper)) and np.all(np.isnan(quick.shrinkage.median))
    assert np.all(np.isnan(quick.bayes_factor_tau0)) and quick.tau_grid.shape == (12, 0)
    assert full.shrinkage.median.shape == (int(full.offsets[-1]),) and full.tau_grid.shape == (12, 11)


def test_improper_posterior_for_some_k():
    ys, ss = [[0.1, 0.3], [0.1, 0.3, -0.2, 0.5]], [[0.2, 0.2], [0.2, 0.1, 0.3, 0.2]]
    with pytest.warns(FewStudiesWarning, match="k = 2"):
        many = fit_bayes_many(ys, ss, bp.improper_uniform())
    assert list(many.proper) == [False, True]
    assert many.record(0)["mu"]["median"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = fit_bayes(ys[1], ss[1], bp.improper_uniform())
    assert many.mu.median[1] == pytest.approx(one.mu.median, rel=TOL)


def test_bad_input():
    with pytest.raises(InputError, match="sets of"):
        fit_bayes_many([[0.1]], [], bp.half_normal(0.5))
    with pytest.raises(InputError, match="same length"):
        fit_bayes_many([[0.1, 0.2]], [[0.1]], bp.half_normal(0.5))
    with pytest.raises(InputError, match="scalar"):
        fit_bayes_many([[0.1, 0.2]], [[0.1, 0.1]], bp.half_normal(np.array([0.5, 1.0])))
    with pytest.raises(InputError, match="level"):
        fit_bayes_many([[0.1, 0.2]], [[0.1, 0.1]], bp.half_normal(0.5), level=95)
    with pytest.raises(InputError, match="chunk"):
        fit_bayes_many([[0.1, 0.2]], [[0.1, 0.1]], bp.half_normal(0.5), chunk=0)


def test_no_meta_analyses():
    many = fit_bayes_many([], [], bp.half_normal(0.5))
    assert len(many) == 0 and many.mu.median.shape == (0,) and list(many.offsets) == [0]
