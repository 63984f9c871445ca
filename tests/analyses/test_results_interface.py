"""Typed results are the interface: attributes, to_dict/from_dict, to_frame, summary and HTML (issue #19)."""

from __future__ import annotations

import json
import warnings
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pandas as pd
import pytest

import evisynth
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.results import Record

DATA = Path(__file__).resolve().parents[1] / "data"
BCG = Path(__file__).resolve().parents[1] / "engine" / "data" / "bcg.csv"


@pytest.fixture(scope="module")
def full():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evisynth.meta_analysis(BCG, moderators=("ablat",), bias=True, sensitivity=True, subgroup="alloc",
                                      log_scale=True, permutations=99, predict=((("ablat", 30.0),),))


def test_notebook_contract():
    res = evisynth.meta_analysis(pd.read_csv(DATA / "continuous.csv"))
    html = res._repr_html_()
    assert html.startswith("<table>") and "Total (95% CI)" in html and "<pre>" not in html
    assert isinstance(res.pooled.ci_lower, float) and res.pooled.ci_lower == pytest.approx(-0.5166, abs=1e-4)
    text = res.summary()
    assert "Heterogeneity: Tau² = 0.00; Chi² = 2.77, df = 4 (P = 0.60); I² = 0%" in text
    assert repr(text) == str(text)  # shows itself as text in a notebook
    from matplotlib.figure import Figure

    assert isinstance(res.forest(), Figure)
    frame = res.to_frame()
    assert list(frame["study"]) == ["A", "B", "C", "D", "E"] and "m1" in frame.columns


def test_results_are_frozen_and_typed(full):
    with pytest.raises(FrozenInstanceError):
        full.pooled.estimate = 0.0  # type: ignore[misc]
    assert not hasattr(full.pooled, "values")
    assert isinstance(full.meta_regression.coefficients[1].estimate, float)
    assert full.subgroups.group("random").k == 7


@pytest.mark.parametrize("section", ["pooled", "heterogeneity", "totals", "subgroups", "meta_regression",
                                     "publication_bias", "sensitivity"])
def test_every_section_has_the_interface(full, section):
    result = getattr(full, section)
    assert isinstance(result, Record)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) >= 1
    assert str(result.summary()).strip()
    html = result._repr_html_()
    assert "<table" in html and "dataframe" in html
    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()


def test_sensitivity_frames(full):
    s = full.sensitivity
    assert len(s.to_frame("cumulative")) == len(s.cumulative) == 13
    assert "influential" in s.to_frame("influence").columns
    with pytest.raises(ValueError, match="which"):
        s.to_frame("nope")


def test_document_round_trip_is_exact(full):
    doc = json.loads(json.dumps(full.to_dict()))
    back = AnalysisBundle.from_dict(doc)
    assert back.to_dict() == doc
    assert back.meta_regression == full.meta_regression and back.publication_bias == full.publication_bias
    assert back.sensitivity == full.sensitivity and back.subgroups == full.subgroups
    assert back.spec == full.spec and back.effects is None


def test_loading_a_saved_document(tmp_path, full):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(full.to_dict()), encoding="utf-8")
    loaded = evisynth.load_analysis(path)
    assert loaded.to_dict() == full.to_dict()
    assert loaded.figures.bubble("ablat") == full.figures.bubble("ablat")  # figure inputs recomputed, not stored
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(evisynth.errors.InputError, match="not an evisynth analysis document"):
        evisynth.load_analysis(bad)


def test_one_prediction_interval_everywhere():
    """The terminal, the JSON's displayed interval, the report and the forest plot show one interval."""
    from evisynth.plots.forest import forest_layout
    from evisynth.report.results_text import results_paragraph

    res = evisynth.meta_analysis(BCG, method="DL")
    lo, hi = res.pooled.prediction_interval()
    assert (lo, hi) == (res.pooled.pi_lower_t, res.pooled.pi_upper_t)
    shown = evisynth.format.format_ci(lo, hi)
    line = next(x for x in res.summary().splitlines() if x.startswith("Prediction interval"))
    assert line.split()[-2:] == shown.split()
    row = next(r for r in forest_layout(res, prediction=True).rows if r.kind == "prediction")
    assert (row.lower, row.upper) == (lo, hi)
    assert evisynth.format.format_ci_to(lo, hi) in results_paragraph(res)


def test_spec_settings_round_trip():
    spec = evisynth.AnalysisSpec(measure="OR", moderators=("a", "b"), reference=(("a", "x"),),
                                 predict=((("a", "x"), ("b", 2.0)),), bias=True)
    assert evisynth.AnalysisSpec.from_settings(spec.settings()) == spec
    assert [f.name for f in fields(spec) if f.name != "extra"] == list(spec.settings())
