"""A saved analysis draws the same figures: ``AnalysisBundle.from_dict(bundle.to_dict())`` gives the same layouts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.plots.baujat import baujat_layout
from evisynth.plots.bubble import bubble_layout
from evisynth.plots.forest import forest_layout
from evisynth.plots.funnel import funnel_layout
from evisynth.plots.radial import radial_layout
from evisynth.plots.sensitivity_plots import cumulative_layout, leave_one_out_layout
from figdata import SAMPLES, analyse, continuous_frame

FOREST_OPTIONS = [{}, {"prediction": True}, {"prediction": True, "prediction_type": "z"},
                  {"sort_by": "effect", "descending": True}, {"sort_by": "weight"}]


def _layouts(bundle: AnalysisBundle) -> dict[str, object]:
    out: dict[str, object] = {f"forest {o}": forest_layout(bundle, **o) for o in FOREST_OPTIONS}
    out["funnel"] = funnel_layout(bundle)
    out["radial"] = radial_layout(bundle)
    if bundle.sensitivity is not None:
        out["leave_one_out"] = leave_one_out_layout(bundle)
        out["cumulative"] = cumulative_layout(bundle)
    if bundle.figures.baujat is not None:
        out["baujat"] = baujat_layout(bundle.figures.baujat)
    for fit in bundle.figures.bubbles:
        out[f"bubble {fit.moderator}"] = bubble_layout(bundle, fit)
    return out


@pytest.fixture(scope="module", params=["continuous", "odds_ratio", "mantel_haenszel", "hksj_common"])
def full_bundle(request) -> AnalysisBundle:
    """An analysis with every section a figure reads: subgroups, moderators, bias tests and sensitivity."""
    if request.param == "continuous":
        return analyse(continuous_frame(18, subgroups=True), subgroup="dose", moderators=("year", "dose"),
                       bias=True, sensitivity=True, order="year")
    if request.param == "odds_ratio":
        return analyse(pd.read_csv(SAMPLES / "binary.csv"), measure="OR", subgroup="risk", moderators=("risk",),
                       bias=True, sensitivity=True, level=0.9)
    if request.param == "mantel_haenszel":
        return analyse(pd.read_csv(SAMPLES / "binary.csv"), measure="RR", method="MH", bias=True, sensitivity=True)
    return analyse(continuous_frame(12, seed=4, subgroups=True), measure="SMD", subgroup="dose",
                   subgroup_model="common", test="hksj", moderators=("year",), sensitivity=True)


@pytest.mark.parametrize("through_json", [False, True], ids=["dict", "json"])
def test_read_back_bundle_gives_the_same_layouts(full_bundle, through_json):
    doc = full_bundle.to_dict()
    if through_json:
        doc = json.loads(json.dumps(doc))
    back = AnalysisBundle.from_dict(doc)
    assert back.effects is None  # nothing but the document was read
    original, read_back = _layouts(full_bundle), _layouts(back)
    assert read_back.keys() == original.keys()
    assert {"funnel", "radial", "leave_one_out", "cumulative", "baujat"} <= original.keys()
    assert sum(name.startswith("bubble") for name in original) == len(full_bundle.spec.moderators)
    for name, layout in original.items():
        assert read_back[name] == layout, name
