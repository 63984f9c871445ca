"""Structural tests of the funnel, bubble, Baujat, radial, leave-one-out and cumulative layouts."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from evisynth.analyses.figure_data import baujat_points, bubble_fit
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots.baujat import baujat_layout
from evisynth.plots.bubble import bubble_layout
from evisynth.plots.funnel import funnel_layout
from evisynth.plots.radial import radial_layout
from evisynth.plots.sensitivity_plots import cumulative_layout, leave_one_out_layout


def with_bias(doc):
    doc = copy.deepcopy(doc)
    doc["publication_bias"] = {
        "egger": {"statistic": 1.2, "df": 3, "p_value": 0.2},
        "begg": {"kendall_tau": 0.1, "p_value": 0.8},
        "trim_and_fill": {"k0": 2, "side": "right", "estimate": -0.3, "ci_lower": -0.7, "ci_upper": 0.1,
                          "filled": [{"yi": 0.4, "vi": 0.3}, {"yi": 1.2, "vi": 2.0}]},
        "fail_safe_n": {"n": 12, "method": "Rosenthal"},
    }
    return doc


def with_sensitivity(doc):
    doc = copy.deepcopy(doc)
    inc = [s for s in doc["studies"] if s["included"]]
    doc["sensitivity"] = {
        "leave_one_out": [{"omitted": s["study"], "k": len(inc) - 1, "estimate": -0.2 - 0.01 * i,
                           "ci_lower": -0.5, "ci_upper": 0.1 - 0.01 * i, "p_value": 0.2, "tau2": 0.01, "i2": 10.0}
                          for i, s in enumerate(inc)],
        "cumulative": [{"added": s["study"], "k": i + 1, "estimate": -0.3, "ci_lower": -0.3 - 1 / (i + 1),
                        "ci_upper": -0.3 + 1 / (i + 1), "p_value": 0.05} for i, s in enumerate(inc)],
    }
    return doc


def test_funnel_points_contours_and_filled(doc_or_subgroup):
    doc = with_bias(doc_or_subgroup)
    lay = funnel_layout(doc)
    assert len(lay.points_of("study")) == 5  # the double-zero study is not estimable
    filled = lay.points_of("filled")
    assert [(p.x, p.y) for p in filled] == [(0.4, pytest.approx(math.sqrt(0.3))), (1.2, pytest.approx(math.sqrt(2.0)))]
    assert lay.invert_y and lay.y.lower == 0.0 and lay.y.upper >= math.sqrt(2.0)
    assert len(lay.regions) == 6 and {r.label for r in lay.regions} == {c[3] for c in _theme.CONTOURS}
    assert lay.x.log and "1" in lay.x.tick_labels
    labels = [label for label, _ in lay.legend]
    assert "Imputed (trim-and-fill)" in labels and "Trim-and-fill estimate" in labels
    assert "Egger's test: P = 0.20" in lay.caption and "2 studies imputed on the right side" in lay.caption
    assert "fewer than 10" in lay.caption
    # pseudo-CI lines around the pooled estimate
    est = doc["pooled"]["estimate"]
    dashed = [ln for ln in lay.lines if ln.style == "dashed"]
    assert {ln.xs[0] for ln in dashed} == {est}
    plain = funnel_layout(doc_or_subgroup, contours=False)
    assert plain.regions == () and plain.points_of("filled") == []


def test_bubble_numeric_matches_weighted_least_squares(doc18):
    doc = copy.deepcopy(doc18)
    doc["pooled"]["model"], doc["pooled"]["method"] = "fixed", "IV"
    fit = bubble_fit(doc, "year")
    x = np.array(fit["x"])
    y = np.array(fit["yi"])
    w = 1 / np.array([s["vi"] for s in doc["studies"]])
    slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(w))
    assert fit["slope"] == pytest.approx(slope, rel=1e-8) and fit["intercept"] == pytest.approx(intercept, rel=1e-8)
    assert fit["fit"][0] == pytest.approx(intercept + slope * x.min())
    assert all(lo <= f <= hi for lo, f, hi in zip(fit["ci_lower"], fit["fit"], fit["ci_upper"], strict=True))
    lay = bubble_layout(doc, fit)
    assert len(lay.points) == 18 and len(lay.regions) == 1 and lay.x.label == "year"
    biggest = max(lay.points, key=lambda p: p.size)
    assert biggest.label == fit["study"][int(np.argmax(fit["weight"]))]
    assert "points sized by weight" in lay.caption


def test_bubble_categorical(doc18):
    fit = bubble_fit(doc18, "dose")
    assert fit["categorical"] and fit["levels"] == ["low", "high"]
    lay = bubble_layout(doc18, fit)
    assert lay.x.tick_labels == ("low", "high")
    assert len(lay.points_of("pooled")) == 2 and len(lay.points_of("study")) == 18
    assert all(-0.5 < p.x < 1.5 for p in lay.points)
    with pytest.raises(InputError, match="no_such"):
        bubble_fit(doc18, "no_such")


def test_baujat_contributions_sum_to_q(doc18):
    pts = baujat_points(doc18)
    assert sum(p["x"] for p in pts) == pytest.approx(doc18["heterogeneity"]["q"], rel=1e-9)
    assert all(p["y"] >= 0 for p in pts)
    lay = baujat_layout(pts)
    assert len(lay.points) == 18 and 0 < len(lay.annotations) <= 12
    top = max(pts, key=lambda p: p["x"])
    assert top["study"] in {a[2] for a in lay.annotations}


def test_radial_coordinates(doc_subgroup):
    lay = radial_layout(doc_subgroup)
    s = doc_subgroup["studies"][0]
    tau2 = doc_subgroup["heterogeneity"]["tau2"]
    assert lay.points[0].x == pytest.approx(1 / math.sqrt(s["vi"] + tau2))
    assert lay.points[0].y == pytest.approx(s["yi"] / math.sqrt(s["vi"] + tau2))
    solid = lay.lines[0]
    assert solid.ys[1] / solid.xs[1] == pytest.approx(doc_subgroup["pooled"]["estimate"])


def test_leave_one_out_and_cumulative(doc_subgroup):
    doc = with_sensitivity(doc_subgroup)
    loo = leave_one_out_layout(doc)
    assert loo.kinds() == ["study"] * 5 + ["blank", "total"]
    assert loo.rows[0].label == "Omitting A" and loo.rows[-1].label == "All studies (95% CI)"
    assert [c.header for c in loo.columns] == ["Study omitted", "IV, Random, 95% CI", "P", "I²"]
    assert loo.rows[0].cells == {"effect": "-0.20 [-0.50, 0.10]", "p": "0.20", "i2": "10%"}
    cum = cumulative_layout(doc)
    assert [r.label for r in cum.rows][:2] == ["A", "+ B"]
    assert cum.axis.lower <= min(r.lower for r in cum.rows if r.lower is not None)
    with pytest.raises(InputError, match="sensitivity"):
        leave_one_out_layout(doc_subgroup)


def test_cumulative_drops_columns_it_lacks(doc_subgroup):
    cum = cumulative_layout(with_sensitivity(doc_subgroup))
    assert [c.header for c in cum.columns] == ["Study added", "IV, Random, 95% CI", "P"]
    assert all("i2" not in r.cells for r in cum.rows)
