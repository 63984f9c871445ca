"""Structural tests of the RevMan-layout forest plot (no drawing)."""

from __future__ import annotations

import copy
import dataclasses
import itertools

import pytest

from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots._layout import text_width
from evisynth.plots.forest import ROB_DOMAINS, forest_layout
from figdata import analyse, continuous_frame


def test_subgroup_rows_and_texts(doc_subgroup):
    lay = forest_layout(doc_subgroup)
    assert lay.kinds() == [
        "subgroup_header", "study", "study", "study", "subtotal", "heterogeneity", "overall_effect", "blank",
        "subgroup_header", "study", "study", "subtotal", "heterogeneity", "overall_effect", "blank",
        "total", "heterogeneity", "overall_effect", "subgroup_difference",
    ]
    headers = [r.label for r in lay.rows if r.kind == "subgroup_header"]
    assert headers == ["affected", "unaffected"]
    assert [r.label for r in lay.rows if r.kind == "study"] == ["A", "C", "E", "B", "D"]  # grouped, as entered
    assert [r.label for r in lay.rows if r.kind == "subtotal"] == ["Subtotal (95% CI)"] * 2
    total = next(r for r in lay.rows if r.kind == "total")
    assert total.label == "Total (95% CI)"
    assert total.cells["n1"] == "102" and total.cells["n2"] == "100" and total.cells["weight"] == "100.0%"
    p = doc_subgroup.pooled
    assert total.cells["effect"] == fmt.format_effect_ci(p.estimate, p.ci_lower, p.ci_upper) \
        == "-0.28 [-0.52, -0.05]"
    texts = [r.label for r in lay.rows if r.kind in ("heterogeneity", "overall_effect", "subgroup_difference")]
    assert texts[-3:] == [doc_subgroup.text["heterogeneity"], doc_subgroup.text["overall_effect"],
                          doc_subgroup.text["subgroup_difference"]]
    assert texts[0] == "Heterogeneity: Tau² = 0.00; Chi² = 0.50, df = 2 (P = 0.78); I² = 0%"
    assert texts[1] == "Test for overall effect: Z = 0.96 (P = 0.34)"
    sub = [r for r in lay.rows if r.kind == "subtotal"]
    assert sub[0].cells["n1"] == "75" and sub[1].cells["n2"] == "28"
    assert sub[0].cells["weight"] == "60.9%" and sub[1].cells["weight"] == "39.1%"  # shares of the overall weight


def test_continuous_headers(doc_subgroup):
    lay = forest_layout(doc_subgroup)
    assert [c.header for c in lay.columns] == ["Study or Subgroup", "Mean", "SD", "Total", "Mean", "SD", "Total",
                                               "Weight", "IV, Random, 95% CI"]
    assert [c.group for c in lay.columns][1:7] == ["Experimental"] * 3 + ["Control"] * 3
    assert lay.measure_header == "Mean Difference" and lay.method_header == "IV, Random, 95% CI"
    assert lay.favours == ("Favours [experimental]", "Favours [control]")
    study_a = lay.rows[1]
    assert study_a.cells == {"m1": "1.2", "sd1": "0.8", "n1": "20", "m2": "1.5", "sd2": "0.9", "n2": "20",
                             "weight": "19.4%", "effect": "-0.30 [-0.83, 0.23]"}


def test_mh_dichotomous_excluded_and_events(doc_small):
    lay = forest_layout(doc_small)
    assert lay.method_header == "M-H, Fixed, 95% CI"
    assert [c.header for c in lay.columns][1:5] == ["Events", "Total", "Events", "Total"]
    excluded = [r for r in lay.rows if r.kind == "excluded"]
    assert len(excluded) == 1 and excluded[0].cells["effect"] == "Not estimable"
    assert excluded[0].note == next(s.note for s in doc_small.studies if not s.included)
    assert "weight" not in excluded[0].cells
    events = next(r for r in lay.rows if r.kind == "events")
    assert events.label == "Total events"
    assert events.cells == {"events1": str(doc_small.totals.events1), "events2": str(doc_small.totals.events2)}
    assert lay.rows[-1].label == "Test for subgroup differences: Not applicable"
    assert "Tau²" not in next(r.label for r in lay.rows if r.kind == "heterogeneity")  # fixed effect: no Tau²


def test_log_axis_natural_labels(doc_or_subgroup):
    lay = forest_layout(doc_or_subgroup)
    ax = lay.axis
    assert ax.log and ax.lower == pytest.approx(-ax.upper)
    assert "1" in ax.tick_labels and 0.0 in ax.ticks
    assert ax.tick_labels == ("0.1", "0.2", "0.5", "1", "2", "5", "10")
    total = next(r for r in lay.rows if r.kind == "total")
    assert ax.lower <= total.lower < total.upper <= ax.upper
    assert total.cells["effect"] == "0.60 [0.42, 0.87]"  # natural scale text, log positions
    assert total.estimate == pytest.approx(doc_or_subgroup.pooled.estimate)
    gamma = next(r for r in lay.rows if r.label == "Gamma 2005")
    assert gamma.lower < ax.lower < gamma.estimate  # whisker leaves the axis: drawn with an arrow


