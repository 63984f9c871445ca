"""Scatter figures place their texts without overlap: checked on the layout objects (no drawing).

Baujat and bubble labels overlap no other label and no marker and stay inside the axes; every
study that stands out is labelled; captions break between clauses, never inside one; the funnel
legend sits under the axes instead of taking a third of the width.
"""

from __future__ import annotations

import itertools
import warnings

import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.examples.data import example_path
from evisynth.io.tabular import read_study_table
from evisynth.plots._layout import ScatterLayout
from evisynth.plots._scatter_geometry import axes_box, label_boxes, marker_boxes, text_fits
from evisynth.plots.baujat import LABEL_SHARE, baujat_layout
from evisynth.plots.bubble import bubble_layout
from evisynth.plots.funnel import funnel_layout
from evisynth.plots.radial import radial_layout
from figdata import analyse, continuous_frame

EXAMPLE = ("spasticity_synthetic.csv", "spasticity_mas_synthetic.csv", "motor_synthetic.csv", "adl_synthetic.csv")


def _example(name: str, **spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(read_study_table(example_path(name)), AnalysisSpec(method="DL", **spec))


def assert_no_overlaps(lay: ScatterLayout) -> None:
    labels, markers, frame = label_boxes(lay), marker_boxes(lay), axes_box(lay)
    for a, b in itertools.combinations(labels, 2):
        assert not a.overlaps(b), (a, b)
    for text, box in zip((a.text for a in lay.annotations), labels, strict=True):
        assert box.inside(frame), text
        for m in markers:
            assert not box.overlaps(m), (text, box, m)


@pytest.mark.parametrize("name", EXAMPLE)
def test_baujat_labels_do_not_overlap_and_every_outstanding_study_is_labelled(name):
    bundle = _example(name)
    pts = bundle.figures.baujat
    lay = baujat_layout(pts)
    assert_no_overlaps(lay)
    xmax, ymax = max(p.x for p in pts), max(p.y for p in pts)
    outstanding = {p.study for p in pts if p.x > LABEL_SHARE * xmax or p.y > LABEL_SHARE * ymax}
    assert outstanding <= {a.text for a in lay.annotations}
    highest = max(pts, key=lambda p: p.y)
    assert highest.study in {a.text for a in lay.annotations}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_baujat_labels_do_not_overlap_on_crowded_random_data(seed):
    bundle = analyse(continuous_frame(30, seed=seed, long_labels=seed % 2 == 0), method="REML")
    pts = bundle.figures.baujat
    lay = baujat_layout(pts)
    assert len(lay.annotations) >= 1
    assert_no_overlaps(lay)
    xmax, ymax = max(p.x for p in pts), max(p.y for p in pts)
    wanted = min(12, sum(p.x > LABEL_SHARE * xmax or p.y > LABEL_SHARE * ymax for p in pts))
    if len(lay.annotations) < wanted:  # the least important labels found no room: the caption says so
        assert f"{wanted - len(lay.annotations)} more stud" in lay.caption and "not labelled" in lay.caption
    top = max(pts, key=lambda p: p.x / xmax + p.y / ymax)  # the most extreme study always gets its label
    assert lay.annotations[0].x == top.x and lay.annotations[0].y == top.y
    assert all(text_fits(a.text, 1.9) for a in lay.annotations)  # long labels end with an ellipsis


def test_bubble_labels_and_caption():
    bundle = _example("motor_synthetic.csv", moderators=("pulses_1000",), test="hksj")
    fit = bundle.figures.bubble("pulses_1000")
    assert fit is not None
    lay = bubble_layout(bundle, fit)
    assert_no_overlaps(lay)
    labelled = {a.text for a in lay.annotations}
    assert "Trial 05 (synthetic): 1 Hz + 10 Hz" in labelled and "Trial 03 (synthetic): 1 Hz" in labelled
    lines = lay.caption.split("\n")
    assert len(lines) >= 2
    assert any("residual Tau² = " in line for line in lines)  # never "Tau²" / "= 2.462" on two lines
    assert all(not line.rstrip().endswith(("Tau²", "=")) for line in lines)
    assert text_fits(lay.caption, lay.width - 0.3)


def test_radial_labels_do_not_overlap():
    bundle = analyse(continuous_frame(30, seed=5), method="DL")
    assert_no_overlaps(radial_layout(bundle))


def test_funnel_legend_sits_under_the_axes():
    bundle = _example("spasticity_synthetic.csv", bias=True)
    lay = funnel_layout(bundle)
    assert lay.box is not None
    width = lay.box[2]
    assert width >= 0.75 * lay.width  # the legend no longer takes a third of the width
    assert lay.legend_columns >= 2 and len(lay.legend) >= 7
    assert text_fits(lay.caption, lay.width - 0.3)
