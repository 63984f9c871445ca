"""RevMan 5's "M-H, Random" analysis (method MH, model random), checked by hand.

RevMan's stored results of real reviews are reproduced by tests/revman (fixture.rm5, outcomes 2.1
and 2.2 from a Cochrane review's M-H random-effects analyses, to 1e-12).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec

DATA = pd.DataFrame({"study": list("ABCDE"), "events1": [4, 9, 2, 15, 7], "n1": [40, 60, 25, 80, 50],
                     "events2": [10, 12, 8, 14, 15], "n2": [40, 60, 25, 80, 50]})


def _run(**spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(DATA, AnalysisSpec(**spec))


@pytest.mark.parametrize("measure", ["OR", "RR", "RD"])
def test_dersimonian_laird_around_the_mantel_haenszel_estimate(measure):
    fixed = _run(measure=measure, method="MH")
    rand = _run(measure=measure, method="MH", model="random")
    y = np.array([s.yi for s in fixed.studies])
    v = np.array([s.vi for s in fixed.studies])
    w = 1 / v
    q = float(np.sum(w * (y - fixed.pooled.estimate) ** 2))  # centred on the M-H estimate
    assert rand.heterogeneity.q == pytest.approx(q, rel=1e-12) == fixed.heterogeneity.q
    tau2 = max(0.0, (q - 4) / (w.sum() - (w**2).sum() / w.sum()))
    ws = 1 / (v + tau2)
    est = float((ws * y).sum() / ws.sum())
    assert rand.heterogeneity.tau2 == pytest.approx(tau2, rel=1e-12, abs=1e-15)
    assert rand.pooled.estimate == pytest.approx(est, rel=1e-12)
    assert rand.pooled.se == pytest.approx(ws.sum() ** -0.5, rel=1e-12)
    assert [s.weight_percent for s in rand.studies] == pytest.approx(list(100 * ws / ws.sum()), rel=1e-12)
    assert rand.pooled.model == "random" and rand.pooled.method == "MH"
    assert rand.pooled.analysis_label() == "M-H, Random, 95% CI"
    assert "Tau²" in rand.text["heterogeneity"]


def test_peto_and_iv_stay_common_effect_methods():
    from evisynth.errors import InputError

    for method in ("PETO", "IV"):
        with pytest.raises(InputError, match="common-effect"):
            AnalysisSpec(method=method, model="random").resolved()