def test_axis_keeps_pooled_and_clips_outlying_whiskers(doc60):
    lay = forest_layout(doc60)
    ax = lay.axis
    assert not ax.log and ax.lower == -ax.upper and 0.0 in ax.ticks
    for r in lay.rows:
        if r.kind in ("total", "study"):
            assert ax.lower <= r.estimate <= ax.upper


def test_xlim_option(doc_or_subgroup):
    lay = forest_layout(doc_or_subgroup, xlim=(0.2, 5))
    assert lay.axis.tick_labels == ("0.2", "0.5", "1", "2", "5")
    with pytest.raises(InputError, match="xlim"):
        forest_layout(doc_or_subgroup, xlim=(0, 5))


def test_prediction_row(doc_subgroup):
    assert "prediction" not in forest_layout(doc_subgroup).kinds()
    lay = forest_layout(doc_subgroup, prediction=True)
    pi = [r for r in lay.rows if r.kind == "prediction"]
    assert len(pi) == 1 and pi[0].label == "Prediction interval"
    p = doc_subgroup.pooled
    assert pi[0].cells["effect"] == fmt.format_ci(p.pi_lower_t, p.pi_upper_t)
    assert (pi[0].lower, pi[0].upper) == p.prediction_interval()  # the interval every display shows
    z = forest_layout(doc_subgroup, prediction=True, prediction_type="z")
    assert next(r for r in z.rows if r.kind == "prediction").lower == pytest.approx(p.pi_lower)


def test_sorting(doc18):
    by_effect = forest_layout(doc18, sort_by="effect")
    for group in ("low", "high"):
        ys = [r.estimate for r in by_effect.rows if r.kind == "study" and r.group == group]
        assert ys == sorted(ys)
    by_weight = forest_layout(doc18, sort_by="weight", descending=True)
    ws = [r.weight for r in by_weight.rows if r.kind == "study" and r.group == "low"]
    assert ws == sorted(ws, reverse=True)
    by_year = forest_layout(doc18, sort_by="year")
    years = [doc18.studies[r.study_index].moderators["year"] for r in by_year.rows
             if r.kind == "study" and r.group == "high"]
    assert years == sorted(years)
    with pytest.raises(InputError, match="sort_by"):
        forest_layout(doc18, sort_by="no_such_column")


def test_favours_labels(doc_subgroup):
    assert forest_layout(doc_subgroup, lower_is_better=False).favours == ("Favours [control]", "Favours [experimental]")
    lay = forest_layout(doc_subgroup, intervention="rTMS", comparison="sham")
    assert lay.favours == ("Favours rTMS", "Favours sham")
    assert {c.group for c in lay.columns} >= {"rTMS", "sham"}
    assert forest_layout(doc_subgroup, favours_left="Less pain").favours[0] == "Less pain"


def test_rob_columns_from_moderators():
    doc = analyse(continuous_frame(6, rob=True))
    lay = forest_layout(doc)
    assert lay.rob_domains == ROB_DOMAINS
    levels = {v for r in lay.rows for v in r.rob.values()}
    assert levels <= set(_theme.ROB_COLOURS) and "some" in levels
    assert lay.kinds()[-8] == "legend" and lay.rows[-8].label == "Risk of bias legend"
    assert lay.rob_x == tuple(sorted(lay.rob_x)) and lay.rob_x[0] > lay.graph_x + lay.graph_width
    assert forest_layout(doc, show_rob=False).rob_domains == ()


def test_rob_mapping_argument(doc_subgroup):
    rob = {"A": {"D1": "low", "Overall": "high"}, "B": {"D1": "Some concerns", "Overall": "?"}}
    lay = forest_layout(doc_subgroup, rob=rob)
    assert lay.rob_domains == ("D1", "Overall")
    rows = {r.label: r.rob for r in lay.rows if r.kind == "study"}
    assert rows["A"] == {"D1": "low", "Overall": "high"} and rows["B"] == {"D1": "some", "Overall": "ni"}
    assert rows["C"] == {}


