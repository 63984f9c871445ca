"""Structural tests of the funnel, bubble, Baujat, radial, leave-one-out and cumulative layouts."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.figure_data import bubble_fit
from evisynth.analyses.results import (
    BeggTest,
    CumulativeRow,
    EggerMixed,
    EggerTest,
    FailSafeN,
    FilledStudy,
    LeaveOneOutRow,
    PublicationBias,
    Sensitivity,
    TrimAndFill,
)
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots.baujat import baujat_layout
from evisynth.plots.bubble import bubble_layout
from evisynth.plots.funnel import funnel_layout
from evisynth.plots.radial import radial_layout
from evisynth.plots.sensitivity_plots import cumulative_layout, leave_one_out_layout


def with_bias(doc: AnalysisBundle) -> AnalysisBundle:
    """``doc`` with made-up publication-bias results: Egger P = 0.2, two studies filled on the right."""
    p = doc.pooled
    bias = PublicationBias(
        k=p.k, model=p.model, method=p.method, test=p.test,
        egger=EggerTest(statistic=1.2, df=3, p_value=0.2, bias=None, bias_se=None, limit_estimate=None,
                        limit_ci_lower=None, limit_ci_upper=None),
        egger_mixed=EggerMixed(statistic=None, df=None, p_value=None, bias=None, bias_se=None, test="z",
                               limit_estimate=None, limit_ci_lower=None, limit_ci_upper=None),
        begg=BeggTest(kendall_tau=0.1, p_value=0.8, exact=True, statistic=None),
        trim_and_fill=TrimAndFill(k0=2, k0_se=None, side="right", estimator="L0", p_k0=None, k=p.k + 2,
                                  estimate=-0.3, se=None, statistic=None, ci_lower=-0.7, ci_upper=0.1, p_value=None,
                                  tau2=None, test=p.test, level=p.level,
                                  filled=(FilledStudy(0.4, 0.3), FilledStudy(1.2, 2.0)), log_scale=doc.log_scale),
        fail_safe_n=FailSafeN(rosenthal=12, rosenthal_p=None, orwin=None, orwin_mean=None, orwin_target=None,
                              rosenberg=None, rosenberg_p=None, alpha=0.05),
    )
    return dataclasses.replace(doc, publication_bias=bias)


def with_sensitivity(doc: AnalysisBundle) -> AnalysisBundle:
    """``doc`` with made-up leave-one-out (with P and I²) and cumulative (with P only) results."""
    inc = doc.included
    none = dict.fromkeys(("se", "statistic", "tau2", "i2", "h2", "q", "q_p"))
    loo = tuple(LeaveOneOutRow(**{**none, "omitted": s.study, "k": len(inc) - 1, "estimate": -0.2 - 0.01 * i,
                                  "ci_lower": -0.5, "ci_upper": 0.1 - 0.01 * i, "p_value": 0.2, "tau2": 0.01,
                                  "i2": 10.0, "log_scale": doc.log_scale})
                for i, s in enumerate(inc))
    cum = tuple(CumulativeRow(**{**none, "added": s.study, "k": i + 1, "estimate": -0.3, "ci_lower": -0.3 - 1 / (i + 1),
                                 "ci_upper": -0.3 + 1 / (i + 1), "p_value": 0.05, "log_scale": doc.log_scale})
                for i, s in enumerate(inc))
    return dataclasses.replace(doc, sensitivity=Sensitivity(leave_one_out=loo, cumulative=cum))


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
    est = doc.pooled.estimate
    dashed = [ln for ln in lay.lines if ln.style == "dashed"]
    assert {ln.xs[0] for ln in dashed} == {est}
    plain = funnel_layout(doc_or_subgroup, contours=False)
    assert plain.regions == () and plain.points_of("filled") == []


def test_bubble_numeric_matches_weighted_least_squares(doc18):
    fixed = dataclasses.replace(doc18.pooled, model="fixed", method="IV")
    doc = dataclasses.replace(doc18, pooled=fixed)
    fit = bubble_fit(doc.studies, doc.pooled, "year")
    x = np.array(fit.x)
    y = np.array(fit.yi)
    w = 1 / np.array([s.vi for s in doc.studies])
    slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(w))
    assert fit.slope == pytest.approx(slope, rel=1e-8) and fit.intercept == pytest.approx(intercept, rel=1e-8)
    assert fit.fit[0] == pytest.approx(intercept + slope * x.min())
    assert all(lo <= f <= hi for lo, f, hi in zip(fit.ci_lower, fit.fit, fit.ci_upper, strict=True))
    lay = bubble_layout(doc, fit)
    assert len(lay.points) == 18 and len(lay.regions) == 1 and lay.x.label == "year"
    biggest = max(lay.points, key=lambda p: p.size)
    assert biggest.label == fit.study[int(np.argmax(fit.weight))]
    assert "points sized by weight" in lay.caption


def test_bubble_categorical(doc18):
    fit = bubble_fit(doc18.studies, doc18.pooled, "dose")
    assert fit.categorical and fit.levels == ("low", "high")
    lay = bubble_layout(doc18, fit)
    assert lay.x.tick_labels == ("low", "high")
    assert len(lay.points_of("pooled")) == 2 and len(lay.points_of("study")) == 18
    assert all(-0.5 < p.x < 1.5 for p in lay.points)
    with pytest.raises(InputError, match="no_such"):
        bubble_fit(doc18.studies, doc18.pooled, "no_such")


def test_baujat_contributions_sum_to_q(doc18):
    pts = doc18.figures.baujat
    assert pts is not None
    assert sum(p.x for p in pts) == pytest.approx(doc18.heterogeneity.q, rel=1e-9)
    assert all(p.y >= 0 for p in pts)
    lay = baujat_layout(pts)
    assert len(lay.points) == 18 and 0 < len(lay.annotations) <= 12
    top = max(pts, key=lambda p: p.x)
    assert top.study in {a[2] for a in lay.annotations}


def test_radial_coordinates(doc_subgroup):
    lay = radial_layout(doc_subgroup)
    s = doc_subgroup.studies[0]
    tau2 = doc_subgroup.heterogeneity.tau2
    assert lay.points[0].x == pytest.approx(1 / math.sqrt(s.vi + tau2))
    assert lay.points[0].y == pytest.approx(s.yi / math.sqrt(s.vi + tau2))
    solid = lay.lines[0]
    assert solid.ys[1] / solid.xs[1] == pytest.approx(doc_subgroup.pooled.estimate)


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
