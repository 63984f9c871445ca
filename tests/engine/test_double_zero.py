"""Double-zero studies as metafor treats them (issue #17): counted in k; ``--drop-double-zero`` drops
only their per-study effects (Q, study rows), while the MH risk difference keeps them in its
estimate and weights.

Reference values from R 4.2.2 / metafor 3.8.1 on the table below::

    ai <- c(2, 0, 5, 1, 0); n1i <- c(20, 15, 30, 25, 10)
    ci <- c(4, 0, 9, 3, 2); n2i <- c(20, 15, 30, 25, 10)
    rma.mh(ai=ai, n1i=n1i, ci=ci, n2i=n2i, measure=m)            # drop00 = TRUE (default)
    rma.mh(..., drop00=FALSE); rma.peto(ai=ai, n1i=n1i, ci=ci, n2i=n2i)
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec

TABLE = pd.DataFrame({"study": list("ABCDE"), "events1": [2, 0, 5, 1, 0], "n1": [20, 15, 30, 25, 10],
                      "events2": [4, 0, 9, 3, 2], "n2": [20, 15, 30, 25, 10]})

# measure, drop00 -> (k, estimate, QE, QE df)
METAFOR = {
    ("OR", True): (5, -0.9829173723755884, 0.4539002, 3), ("OR", False): (5, -0.9829173723755884, 0.687884, 4),
    ("RR", True): (5, -0.8109302162163288, 0.5785235, 3), ("RR", False): (5, -0.8109302162163288, 0.7482288, 4),
    ("RD", True): (5, -0.1, 0.5012123, 3), ("RD", False): (5, -0.1, 3.143793, 4),
}


def _run(**spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(TABLE, AnalysisSpec(**spec))


@pytest.mark.parametrize(("measure", "drop"), list(METAFOR))
def test_mantel_haenszel_as_rma_mh(measure, drop):
    k, est, q, df = METAFOR[(measure, drop)]
    b = _run(measure=measure, method="MH", mh_continuity="none", drop_double_zero=drop)
    assert b.pooled.k == k
    assert b.pooled.estimate == pytest.approx(est, abs=1e-12)
    assert b.heterogeneity.q == pytest.approx(q, abs=1e-6) and b.heterogeneity.q_df == df
    row = b.studies[1]  # the double-zero study: counted, its own effect dropped with drop00
    assert row.included and (row.yi is None) is drop


def test_mh_risk_difference_keeps_the_double_zero_study_in_its_weights():
    b = _run(measure="RD", method="MH", mh_continuity="none", drop_double_zero=True)
    # the dropped study has no effect of its own, but its MH weight pulls the estimate to -0.1
    assert b.studies[1].yi is None and b.studies[1].weight_percent == pytest.approx(100 * 7.5 / 50)
    kept = _run(measure="RD", method="MH", mh_continuity="none", drop_double_zero=False)
    assert b.pooled.estimate == kept.pooled.estimate == pytest.approx(-0.1, abs=1e-15)


def test_peto_counts_every_table():
    b = _run(measure="PETO")
    assert b.pooled.k == 5
    assert b.pooled.estimate == pytest.approx(-0.9176053545365552, abs=1e-12)
    assert b.heterogeneity.q == pytest.approx(0.8188461, abs=1e-6) and b.heterogeneity.q_df == 3
    assert b.heterogeneity.q_p == pytest.approx(0.8449542, abs=1e-6)


def test_inverse_variance_drops_the_double_zero_study():
    # rma.uni on escalc(..., drop00 = TRUE): the study has no outcome and is not counted
    b = _run(measure="OR", method="DL")
    assert b.pooled.k == 4 and not b.studies[1].included