def test_generic_columns():
    import pandas as pd

    df = pd.DataFrame({"study": ["a", "b", "c"], "yi": [-0.2, 0.1, -0.4], "sei": [0.1, 0.2, 0.15]})
    doc = analyse(df)
    lay = forest_layout(doc)
    assert [c.header for c in lay.columns] == ["Study or Subgroup", "Estimate", "SE", "Weight", "IV, Random, 95% CI"]
    assert lay.rows[0].cells["yi"] == "-0.2000" and lay.rows[0].cells["se"] == "0.1000"
    assert "n1" not in next(r for r in lay.rows if r.kind == "total").cells


def _assert_no_overlap(lay):
    cols = lay.columns
    for a, b in itertools.pairwise(cols):
        assert a.x + a.width <= b.x + 1e-9
    assert cols[-1].x + cols[-1].width <= lay.graph_x
    label = cols[0]
    for r in lay.rows:
        bold = r.kind in ("subgroup_header", "subtotal", "total")
        if r.kind in ("study", "excluded", "subgroup_header", "subtotal", "total", "events", "prediction"):
            assert text_width(r.label, _theme.FONT_SIZE, bold) <= label.width + 1e-9
        for c in cols[1:]:
            if r.cells.get(c.key):
                assert text_width(r.cells[c.key], _theme.FONT_SIZE, bold) <= c.width + 1e-9
        if r.kind in ("heterogeneity", "overall_effect", "subgroup_difference"):
            assert _theme.MARGIN + text_width(r.label) <= lay.graph_x
    assert lay.graph_x + lay.graph_width <= lay.width
    rows_bottom = lay.row_y(len(lay.rows) - 1) + lay.row_height / 2
    assert rows_bottom <= lay.height + 1e-9
    assert lay.header_height + (lay.n_graph_rows + 3) * lay.row_height <= lay.height + 1e-9  # room for the axis


@pytest.mark.parametrize("k", [1, 5, 18, 60])
def test_size_grows_with_rows_and_nothing_overlaps(k):
    doc = analyse(continuous_frame(k, subgroups=k >= 5, long_labels=k == 60), subgroup="dose" if k >= 5 else None)
    lay = forest_layout(doc, prediction=True)
    _assert_no_overlap(lay)
    assert lay.height == pytest.approx(lay.header_height + (lay.n_graph_rows + max(
        len(lay.rows) - lay.n_graph_rows, 3.2)) * lay.row_height + _theme.MARGIN)
    assert len([r for r in lay.rows if r.kind == "study"]) == k


def test_long_labels_widen_label_column(doc60):
    lay = forest_layout(doc60)
    longest = max(text_width(s.study) for s in doc60.studies)
    assert lay.columns[0].width >= longest
    _assert_no_overlap(lay)


def test_layout_does_not_mutate_document(doc_subgroup):
    before = copy.deepcopy(doc_subgroup)
    forest_layout(doc_subgroup, sort_by="effect", prediction=True)
    assert doc_subgroup == before and doc_subgroup.to_dict() == before.to_dict()


def test_subtotal_without_interval_is_not_estimable():
    df = continuous_frame(7, subgroups=True)
    df.loc[6, "dose"] = "mid"
    doc = analyse(df, subgroup="dose", test="hksj")
    # a one-study subgroup is now tested with z (as metafor); blank it to exercise the undefined case
    assert doc.subgroups is not None
    groups = doc.subgroups.groups
    blank = dataclasses.replace(groups[2], estimate=None, se=None, statistic=None, p_value=None, ci_lower=None,
                                ci_upper=None)
    doc = dataclasses.replace(doc, subgroups=dataclasses.replace(doc.subgroups, groups=(*groups[:2], blank)))
    lay = forest_layout(doc)
    mid = [r for r in lay.rows if r.kind == "subtotal"][2]
    assert mid.cells["effect"] == "Not estimable" and mid.estimate is None
    assert [r.label for r in lay.rows if r.group == "mid" and r.kind == "overall_effect"] == [
        "Test for overall effect: Not applicable"]
    assert "t = " in next(r.label for r in lay.rows if r.kind == "overall_effect")


def _shown_df(label):
    """The df of a ``Test for overall effect: t = 2.36, df = 11 (P = 0.03)`` line (None for Z)."""
    return int(label.split("df = ")[1].split(" ")[0]) if "df = " in label else None


@pytest.mark.parametrize("subgroup_model", ["separate", "common"])
def test_subgroup_t_test_df_reproduces_its_p_value(subgroup_model):
    from scipy import stats

    doc = analyse(continuous_frame(18, subgroups=True), subgroup="dose", subgroup_model=subgroup_model, test="hksj")
    lay = forest_layout(doc)
    for g in doc.subgroups.groups:
        label = next(r.label for r in lay.rows if r.group == g.level and r.kind == "overall_effect")
        df = _shown_df(label)
        assert df is not None
        assert 2 * stats.t.sf(abs(g.statistic), df) == pytest.approx(g.p_value, rel=1e-9), label
