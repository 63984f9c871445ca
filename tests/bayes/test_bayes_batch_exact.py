"""A batch of Bayesian fits equals one fit at a time to 1e-12 (every summary, shortest intervals included)."""

from __future__ import annotations

import numpy as np
import pytest

from evisynth.models import bayes_priors as bp
from evisynth.models.bayes import SUMMARY_FIELDS, fit_bayes, fit_bayes_batch


@pytest.mark.parametrize(("prior", "mu_prior"), [(bp.half_normal(0.5), (0.0, 4.0)), (bp.half_cauchy(0.3), None),
                                                 (bp.rhodes_prior(), None)], ids=["half-normal", "half-Cauchy", "Rhodes"])
def test_batch_equals_single_fits(prior, mu_prior):
    rng = np.random.default_rng(11)
    y = rng.normal(0.2, 0.4, (6, 4))
    s = rng.uniform(0.1, 0.6, (6, 4))
    y[0] = 0.25  # identical effects: tau's posterior is highest near 0
    batch = fit_bayes_batch(y, s, prior, mu_prior=mu_prior)
    for b in range(y.shape[0]):
        one = fit_bayes(y[b], s[b], prior, mu_prior=mu_prior)
        for kind in ("mu", "tau", "prediction"):
            for f in SUMMARY_FIELDS:
                got, want = batch.summaries[kind][f][b], getattr(getattr(one, kind), f)
                if want is None:
                    assert np.isnan(got)
                else:
                    assert got == pytest.approx(want, abs=1e-12, rel=1e-12), (b, kind, f)
        for f in ("median", "shortest_lower", "shortest_upper"):
            assert batch.shrinkage[f][b] == pytest.approx([getattr(x, f) for x in one.shrinkage], abs=1e-12, rel=1e-12)
