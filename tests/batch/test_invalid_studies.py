"""A study with an infinite or NaN effect or variance (or a variance <= 0) in a batch is refused
with one InputError naming it and counting the others, or, with ``invalid="drop"``, left out and
counted in ``k_dropped``; it is never dropped silently (NaN in both arrays is padding)."""

import numpy as np
import pytest

from evisynth.batch import COLUMNS, batch_meta_analysis
from evisynth.errors import InputError
from evisynth.models.pool import pool
from evisynth.models.undefined import Undefined

Y = np.array([[0.1, 0.3, 0.2, 0.4], [0.5, -0.1, 0.2, np.nan], [0.3, 0.1, 0.2, 0.25]])
V = np.array([[0.01, 0.02, 0.015, 0.03], [0.04, 0.05, 0.03, np.nan], [0.02, 0.02, 0.01, 0.03]])


@pytest.mark.parametrize(("row", "col", "yv"), [(0, 1, (np.nan, 0.02)), (2, 3, (0.25, np.nan)),
                                                (0, 2, (np.inf, 0.015)), (2, 0, (0.3, np.inf)),
                                                (1, 0, (0.5, 0.0)), (1, 1, (-np.inf, -np.inf))])
def test_an_invalid_study_is_refused_by_default_naming_it(row, col, yv):
    y, v = Y.copy(), V.copy()
    y[row, col], v[row, col] = yv
    with pytest.raises(InputError) as err:
        batch_meta_analysis(y, v, method="DL", block_rows=2)
    text = str(err.value)
    assert f"meta-analysis {row} (0-based), study {col}" in text
    assert "1 such study in 1 meta-analysis" in text and "invalid='drop'" in text


def test_the_error_counts_every_invalid_study_and_names_the_first():
    y, v = Y.copy(), V.copy()
    v[2, 1] = np.nan
    y[0, 3] = np.inf
    v[2, 2] = -1.0
    with pytest.raises(InputError, match=r"meta-analysis 0 .0-based., study 3: .* \(3 such studies in 2 meta-analyses\)"):
        batch_meta_analysis(y, v, block_rows=1)


def test_drop_leaves_invalid_studies_out_and_counts_them():
    y, v = Y.copy(), V.copy()
    v[0, 1] = np.nan
    y[2, 3] = np.inf
    res = batch_meta_analysis(y, v, method="REML", test="hksj", invalid="drop", heterogeneity_ci=True)
    assert res["k"].tolist() == [3, 3, 3]
    assert res["k_dropped"].tolist() == [1, 0, 1]
    for i in range(3):
        keep = np.isfinite(y[i]) & np.isfinite(v[i])
        one = pool(y[i][keep], v[i][keep], test="hksj")
        for name in COLUMNS:
            a, b = res[name][i], getattr(one, name)
            if name == "undefined":
                assert int(a) == int(b)
                continue
            assert a == pytest.approx(b, rel=1e-10, abs=1e-10, nan_ok=True), (i, name)


def test_drop_keeps_a_meta_analysis_left_without_studies_as_missing():
    y, v = Y.copy(), V.copy()
    v[1, :3] = np.inf
    res = batch_meta_analysis(y, v, method="DL", invalid="drop", block_rows=2)
    assert res["k"].tolist() == [4, 0, 4] and res["k_dropped"].tolist() == [0, 3, 0]
    assert np.isnan(res["estimate"][1]) and res["undefined"][1] == Undefined.TOO_FEW_STUDIES
    assert np.isfinite(res["estimate"][[0, 2]]).all()
    with pytest.raises(InputError, match="meta-analysis 1"):
        batch_meta_analysis(y, v, method="DL")


def test_with_a_mask_only_present_studies_are_checked():
    y, v = Y.copy(), V.copy()
    mask = np.isfinite(y) & np.isfinite(v)
    v[0, 1] = np.nan
    mask[0, 1] = False
    res = batch_meta_analysis(y, v, mask, method="DL")
    assert res["k"].tolist() == [3, 3, 4]
    mask[0, 1] = True
    with pytest.raises(InputError, match=r"meta-analysis 0 .0-based., study 1"):
        batch_meta_analysis(y, v, mask, method="DL")


def test_invalid_option_is_validated():
    with pytest.raises(InputError, match="invalid must be one of raise, drop"):
        batch_meta_analysis(Y, V, invalid="ignore")
