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


# -- arm data as entered; derived values marked ------------------------------------------------------------


def _read(tmp_path, text: str, name: str = "d.csv"):
    from evisynth.analyses.run import run_analysis
    from evisynth.analyses.spec import AnalysisSpec
    from evisynth.io.tabular import read_study_table

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(read_study_table(path), AnalysisSpec(method="DL"))


ENTERED = ("study,m1,sd1,se1,n1,m2,sd2,n2\n"
           "A,14.0,2.50,,20,12.25,2.5,21\n"
           "B,13.1,,0.4,25,12.0,3.10,24\n"
           "C,15,3,,30,13,2,30\n")


def test_arm_data_keep_their_entered_decimals_and_derived_values_are_marked(tmp_path):
    bundle = _read(tmp_path, ENTERED)
    lay = forest_layout(bundle)
    rows = {r.label: r.cells for r in lay.rows if r.kind == "study"}
    assert (rows["A"]["m1"], rows["A"]["sd1"], rows["A"]["m2"], rows["A"]["sd2"]) == ("14.0", "2.50", "12.25", "2.5")
    assert (rows["C"]["m1"], rows["C"]["sd1"], rows["C"]["n1"]) == ("15", "3", "30")
    # B's SD was derived from its SE (0.4 * sqrt(25) = 2): written with the column's decimals, marked
    assert rows["B"]["sd1"] == "2.00†" and rows["B"]["sd2"] == "3.10"
    assert bundle.studies[1].derived == ("sd1",) and "sd1" not in bundle.studies[1].decimals
    assert bundle.studies[0].decimals == {"m1": 1, "sd1": 2, "n1": 0, "m2": 2, "sd2": 1, "n2": 0}
    legend = [r for r in lay.rows if r.kind == "legend"]
    assert len(legend) == 1 and legend[0].label.startswith("† Derived")
    # the report's study table says the same
    from evisynth.report.tables import study_table

    table = study_table(bundle)
    assert table.rows[1][2] == "2.00†" and any(n.startswith("† Derived") for n in table.notes)
    # the document keeps the decimals and the derived columns (new keys) and reads them back
    doc = bundle.to_dict()
    assert doc["studies"][1]["derived"] == ["sd1"] and doc["studies"][0]["decimals"]["m1"] == 1
    from evisynth.analyses.bundle import AnalysisBundle

    again = forest_layout(AnalysisBundle.from_dict(doc))
    assert [r.cells for r in again.rows] == [r.cells for r in lay.rows]


def test_no_legend_without_derived_values(tmp_path):
    lay = forest_layout(_read(tmp_path, "study,m1,sd1,n1,m2,sd2,n2\nA,1.5,1,10,1,1,10\nB,2,1.25,12,1,1,12\n"))
    assert "legend" not in lay.kinds()


def test_split_control_counts_are_marked(tmp_path):
    text = ("study,trial,control_group,split_control,m1,sd1,n1,m2,sd2,n2\n"
            "T: 1 Hz,T,sham,yes,1.0,1.0,20,1.5,1.0,30\nT: 10 Hz,T,sham,yes,0.8,1.0,20,1.5,1.0,30\n"
            "U,U,,,1.1,0.9,25,1.4,1.1,25\n")
    lay = forest_layout(_read(tmp_path, text))
    rows = {r.label: r.cells for r in lay.rows if r.kind == "study"}
    assert rows["T: 1 Hz"]["n2"] == "15†" and rows["U"]["n2"] == "25"


# -- a bound that rounds to zero prints as 0.00 ---------------------------------------------------------------


def test_no_negative_zero_on_the_layout():
    df = pd.DataFrame({"study": ["A", "B", "C"], "yi": [-0.20, -0.18, -0.19], "vi": [0.0276, 0.0276, 0.0276]})
    bundle = analyse(df, method="DL")
    p = bundle.pooled
    assert -0.005 < p.ci_upper < 0  # a bound just below zero
    lay = forest_layout(bundle)
    total = next(r for r in lay.rows if r.kind == "total")
    assert total.cells["effect"].endswith(", 0.00]")
    texts = [c for r in lay.rows for c in (r.label, *r.cells.values())] + list(lay.axis.tick_labels)
    assert not any("-0.00" in t or t == "-0" for t in texts)


# -- the axis fits the data with RevMan's nice limits, or takes the user's ------------------------------------


def _generic(yi, se):
    return analyse(pd.DataFrame({"study": [f"S{i}" for i in range(len(yi))], "yi": yi, "sei": se}), method="DL")


def test_axis_fits_asymmetric_data():
    # estimates and limits between -5 and 2: the axis is -5 to 2, not -10..10 or -5..5
    bundle = _generic([-4.0, -2.5, -1.0, 0.5], [0.45, 0.4, 0.5, 0.6])
    lay = forest_layout(bundle, intervention="A", comparison="B")
    ax = lay.axis
    assert (ax.lower, ax.upper) == (-5.0, 2.0)
    assert ax.tick_labels == ("-5", "-2.5", "0", "1", "2")
    assert all(ax.lower <= r.estimate <= ax.upper for r in lay.rows if r.kind in ("study", "total"))
    # both favours labels fit under their side of the null line
    from evisynth.plots._forest_geometry import favours_width

    assert lay.graph_width >= favours_width(ax, lay.favours) - 1e-9


def test_axis_side_without_data_still_shows_the_null_and_its_label():
    bundle = _generic([-0.6, -0.4, -0.5], [0.1, 0.12, 0.11])
    ax = forest_layout(bundle).axis
    assert ax.lower == -1.0 and 0 < ax.upper < 1.0 and 0.0 in ax.ticks


def test_log_axis_sides_use_revman_ratio_scales():
    bundle = analyse(pd.DataFrame({"study": ["A", "B", "C"], "events1": [2, 3, 1], "n1": [50, 60, 40],
                                   "events2": [12, 15, 9], "n2": [50, 60, 40]}), measure="RR", method="MH")
    ax = forest_layout(bundle).axis
    assert ax.log and math.exp(ax.lower) == pytest.approx(0.01) and math.exp(ax.upper) < 100
    assert {"0.01", "1"} <= set(ax.tick_labels)


def test_user_limits_are_kept_exactly():
    bundle = _generic([-4.0, -2.5, -1.0, 0.5], [0.45, 0.4, 0.5, 0.6])
    ax = forest_layout(bundle, xlim=(-6, 3)).axis
    assert (ax.lower, ax.upper) == (-6, 3) and ax.tick_labels == ("-6", "-3", "0", "1.5", "3")
    with pytest.raises(Exception, match="xlim"):
        forest_layout(bundle, xlim=(3, -6))


def test_methods_text_says_peto_rows_are_not_corrected():
    from evisynth.report.methods_text import methods_paragraph

    for method in ("PETO", "IV", "DL"):
        text = methods_paragraph(analyse(PETO, measure="PETO", method=method))
        assert "No continuity correction was applied" in text and "was added to each cell" not in text
    assert "0.5 was added to each cell" in methods_paragraph(analyse(PETO, measure="OR", method="MH"))


def test_long_favours_labels_end_in_a_symmetric_axis_and_a_wider_graph():
    bundle = _generic([-4.0, -2.5, -1.0, 0.5], [0.45, 0.4, 0.5, 0.6])
    name = "repetitive transcranial magnetic stimulation of the unaffected hemisphere"
    lay = forest_layout(bundle, intervention=name, comparison=name)
    assert lay.axis.lower == -lay.axis.upper == -5.0
    from evisynth.plots._forest_geometry import favours_width

    assert lay.graph_width >= favours_width(lay.axis, lay.favours) - 1e-9
