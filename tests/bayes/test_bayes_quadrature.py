"""The Bayesian fit against brute-force two-dimensional quadrature of the joint posterior p(μ, τ | y).

``scipy.integrate.nquad`` integrates the unnormalised joint density prior(μ) · prior(τ) · Π N(y_i;
μ, σ_i² + τ²) directly (no analytic step), for moments, tail probabilities, the predictive
distribution, a shrinkage estimate and the marginal likelihoods behind the Bayes factors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from evisynth.models import bayes_priors as bp
from evisynth.models.bayes import fit_bayes

Y = np.array([0.32, -0.05, 0.61, 0.18])
S = np.array([0.21, 0.30, 0.25, 0.40])
OPTS = {"epsabs": 0.0, "epsrel": 1e-9, "limit": 100}

CASES = [
    ("half-normal, normal mu", bp.half_normal(0.5), lambda t: stats.halfnorm.pdf(t, scale=0.5), (0.0, 2.0)),
    ("half-Cauchy, uniform mu", bp.half_cauchy(0.3), lambda t: stats.halfcauchy.pdf(t, scale=0.3), None),
    ("Turner log-normal, normal mu", bp.turner_prior("pain", "non-pharmacological vs placebo"),
     lambda t: stats.lognorm.pdf(t, s=1.71 / 2, scale=math.exp(-2.05 / 2)), (0.0, 1.0)),  # Table IV: LN(-2.05, 1.71²)
    ("Rhodes log-t, uniform mu", bp.rhodes_prior(), lambda t: stats.t.pdf((math.log(t) - -1.72) / 1.295, 5) /
     (1.295 * t) if t > 0 else 0.0, None),
    ("Jeffreys, uniform mu", bp.jeffreys(), lambda t: math.sqrt(np.sum((t / (S**2 + t**2)) ** 2)), None),
    ("uniform(0, 2), uniform mu", bp.uniform(2.0), lambda t: 0.5 if t <= 2 else 0.0, None),
]


def brute(prior_pdf, mu_prior, f, mu_lim=(-30.0, 30.0), tau_lim=(0.0, np.inf)):
    def joint(mu, tau):
        p = prior_pdf(tau) * np.prod(stats.norm.pdf(Y, mu, np.sqrt(S**2 + tau**2)))
        return p * (stats.norm.pdf(mu, *mu_prior) if mu_prior else 1.0)

    return integrate.nquad(lambda mu, tau: f(mu, tau) * joint(mu, tau), [mu_lim, tau_lim], opts=[OPTS, OPTS])[0]


TWO_D = CASES[:1]  # ~40 s each: the other priors are checked in one dimension below


@pytest.mark.slow  # 2-D scipy quadrature over the joint posterior takes about 30 s
@pytest.mark.parametrize(("name", "prior", "pdf", "mu_prior"), TWO_D, ids=[c[0] for c in TWO_D])
def test_against_brute_force(name, prior, pdf, mu_prior):
    fit = fit_bayes(Y, S, prior, mu_prior=mu_prior)
    tau_lim = (0.0, 2.0) if name.startswith("uniform(") else (0.0, np.inf)
    z = brute(pdf, mu_prior, lambda m, t: 1.0, tau_lim=tau_lim)

    def e(f):
        return brute(pdf, mu_prior, f, tau_lim=tau_lim) / z

    mu_mean, tau_mean = e(lambda m, t: m), e(lambda m, t: t)
    mu2, tau2 = e(lambda m, t: m * m), e(lambda m, t: t * t)
    assert fit.mu.mean == pytest.approx(mu_mean, abs=1e-7)
    assert fit.mu.sd == pytest.approx(math.sqrt(mu2 - mu_mean**2), abs=1e-7)
    assert fit.tau.mean == pytest.approx(tau_mean, abs=1e-7)
    assert fit.tau.sd == pytest.approx(math.sqrt(tau2 - tau_mean**2), abs=1e-7)
    # the predictive distribution (μ + u, u ~ N(0, τ²)) and the first study's shrinkage estimate
    assert fit.prediction.sd == pytest.approx(math.sqrt(mu2 + tau2 - mu_mean**2), abs=1e-7)
    s2 = S[0] ** 2
    shrink_mean = e(lambda m, t: (s2 * m + t * t * Y[0]) / (s2 + t * t))
    assert fit.shrinkage[0].mean == pytest.approx(shrink_mean, abs=1e-7)
    # medians through the distribution functions: integrate up to them
    below_mu = brute(pdf, mu_prior, lambda m, t: 1.0, mu_lim=(-30.0, fit.mu.median), tau_lim=tau_lim) / z
    assert below_mu == pytest.approx(0.5, abs=1e-7)
    below_tau = brute(pdf, mu_prior, lambda m, t: 1.0, tau_lim=(0.0, fit.tau.median)) / z
    assert below_tau == pytest.approx(0.5, abs=1e-7)
    if mu_prior is not None and prior.proper:
        # Bayes factors: marginal likelihood ratios
        ml0 = integrate.quad(lambda m: stats.norm.pdf(m, *mu_prior) * np.prod(stats.norm.pdf(Y, m, S)), -4, 5,
                             epsrel=1e-12)[0]
        assert fit.bayes_factor_tau0 == pytest.approx(ml0 / z, rel=1e-6)
        mlmu = integrate.quad(lambda t: pdf(t) * np.prod(stats.norm.pdf(Y, 0.0, np.sqrt(S**2 + t**2))), 0, np.inf,
                              epsrel=1e-12)[0]
        assert fit.bayes_factor_mu0 == pytest.approx(mlmu / z, rel=1e-6)


def test_shortest_intervals_have_equal_densities_and_the_level():
    fit = fit_bayes(Y, S, bp.half_cauchy(0.3))
    mu = fit.mu
    assert fit.prob_mu_below(mu.shortest_upper) - fit.prob_mu_below(mu.shortest_lower) == pytest.approx(0.95, abs=1e-8)
    post = fit.batch.posterior
    from evisynth.models._bayes_quad import mix_pdf

    a, c = post.mixture("mu")
    d = mix_pdf(post.grid.pi, a, c, np.array([[mu.shortest_lower, mu.shortest_upper]]))[0]
    assert d[0] == pytest.approx(d[1], rel=1e-8)
    width = mu.shortest_upper - mu.shortest_lower
    assert width < mu.ci_upper - mu.ci_lower


def _one_d(pdf, mu_prior, g, upper=np.inf):
    """∫ p(τ) p(y|τ) g(E(μ|τ,y), Var(μ|τ,y), τ) dτ with μ integrated analytically (adaptive quad)."""
    def parts(t):
        w = 1 / (S**2 + t * t)
        if mu_prior is not None:
            w0 = 1 / mu_prior[1] ** 2
            W, m = w.sum() + w0, ((w * Y).sum() + w0 * mu_prior[0]) / (w.sum() + w0)
            q = (w * (Y - m) ** 2).sum() + w0 * (mu_prior[0] - m) ** 2
        else:
            W, m = w.sum(), (w * Y).sum() / w.sum()
            q = (w * (Y - m) ** 2).sum()
        return pdf(t) * np.prod(np.sqrt(w)) * math.exp(-0.5 * q) / math.sqrt(W), m, 1 / W

    return integrate.quad(lambda t: parts(t)[0] * g(*parts(t)[1:], t), 0, upper, epsabs=0, epsrel=1e-12,
                          limit=500)[0]


@pytest.mark.parametrize(("name", "prior", "pdf", "mu_prior"), CASES, ids=[c[0] for c in CASES])
def test_against_one_dimensional_adaptive_quadrature(name, prior, pdf, mu_prior):
    """Heavy-tailed posteriors (half-Cauchy, log-t, Jeffreys with a uniform μ prior): the nested 2-D rule
    of ``nquad`` loses ~1e-5 in their tails, so every case is also checked against QUADPACK on the
    τ integral of the analytically μ-integrated posterior (independent of the double-exponential rule)."""
    fit = fit_bayes(Y, S, prior, mu_prior=mu_prior)
    upper = 2.0 if name.startswith("uniform(") else np.inf
    z = _one_d(pdf, mu_prior, lambda m, v, t: 1.0, upper)

    def e(g):
        return _one_d(pdf, mu_prior, g, upper) / z

    # the log-t prior puts mass at log τ → -∞ (density ~ 1/(τ |log τ|⁶) near 0): both rules agree to 1e-6 there
    tol = 1e-6 if name.startswith("Rhodes") else 1e-8
    m1, m2 = e(lambda m, v, t: m), e(lambda m, v, t: m * m + v)
    t1, t2 = e(lambda m, v, t: t), e(lambda m, v, t: t * t)
    assert fit.mu.mean == pytest.approx(m1, abs=tol)
    assert fit.mu.sd == pytest.approx(math.sqrt(m2 - m1 * m1), abs=tol)
    assert fit.tau.mean == pytest.approx(t1, abs=tol)
    assert fit.tau.sd == pytest.approx(math.sqrt(t2 - t1 * t1), abs=tol)
    assert fit.prediction.sd == pytest.approx(math.sqrt(m2 + t2 - m1 * m1), abs=tol)
    for q, p in ((fit.mu.median, 0.5), (fit.mu.ci_lower, 0.025), (fit.mu.shortest_upper, None)):
        expect = e(lambda m, v, t, q=q: stats.norm.cdf((q - m) / math.sqrt(v)))
        assert fit.prob_mu_below(q) == pytest.approx(expect, abs=tol)
        if p is not None:
            assert expect == pytest.approx(p, abs=tol)
    below = _one_d(pdf, mu_prior, lambda m, v, t: 1.0, fit.tau.median) / z
    assert below == pytest.approx(0.5, abs=tol)
