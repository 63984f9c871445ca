"""Mantel-Haenszel keeps zero-cell tables in its sums even when they get no continuity correction.

Reference: metafor 3.8.1, rma.mh(measure="OR", add=c(0, 0), to=c("only0", "none"),
drop00=c(TRUE, TRUE)) on tests/reference/data/binary_zero_cells.csv (10 trials, one
double-zero): k = 9 tables, log OR = -0.6952757484322533, SE = 0.1731126748190662,
Q = 3.7297988799074906 over the 7 trials with a finite log OR.
"""

from pathlib import Path

import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec

DATA = Path(__file__).resolve().parents[1] / "reference" / "data" / "binary_zero_cells.csv"


@pytest.mark.parametrize("mh_continuity", ["none", "revman"])
def test_mh_without_continuity_uses_every_table(mh_continuity):
    spec = AnalysisSpec(measure="OR", method="MH", continuity=0.0, mh_continuity=mh_continuity)
    doc = run_analysis(str(DATA), spec).to_dict()
    pooled, het = doc["pooled"], doc["heterogeneity"]
    assert pooled["k"] == 10  # every table counts in k, the double-zero one too (metafor's rma.mh)
    assert pooled["estimate"] == pytest.approx(-0.6952757484322533, abs=1e-12)
    assert pooled["se"] == pytest.approx(0.1731126748190662, abs=1e-12)
    assert het["q"] == pytest.approx(3.7297988799074906, abs=1e-10)
    assert het["q_df"] == 6
