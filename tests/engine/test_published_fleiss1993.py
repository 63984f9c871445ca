"""Fleiss (1993) aspirin after myocardial infarction, 7 trials: RevMan 5's stored results.

Source: Fleiss JL (1993), The statistical basis of meta-analysis, Stat Methods Med Res 2:121-145,
Table 1 (deaths / patients, aspirin vs placebo); RevMan 5 analysis "Odds Ratio (M-H, Fixed,
95% CI)" as stored in the Fleiss1993.rm5 file distributed with R package meta (inst/extdata):
Chi² = 9.946055983220074, df = 6, I² = 40%; MRC-1 row 0.72 [0.49, 1.06], ISIS-2 weight 72.9%;
test for overall effect Z = 3.29 (P = 0.001). METHODS.md §1.5 and §1.11.
"""

import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec

ROWS = [
    ("MRC-1", 49, 615, 67, 624),
    ("CDP", 44, 758, 64, 771),
    ("MRC-2", 102, 832, 126, 850),
    ("GASP", 32, 317, 38, 309),
    ("PARIS", 85, 810, 52, 406),
    ("AMIS", 246, 2267, 219, 2257),
    ("ISIS-2", 1570, 8587, 1720, 8600),
]


@pytest.fixture
def fleiss(tmp_path):
    path = tmp_path / "fleiss1993.csv"
    path.write_text("study,events1,n1,events2,n2\n" + "\n".join(",".join(map(str, r)) for r in ROWS) + "\n")
    return path


def test_mh_odds_ratio_matches_revman(fleiss):
    doc = run_analysis(fleiss, AnalysisSpec(measure="OR", method="MH")).to_dict()
    assert doc["heterogeneity"]["q"] == pytest.approx(9.946055983220074, abs=1e-12)
    assert doc["heterogeneity"]["q_df"] == 6
    assert doc["text"]["heterogeneity"] == "Heterogeneity: Chi² = 9.95, df = 6 (P = 0.13); I² = 40%"
    assert doc["text"]["overall_effect"] == "Test for overall effect: Z = 3.29 (P = 0.001)"
    mrc1 = doc["studies"][0]
    assert (round(mrc1["yi_exp"], 2), round(mrc1["ci_lower_exp"], 2), round(mrc1["ci_upper_exp"], 2)) == (0.72, 0.49, 1.06)
    assert round(doc["studies"][-1]["weight_percent"], 1) == 72.9
    # metafor 3.8.1 rma.mh(measure="OR"): beta and se
    assert doc["pooled"]["estimate"] == pytest.approx(-0.10884930450701499, abs=1e-12)
    assert doc["pooled"]["se"] == pytest.approx(0.03310871452993482, abs=1e-12)
