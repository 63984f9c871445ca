"""Duplicated study labels (issue #17): accepted with a named warning and made unique as RevMan does;
refused where a label is a key (risk-of-bias judgements)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.errors import DuplicateLabelWarning, InputError
from evisynth.io.tabular import read_study_table, unique_labels

TABLE = pd.DataFrame({"study": ["Guckin 1992", "Smith", "Guckin 1992", "Smith", "Guckin 1992a"],
                      "yi": [0.1, 0.3, 0.2, 0.4, 0.0], "vi": [0.02, 0.04, 0.03, 0.05, 0.02]})


def test_labels_made_unique_with_a_named_warning():
    with pytest.warns(DuplicateLabelWarning, match="'Guckin 1992' appears in rows 1, 3"):
        table = read_study_table(TABLE)
    # a label ending in a digit gets a letter; another gets "(a)"; an existing label is skipped
    assert table.study == ("Guckin 1992b", "Smith (a)", "Guckin 1992c", "Smith (b)", "Guckin 1992a")
    assert table.original_labels == ("Guckin 1992", "Smith", "Guckin 1992", "Smith", "")
    assert "appears 2 times (rows 1, 3)" in table.derived[0] and table.derived[4] == ""


def test_analysis_uses_every_row_and_shows_the_unique_labels():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = run_analysis(TABLE)
    assert b.pooled.k == 5
    assert [s.study for s in b.studies][:3] == ["Guckin 1992b", "Smith (a)", "Guckin 1992c"]
    assert any("DuplicateLabelWarning" in w for w in b.warnings)
    assert "shown as 'Guckin 1992b'" in (b.studies[0].note or "")


def test_unique_labels_keeps_unique_tables_untouched():
    assert unique_labels(["A", "B"]) == (["A", "B"], ["", ""])


def test_risk_of_bias_keys_refuse_duplicated_labels(tmp_path):
    from evisynth.review.runner import run_review

    (tmp_path / "pain.csv").write_text("study,yi,vi\nSmith 2001,0.1,0.02\nSmith 2001,0.2,0.03\nJones 2003,0.3,0.02\n",
                                       encoding="utf-8")
    (tmp_path / "rob.csv").write_text("study,D1,D2,D3,D4,D5,overall\nSmith 2001,low,low,low,low,low,low\n"
                                      "Jones 2003,low,low,low,low,low,low\n", encoding="utf-8")
    (tmp_path / "review.toml").write_text(
        '[review]\ntitle = "T"\npopulation = "P"\nintervention = "I"\ncomparison = "C"\nrisk_of_bias = "rob.csv"\n'
        '[[outcomes]]\nname = "Pain"\ndata = "pain.csv"\n', encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError, match="'Smith 2001' appears in rows 1, 2; risk-of-bias judgements are linked"):
            run_review(tmp_path / "review.toml")
