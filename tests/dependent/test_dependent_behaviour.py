"""Properties, bad input and degenerate data of the multilevel and cluster-robust models."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from evisynth.errors import FewStudiesWarning, InputError
from evisynth.models._dependent import cluster_codes
from evisynth.models._multilevel_lik import Likelihood, NestedLikelihood
from evisynth.models.multilevel import fit_multilevel
from evisynth.models.robust import robust_correlated, robust_multilevel, robust_random, wald_test

RNG = np.random.default_rng(7)
K = 24
CL = np.repeat(np.arange(8), 3)
Y = RNG.normal(0.3, 0.3, K) + RNG.normal(0, 0.3, 8)[CL]
V = RNG.uniform(0.01, 0.1, K)
X = np.column_stack([np.ones(K), RNG.normal(size=K)])


def test_dense_and_nested_engines_agree():
    Zc = np.zeros((K, 8))
    Zc[np.arange(K), CL] = 1
    for reml in (True, False):
        a, b = Likelihood(Y, V, X, [Zc, np.eye(K)], reml), NestedLikelihood(Y, V, X, CL, reml)
        for theta in ([0.1, 0.05], [0.0, 0.2], [0.3, 0.0]):
            ea, eb = a(np.array(theta)), b(np.array(theta))
            assert ea.loglik == pytest.approx(eb.loglik, abs=1e-11)
            np.testing.assert_allclose(ea.grad, eb.grad, atol=1e-9)
            np.testing.assert_allclose(ea.hess, eb.hess, atol=1e-8)


def test_optimum_has_zero_score_and_matches_a_general_optimiser():
    from scipy.optimize import minimize

    fit = fit_multilevel(Y, V, CL, X, profile_ci=False)
    lik = NestedLikelihood(Y, V, X, cluster_codes(CL, K)[0], True)
    ev = lik(np.array([fit.sigma2_cluster, fit.sigma2_within]))
    assert np.all((np.abs(ev.grad) < 1e-7) | ((ev.theta == 0) & (ev.grad <= 0)))
    res = minimize(lambda t: -lik(np.exp(t), derivatives=False).loglik, np.log([0.05, 0.05]), method="Nelder-Mead",
                   options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
    assert fit.loglik >= -res.fun - 1e-10


def test_permutation_and_shift():
    a = fit_multilevel(Y, V, CL, profile_ci=False)
    order = RNG.permutation(K)
    b = fit_multilevel(Y[order], V[order], CL[order], profile_ci=False)
    c = fit_multilevel(Y + 1.5, V, CL, profile_ci=False)
    assert b.coefficients.estimate[0] == pytest.approx(a.coefficients.estimate[0], abs=1e-10)
    assert b.sigma2_cluster == pytest.approx(a.sigma2_cluster, abs=1e-10)
    assert c.coefficients.estimate[0] == pytest.approx(a.coefficients.estimate[0] + 1.5, abs=1e-10)
    assert c.sigma2_within == pytest.approx(a.sigma2_within, abs=1e-10)


def test_shared_within_labels_use_the_dense_engine():
    within = np.tile([0, 0, 1], 8)
    fit = fit_multilevel(Y, V, CL, within=within, profile_ci=False)
    assert fit.n_within == 16 and fit.converged


def test_identical_effects_give_zero_components_and_defined_output():
    fit = fit_multilevel(np.full(9, 0.4), np.full(9, 0.05), np.repeat([1, 2, 3], 3))
    assert fit.sigma2_cluster == 0 and fit.sigma2_within == 0
    assert fit.coefficients.estimate[0] == pytest.approx(0.4)
    assert fit.sigma2_cluster_ci_lower == 0 and fit.sigma2_cluster_ci_upper is not None
    json.dumps(fit.to_dict())


def test_one_cluster_warns():
    with pytest.warns(FewStudiesWarning):
        fit = fit_multilevel([0.1, 0.2, 0.4, 0.3], [0.01] * 4, ["s"] * 4, profile_ci=False)
    assert fit.sigma2_cluster >= 0


@pytest.mark.parametrize(("args", "message"), [
    (([0.1, 0.2], [0.01, 0.02], ["a", "b"]), "too few"),
    (([0.1, np.nan, 0.2], [0.01] * 3, ["a", "b", "c"]), "row 2"),
    (([0.1, 0.2, 0.3], [0.01, 0, 0.01], ["a", "b", "c"]), "row 2"),
    (([0.1, 0.2, 0.3], [0.01] * 3, ["a", "b"]), "labels"),
    (([0.1, 0.2, 0.3], [0.01] * 3, ["a", None, "b"]), "row 2"),
])
def test_bad_input_is_one_clear_error(args, message):
    with pytest.raises(InputError, match=message):
        fit_multilevel(*args)


def test_bad_settings():
    with pytest.raises(InputError, match="method"):
        fit_multilevel(Y, V, CL, method="DL")
    with pytest.raises(InputError, match="rho"):
        robust_correlated(Y, V, CL, rho=1.5)
    with pytest.raises(InputError, match="two clusters"):
        robust_random(Y, V, np.zeros(K))
    with pytest.raises(InputError, match="indices"):
        wald_test(robust_random(Y, V, CL, X), [5])


def test_robust_results_are_json_ready_and_consistent():
    ml = fit_multilevel(Y, V, CL, X, profile_ci=False)
    for fit in (robust_random(Y, V, CL, X), robust_multilevel(ml), robust_correlated(Y, V, CL, X, rho=0.5)):
        doc = fit.to_dict()
        json.dumps(doc)
        assert doc["pooled"]["df"] == fit.df and fit.wald is not None and fit.wald.df_denom is not None
        assert fit.to_frame().shape == (2, 7)
        assert "Satterthwaite" in fit.summary()


def test_cr2_with_singleton_clusters_equals_hc2_like_weights():
    """With one effect per cluster and a common-effect working model the CR2 SE is finite and positive."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = robust_random(Y[:8], V[:8], np.arange(8))
    assert fit.coefficients.se[0] > 0 and fit.coefficients.df[0] > 0
