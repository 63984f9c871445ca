"""Minimum Bayes factor for μ = 0 against brute force: adaptive quadrature over τ and a bounded search over μ."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize

from evisynth.models import bayes_priors as bp
from evisynth.models.bayes import fit_bayes


def marginal(mu: float, y: np.ndarray, s: np.ndarray, prior: bp.TauPrior) -> float:
    """p(y | μ) = ∫ p(τ) Π N(y_i; μ, σ_i² + τ²) dτ."""
    def f(t: float) -> float:
        v = s**2 + t**2
        return float(np.exp(prior.logpdf(np.array([[t]]), s[None, :])[0, 0]
                            - 0.5 * np.sum(np.log(2 * np.pi * v) + (y - mu) ** 2 / v)))
    upper = np.inf if prior.upper is None else float(prior.upper)
    return integrate.quad(f, 0, upper, epsabs=0, epsrel=1e-12, limit=200)[0]


@pytest.mark.parametrize(("prior", "y", "s"), [
    (bp.half_normal(0.5), [-2.31, -0.46, -2.30, -1.76, -1.26, -2.42], [0.60, 0.56, 0.88, 0.46, 0.64, 1.53]),
    (bp.half_cauchy(0.3), [0.1, 0.45], [0.2, 0.3]),
    (bp.uniform(2.0), [0.3, -0.1, 0.8, 0.2], [0.25, 0.3, 0.2, 0.4]),
], ids=["Crins half-normal", "k=2 half-Cauchy", "uniform"])
def test_min_bayes_factor_mu0(prior, y, s):
    y, s = np.array(y), np.array(s)
    fit = fit_bayes(y, s, prior, mu_prior=(0.0, 4.0))
    res = optimize.minimize_scalar(lambda m: -np.log(marginal(m, y, s, prior)), bounds=(y.min(), y.max()),
                                   method="bounded", options={"xatol": 1e-10})
    want = min(1.0, marginal(0.0, y, s, prior) / np.exp(-res.fun))
    assert fit.min_bayes_factor_mu0 == pytest.approx(want, rel=1e-6)
