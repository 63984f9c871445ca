"""Röver (2020), J Stat Softw 93(6), Section 3 (doi:10.18637/jss.v093.i06): the Crins et al. (2014)
example - six trials of IL-2 receptor antagonists in paediatric liver transplantation, log odds
ratios of acute rejection (Table 3, p. 20), half-normal prior with scale 0.5 for τ and N(0, 4²)
for μ (p. 20-21).

The τ figures are bayesmeta's quadrature and agree to 1e-6. bayesmeta approximates the μ
mixture by a discrete grid in τ (Röver & Friede 2017, "DIRECT", with a divergence bound δ = 1%),
so its μ figures carry errors of ~1e-4 (its two printings of the same fit, p. 22 and p. 23,
differ by 1e-4 in the μ interval); ours agree with brute-force two-dimensional quadrature
(below, and ``test_bayes_quadrature.py``) to 1e-12 and with the printed μ figures to 2e-4.
"""

from __future__ import annotations

import numpy as np
import pytest

from evisynth.models.bayes import fit_bayes
from evisynth.models.bayes_priors import half_normal

# Table 3, p. 20: events/total in the IL-2RA and control groups
COUNTS = np.array([(14, 61, 15, 20), (16, 28, 19, 28), (3, 18, 8, 12), (9, 54, 29, 54), (4, 36, 11, 36),
                   (0, 50, 3, 34)], dtype=float)


def crins():
    a, n1, c, n2 = COUNTS.T
    b, d = n1 - a, n2 - c
    cc = np.where((a == 0) | (b == 0) | (c == 0) | (d == 0), 0.5, 0.0)  # escalc's default for the zero cell
    a, b, c, d = a + cc, b + cc, c + cc, d + cc
    return np.log(a * d / (b * c)), np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


@pytest.fixture(scope="module")
def ma01():
    y, s = crins()
    # Table 3's rounded values
    np.testing.assert_allclose(np.round(y, 2), [-2.31, -0.46, -2.30, -1.76, -1.26, -2.42])
    np.testing.assert_allclose(np.round(s, 2), [0.60, 0.56, 0.88, 0.46, 0.64, 1.53])
    return fit_bayes(y, s, half_normal(0.5), mu_prior=(0.0, 4.0))


def test_tau_summary_p23(ma01):
    t = ma01.tau  # `ma01$summary`, p. 23
    assert t.median == pytest.approx(0.3445023, abs=1e-6)
    assert t.mean == pytest.approx(0.3810562, abs=1e-6)
    assert t.sd == pytest.approx(0.2593672, abs=1e-6)
    assert t.shortest_lower == 0.0
    assert t.shortest_upper == pytest.approx(0.8607193, abs=1e-6)
    assert t.mode == pytest.approx(0.2453139, abs=2e-6)  # "MAP marginal", p. 21


def test_tau_probabilities_and_quantiles_p25_p27(ma01):
    assert 1 - ma01.prob_tau_below(1.0) == pytest.approx(0.02097488, abs=1e-8)  # p. 25
    assert ma01.tau_quantile(0.99) == pytest.approx(1.109186, abs=1e-6)  # p. 25
    assert ma01.tau_quantile(0.005) == pytest.approx(0.003547657, abs=1e-9)  # p. 27
    assert ma01.tau_quantile(0.995) == pytest.approx(1.205400562, abs=1e-9)  # p. 27


def test_mu_and_prediction_p23(ma01):
    m, p = ma01.mu, ma01.prediction
    assert m.median == pytest.approx(-1.5734819, abs=2e-5)
    assert m.mean == pytest.approx(-1.5764365, abs=2e-5)
    assert m.sd == pytest.approx(0.3295301, abs=2e-4)
    assert m.shortest_lower == pytest.approx(-2.2311251, abs=6e-4)
    assert m.shortest_upper == pytest.approx(-0.9263075, abs=6e-4)
    assert p.median == pytest.approx(-1.5701653, abs=2e-4)
    assert p.mean == pytest.approx(-1.5764365, abs=2e-5)
    assert p.sd == pytest.approx(0.5671855, abs=1e-3)
    assert p.shortest_lower == pytest.approx(-2.7661319, abs=2e-3)
    assert p.shortest_upper == pytest.approx(-0.4072970, abs=2e-3)


def test_shrinkage_first_two_studies_p27_p28(ma01):
    first, second = ma01.shrinkage[:2]
    assert first.median == pytest.approx(-1.7411356, abs=1e-3)
    assert first.mean == pytest.approx(-1.7778965, abs=5e-4)
    assert first.sd == pytest.approx(0.4229425, abs=5e-4)
    assert first.shortest_lower == pytest.approx(-2.6561049, abs=1e-3)
    assert first.shortest_upper == pytest.approx(-0.9920023, abs=1e-3)
    assert second.median == pytest.approx(-1.2821722, abs=1e-3)
    assert second.mean == pytest.approx(-1.2339736, abs=5e-4)


def test_mu_tail_probability_p25(ma01):
    # printed 6.187343e-05 (bayesmeta's grid approximation); exact value 6.0126897e-05 by brute force
    assert 1 - ma01.prob_mu_below(0.0) == pytest.approx(6.0126897e-05, rel=1e-6)
    assert 1 - ma01.prob_mu_below(0.0) == pytest.approx(6.187343e-05, rel=0.05)
