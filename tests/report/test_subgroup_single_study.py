"""A subgroup of one study has no heterogeneity to estimate: its row says so (RevMan: "Not applicable")
instead of showing Tau² 0, I² 0% and Chi² 0.00 (0), P = 1.00."""

from __future__ import annotations

import pandas as pd

from evisynth.api import analyze
from evisynth.report.tables import subgroup_table


def test_one_study_subgroup_row():
    data = pd.DataFrame({
        "study": ["A", "B", "C", "D"], "yi": [0.2, 0.4, 0.1, 0.9], "sei": [0.10, 0.15, 0.12, 0.20],
        "dose": ["low", "low", "low", "high"],
    })
    table = subgroup_table(analyze(data, measure="GEN", subgroup="dose"))
    rows = {row[0]: row for row in table.rows}
    assert rows["high"][1:] == ("1", rows["high"][2], rows["high"][3], "-", "-", "Not applicable")
    assert rows["high"][2].startswith("0.90")
    # Q by hand: weights 1/se² = 100, 44.4, 69.4 around their weighted mean 0.209 gives 2.45 on 2 df
    assert rows["low"][6] == "2.45 (2), 0.29"
