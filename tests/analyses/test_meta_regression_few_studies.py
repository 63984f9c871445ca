"""Meta-regression with fewer than 10 studies per moderator term warns (Cochrane Handbook 10.11.5.1)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from evisynth.api import analyze
from evisynth.errors import FewStudiesWarning


def _table(k: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    dose = np.linspace(0.5, 3.0, k)
    return pd.DataFrame({"study": [f"S{i}" for i in range(k)], "yi": 0.1 + 0.2 * dose + rng.normal(0, 0.1, k),
                         "sei": np.full(k, 0.15), "dose": dose})


def test_five_studies_warn_and_still_fit():
    with pytest.warns(FewStudiesWarning, match="meta-regression of 5 studies on 1 moderator term"):
        result = analyze(_table(5), measure="GEN", moderators=("dose",))
    assert result.meta_regression is not None and result.meta_regression.k == 5
    assert any("Cochrane Handbook 10.11.5.1" in w for w in result.warnings)


def test_ten_studies_per_term_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", FewStudiesWarning)
        result = analyze(_table(12), measure="GEN", moderators=("dose",), bias=False)
    assert not any("meta-regression of" in w for w in result.warnings)
