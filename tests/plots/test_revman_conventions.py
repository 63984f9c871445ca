"""RevMan's display conventions, checked on the layout objects: Peto study rows, arm data as entered,
no ``-0.00``, and a forest axis that fits the data with RevMan's "nice" limits."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evisynth import format as fmt
from evisynth.plots.forest import forest_layout
from figdata import analyse

# -- Peto: the study row is (O - E)/V without a continuity correction (RevMan) -------------------------------

PETO = pd.DataFrame({"study": ["Zero 2001", "Both 2005", "More 2010"], "events1": [0, 3, 6],
                     "n1": [25, 30, 40], "events2": [5, 8, 9], "n2": [25, 31, 40]})


def _peto_by_hand(a: int, n1: int, c: int, n2: int) -> tuple[float, float]:
    """(O - E)/V and 1/V of one 2x2 table (Yusuf et al. 1985), with no correction."""
    n = n1 + n2
    expected = (a + c) * n1 / n
    v = (a + c) * (n - a - c) * n1 * n2 / (n**2 * (n - 1))
    return (a - expected) / v, 1 / v


def test_peto_zero_cell_row_is_uncorrected():
    bundle = analyse(PETO, measure="PETO", method="PETO")
    zero = bundle.studies[0]
    # by hand: N = 50, E = 5 * 25 / 50 = 2.5, V = 5 * 45 * 25 * 25 / (50² * 49) = 1.1479592
    v = 5 * 45 * 25 * 25 / (2500 * 49)
    assert v == pytest.approx(1.1479591836734695, rel=1e-15)
    assert zero.yi == pytest.approx(-2.5 / v, rel=1e-12) == pytest.approx(-2.1777777777777776, rel=1e-12)
    assert zero.vi == pytest.approx(1 / v, rel=1e-12)
    for study, (a, n1, c, n2) in zip(bundle.studies, PETO[["events1", "n1", "events2", "n2"]].itertuples(
            index=False), strict=True):
        yi, vi = _peto_by_hand(a, n1, c, n2)
        assert (study.yi, study.vi) == (pytest.approx(yi, rel=1e-12), pytest.approx(vi, rel=1e-12))
    z = 1.959963984540054
    row = next(r for r in forest_layout(bundle).rows if r.label == "Zero 2001")
    text = fmt.format_effect_ci(math.exp(-2.5 / v), math.exp(-2.5 / v - z / math.sqrt(v)),
                                math.exp(-2.5 / v + z / math.sqrt(v)))
    assert row.cells["effect"] == text == "0.11 [0.02, 0.71]"  # with 0.5 added to each cell: 0.16 [0.03, 0.87]
    assert not zero.note  # nothing was added to its cells
    # the pooled Peto OR is sum(O - E) / sum(V): the inverse-variance pool of the uncorrected rows
    o_e = sum(yi / vi for yi, vi in (_peto_by_hand(*r) for r in PETO[["events1", "n1", "events2", "n2"]].itertuples(
        index=False)))
    total_v = sum(1 / vi for _, vi in (_peto_by_hand(*r) for r in PETO[["events1", "n1", "events2", "n2"]].itertuples(
        index=False)))
    assert bundle.pooled.estimate == pytest.approx(o_e / total_v, rel=1e-12)
    assert analyse(PETO, measure="PETO", method="IV").pooled.estimate == pytest.approx(o_e / total_v, rel=1e-12)


def test_other_ratio_measures_keep_the_continuity_correction():
    bundle = analyse(PETO, measure="OR", method="MH")
    assert bundle.studies[0].yi == pytest.approx(math.log(0.5 * 20.5 / (25.5 * 5.5)), rel=1e-12)
    assert "0.5 added" in (bundle.studies[0].note or "")
