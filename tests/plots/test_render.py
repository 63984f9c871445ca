"""Rendering smoke tests: every figure type in PNG, SVG and PDF, drawn on explicit Figures."""

from __future__ import annotations

import sys

import pytest
from test_other_layouts import with_bias, with_sensitivity

from evisynth.analyses.figure_data import bubble_fit
from evisynth.plots import baujat, bubble, forest, funnel, radial, sensitivity_plots
from evisynth.plots.export import figure_bytes, png_base64, save_figure, svg_text

MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


def _figures(doc18, doc_or_subgroup):
    doc = with_sensitivity(with_bias(doc_or_subgroup))
    return {
        "forest": forest.draw(forest.forest_layout(doc18, prediction=True)),
        "forest_log": forest.draw(forest.forest_layout(doc, prediction=True, rob={"Alpha 2001": {"D1": "low"}})),
        "funnel": funnel.draw(funnel.funnel_layout(doc)),
        "bubble": bubble.draw(bubble.bubble_layout(doc18, bubble_fit(doc18.studies, doc18.pooled, "year"))),
        "bubble_cat": bubble.draw(bubble.bubble_layout(doc18, bubble_fit(doc18.studies, doc18.pooled, "dose"))),
        "baujat": baujat.draw(baujat.baujat_layout(doc18.figures.baujat or ())),
        "radial": radial.draw(radial.radial_layout(doc)),
        "leave_one_out": sensitivity_plots.draw(sensitivity_plots.leave_one_out_layout(doc)),
        "cumulative": sensitivity_plots.draw(sensitivity_plots.cumulative_layout(doc)),
    }


@pytest.fixture(scope="module")
def figures(doc18, doc_or_subgroup):
    return _figures(doc18, doc_or_subgroup)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_every_figure_in_every_format(figures, fmt):
    for name, fig in figures.items():
        data = figure_bytes(fig, fmt, dpi=40)
        assert data.startswith(MAGIC[fmt]), name
        assert len(data) > 1000, name


def test_forest_figure_carries_layout_texts(doc_subgroup):
    lay = forest.forest_layout(doc_subgroup)
    fig = forest.draw(lay)
    assert tuple(fig.get_size_inches()) == pytest.approx((lay.width, lay.height))
    texts = {t.get_text() for ax in fig.axes for t in ax.texts} | {t.get_text() for ax in fig.axes
                                                                   for t in ax.get_xticklabels()}
    for needed in (doc_subgroup.text["heterogeneity"], doc_subgroup.text["subgroup_difference"],
                   "Study or Subgroup", "Favours [experimental]", "-0.28 [-0.52, -0.05]", "IV, Random, 95% CI"):
        assert needed in texts
    assert set(lay.axis.tick_labels) <= texts


def test_draw_on_a_given_figure_and_no_pyplot(doc_small, tmp_path):
    from matplotlib.figure import Figure

    fig = Figure()
    out = forest.draw(forest.forest_layout(doc_small), fig)
    assert out is fig
    for suffix in ("png", "svg", "pdf"):
        path = save_figure(fig, tmp_path / f"forest.{suffix}", dpi=50)
        assert path.read_bytes().startswith(MAGIC[suffix])
    assert png_base64(fig, dpi=30).startswith("data:image/png;base64,")
    assert svg_text(fig).startswith("<svg")
    assert "matplotlib.pyplot" not in sys.modules


def test_png_is_300_dpi_by_default(doc_small):
    fig = forest.draw(forest.forest_layout(doc_small))
    data = figure_bytes(fig, "png")
    import struct

    width = struct.unpack(">I", data[16:20])[0]
    assert width == pytest.approx(fig.get_size_inches()[0] * 300, abs=2)
