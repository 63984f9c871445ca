"""A small-study analysis that fails reports that part as failed and keeps the rest (issue #17)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evisynth.analyses import publication_bias as pb
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.errors import ConvergenceWarning, InputError

DATA = pd.DataFrame({"study": list("ABCDEFGH"), "yi": [0.1, 0.4, 0.3, 0.8, 0.5, 0.9, 0.2, 1.1],
                     "vi": [0.01, 0.02, 0.03, 0.08, 0.05, 0.1, 0.02, 0.2]})


def test_trim_and_fill_failure_keeps_the_other_tests(monkeypatch):
    def fail(*args, **kwargs):
        raise InputError("the trim-and-fill algorithm did not converge")

    monkeypatch.setattr(pb, "trim_and_fill", fail)
    with pytest.warns(ConvergenceWarning, match="trim-and-fill not computed"):
        b = run_analysis(DATA, AnalysisSpec(bias=True, sensitivity=True))
    bias = b.publication_bias
    assert bias.trim_and_fill is None and "did not converge" in bias.note
    assert bias.egger.p_value is not None and bias.begg.p_value is not None
    assert b.sensitivity is not None and len(b.sensitivity.leave_one_out) == 8
    assert b.to_dict()["publication_bias"]["trim_and_fill"] is None


@pytest.mark.parametrize("model", ["random", "fixed"])
def test_trim_and_fill_on_identical_effects_is_decided_by_the_data_not_rounding(model):
    # every residual is 0 in exact arithmetic: no study is trimmed, the side is metafor's default
    data = pd.DataFrame({"study": list("ABCDEF"), "yi": [0.3] * 6, "vi": [0.01, 0.02, 0.05, 0.08, 0.1, 0.2]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tf = run_analysis(data, AnalysisSpec(bias=True, model=model,
                                             method="REML" if model == "random" else "IV")).publication_bias
    assert tf is not None and tf.trim_and_fill is not None
    assert tf.trim_and_fill.k0 == 0 and tf.trim_and_fill.side == "left"
    assert tf.trim_and_fill.estimate == pytest.approx(0.3, abs=1e-12)
