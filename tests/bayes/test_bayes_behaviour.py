"""Degenerate data, improper posteriors, priors, the batch axis and the result's JSON form."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from evisynth.errors import FewStudiesWarning, InputError
from evisynth.models import bayes_priors as bp
from evisynth.models.bayes import fit_bayes, fit_bayes_batch

Y = np.array([0.32, -0.05, 0.61, 0.18])
S = np.array([0.21, 0.30, 0.25, 0.40])


def _quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fit_bayes(*args, **kwargs)


def test_single_study_with_proper_priors_is_defined():
    fit = _quiet_fit([0.4], [0.2], bp.half_normal(0.5), mu_prior=(0.0, 1.0))
    assert fit.k == 1 and fit.mu.median is not None and fit.tau.shortest_lower == 0.0
    json.dumps(fit.to_dict())


def test_identical_effects_and_tiny_variances():
    fit = _quiet_fit([0.3, 0.3, 0.3], [0.1, 0.1, 0.1], bp.half_normal(0.5))
    assert fit.mu.median == pytest.approx(0.3, abs=1e-12) and fit.tau.mode == 0.0
    tiny = _quiet_fit([0.30, 0.31, 0.29], [1e-5, 2e-5, 1e-5], bp.half_cauchy(0.5))
    assert tiny.mu.median is not None and 0 < tiny.tau.median < 0.1
    assert tiny.prob_tau_below(tiny.tau.median) == pytest.approx(0.5, abs=1e-8)


@pytest.mark.parametrize(("prior", "k", "mu_prior"), [
    (bp.improper_uniform(), 2, None), (bp.jeffreys(), 1, None), (bp.berger_deely(), 1, None),
    (bp.sqrt_uniform(), 1, None),
])
def test_improper_posterior_warns_and_reports_none(prior, k, mu_prior):
    with pytest.warns(FewStudiesWarning, match="improper posterior"):
        fit = fit_bayes(Y[:k], S[:k], prior, mu_prior=mu_prior)
    assert not fit.proper and fit.mu.median is None and fit.bayes_factor_tau0 is None
    assert fit.prob_mu_below(0.0) is None
    doc = fit.to_dict()
    json.dumps(doc)
    assert doc["mu"]["median"] is None


def test_improper_priors_with_enough_studies():
    for prior in (bp.improper_uniform(), bp.jeffreys(), bp.berger_deely(), bp.sqrt_uniform()):
        fit = _quiet_fit(Y, S, prior)
        assert fit.proper and fit.bayes_factor_tau0 is None and fit.min_bayes_factor_tau0 is not None


def test_every_prior_family_runs_and_proper_priors_integrate_to_one():
    from evisynth.models._bayes_quad import _exp_sinh

    sig = S[None, :]
    for name, make in bp.PRIORS.items():
        prior = make(0.5) if name in {"half-normal", "half-cauchy", "uniform"} else \
            make(-1.0, 0.8) if name in {"log-normal", "log-t"} else make()
        fit = _quiet_fit(Y, S, prior)
        assert fit.tau.median is not None, name
        if prior.proper and prior.upper is None and name != "conventional":
            tau, wt = _exp_sinh(np.array([0.3]), 1 / 64, 5.0)
            mass = float(np.sum(wt * np.exp(prior.logpdf(tau, sig))))
            assert mass == pytest.approx(1.0, abs=1e-7), name  # log-t tails reach beyond this rule


def test_empirical_prior_tables():
    t = bp.turner_prior("all-cause mortality", "pharmacological vs placebo")
    assert t.parameters["tau2_meanlog"] == -3.95 and t.parameters["tau2_sdlog"] == 1.34
    assert bp.turner_prior().parameters["tau2_meanlog"] == -2.56
    r = bp.rhodes_prior("obstetric", "pharmacological vs pharmacological", area="respiratory")
    assert (r.parameters["tau2_location"], r.parameters["tau2_scale"]) == (-6.31, 2.31)
    assert bp.rhodes_prior().parameters["tau2_scale"] == 2.59
    with pytest.raises(InputError, match="outcome"):
        bp.turner_prior("nonsense")
    with pytest.raises(InputError, match="scale"):
        bp.half_normal(-1)


def test_bad_input():
    with pytest.raises(InputError, match="standard error"):
        fit_bayes(Y, -S, bp.half_normal(0.5))
    with pytest.raises(InputError, match="finite"):
        fit_bayes([0.1, np.nan], [0.1, 0.1], bp.half_normal(0.5))
    with pytest.raises(InputError, match="mu_prior"):
        fit_bayes(Y, S, bp.half_normal(0.5), mu_prior=(0.0, 0.0))


def test_batch_equals_single_fits_and_prior_grid():
    rng = np.random.default_rng(3)
    ys = rng.normal(0.2, 0.3, (5, 3))
    ss = rng.uniform(0.1, 0.4, (5, 3))
    batch = fit_bayes_batch(ys, ss, bp.half_normal(0.5), mu_prior=(0.0, 2.0))
    for b in range(5):
        one = fit_bayes(ys[b], ss[b], bp.half_normal(0.5), mu_prior=(0.0, 2.0))
        assert batch.summaries["mu"]["median"][b] == pytest.approx(one.mu.median, abs=1e-10)
        assert batch.summaries["tau"]["shortest_upper"][b] == pytest.approx(one.tau.shortest_upper, abs=1e-9)
        assert batch.shrinkage["mean"][b, 1] == pytest.approx(one.shrinkage[1].mean, abs=1e-10)
    scales = np.array([0.25, 0.5, 1.0])
    grid = fit_bayes_batch(Y, S, bp.half_normal(scales), intervals=False)
    for b, sc in enumerate(scales):
        one = fit_bayes(Y, S, bp.half_normal(float(sc)))
        assert grid.summaries["tau"]["median"][b] == pytest.approx(one.tau.median, abs=1e-10)
    assert np.all(np.diff(grid.summaries["tau"]["median"]) > 0)


def test_density_arrays_for_plots():
    fit = _quiet_fit(Y, S, bp.half_normal(0.5))
    tau, dens = np.array(fit.tau_grid), np.array(fit.tau_density)
    assert tau[0] == 0 and np.all(dens >= 0) and len(tau) == 201
    assert np.trapezoid(dens, tau) == pytest.approx(fit.prob_tau_below(tau[-1]), abs=1e-4)
    mu, md = np.array(fit.mu_grid), np.array(fit.mu_density)
    assert np.trapezoid(md, mu) == pytest.approx(0.995, abs=1e-3)
    assert "median" in fit.summary() and fit._repr_html_().startswith("<pre>")
