"""A single study under HKSJ: metafor falls back to the z test (no df for t), SE unscaled.

Reference: metafor 3.8.1, rma(yi, vi, test="knha") with k = 1 warns "Setting argument
test='z' since k=1" and reports the study itself: estimate = yi, se = sqrt(vi), z-based CI.
"""

import math

import numpy as np
import pytest

from evisynth.models.pool import pool


@pytest.mark.parametrize("test", ["hksj", "hksj-adhoc"])
def test_single_study_uses_z(test):
    with np.errstate(invalid="ignore", divide="ignore"):  # the tau² estimators divide by k - 1 = 0
        r = pool([-14.2], [4.485725508023572**2], method="REML", test=test)
    assert r.estimate == pytest.approx(-14.2)
    assert r.se == pytest.approx(4.485725508023572, abs=1e-12)
    assert math.isnan(r.df)
    assert r.statistic == pytest.approx(-3.165597175886177, abs=1e-12)
    assert r.p_value == pytest.approx(0.00154764956940198, abs=1e-12)
    assert r.ci_lower == pytest.approx(-22.991860440258844, abs=1e-9)
    assert r.ci_upper == pytest.approx(-5.408139559741169, abs=1e-9)
