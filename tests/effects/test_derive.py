"""The study table's derivation columns (evisynth.io.derive) and their provenance notes."""

import warnings

import numpy as np
import pandas as pd
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.compute import compute_effects
from evisynth.errors import DataWarning, InputError
from evisynth.io import conversions as cv
from evisynth.io.tabular import read_study_table


def frame(**cols: list) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_plain_table_is_untouched() -> None:
    t = read_study_table(frame(study=["A", "B"], m1=[1, 2], sd1=[1, 1], n1=[10, 10], m2=[0, 0], sd2=[1, 1], n2=[10, 10]))
    assert t.derived == ()
    assert list(t.extra) == []


def test_se_ci_and_median_columns_fill_missing_sd() -> None:
    df = frame(
        study=["SE", "CI", "Median", "Given"],
        m1=[1.0, None, None, 2.0], sd1=[None, None, None, 1.5], n1=[25, 25, 40, 20],
        se1=[0.4, None, None, 9.9],  # a given SD wins over se1
        ci1_lower=[None, 10.0, None, None], ci1_upper=[None, 14.128, None, None],
        median1=[None, None, 45, None], q1_1=[None, None, 38, None], q3_1=[None, None, 55, None],
        min1=[None, None, 20, None], max1=[None, None, 80, None],
        m2=[0.5, 11.0, 44.0, 1.0], sd2=[1.0, 5.0, 12.0, 1.0], n2=[25, 25, 40, 20],
    )
    t = read_study_table(df)
    c = t.columns
    assert c["sd1"][0] == pytest.approx(2.0)  # 0.4 * sqrt(25)
    assert c["sd1"][1] == pytest.approx(5.0, abs=0.001)  # Handbook: n = 25 -> 4.128
    assert c["m1"][1] == pytest.approx(12.064)
    ref = cv.mean_sd_from_median(45, 40, q1=38, q3=55, minimum=20, maximum=80)
    assert (c["m1"][2], c["sd1"][2]) == pytest.approx((float(ref.mean), float(ref.sd)))
    assert c["sd1"][3] == 1.5
    assert t.derived[0] == "sd1 from se1 (SD = SE·√n)"
    assert t.derived[1].startswith("m1, sd1 from the 95% CI of the mean (SD = √n·width/4.128, t with 24 df)")
    assert t.derived[2] == "m1, sd1 from the median, IQR and range (Luo 2018 mean, Shi 2020 SD)"
    assert t.derived[3] == ""
    # Derivation columns are consumed, not offered as moderators.
    assert t.extra == {}


def test_notes_reach_the_analysis_document() -> None:
    df = frame(study=["A", "B", "C"], m1=[1.0, 1.2, 0.9], sd1=[None, 1.0, 1.1], se1=[0.2, None, None],
               n1=[25, 30, 20], m2=[0.5, 0.6, 0.7], sd2=[1.0, 1.0, 1.0], n2=[25, 30, 20])
    doc = run_analysis(df, AnalysisSpec(measure="MD", method="DL")).to_dict()
    assert doc["studies"][0]["note"] == "sd1 from se1 (SD = SE·√n)"
    assert doc["studies"][0]["data"]["sd1"] == pytest.approx(1.0)
    assert doc["studies"][1]["note"] is None


def test_pooled_sd_from_p_t_and_diff_ci() -> None:
    df = frame(study=["P", "T", "CI"], m1=[13.8, 13.8, 13.8], m2=[10.0, 10.0, 10.0],
               sd1=[None, None, None], sd2=[None, None, None], n1=[25, 25, 25], n2=[22, 22, 22],
               p_value=[0.008, None, None], t_value=[None, 2.78, None],
               md_ci_lower=[None, None, 1.0], md_ci_upper=[None, None, 6.6])
    t = read_study_table(df)
    c = t.columns
    assert c["sd1"][0] == c["sd2"][0] == pytest.approx(float(cv.sd_from_p(3.8, 0.008, 25, 22)))
    assert c["sd1"][1] == pytest.approx(1.3669 / np.sqrt(1 / 25 + 1 / 22), rel=1e-4)
    assert c["sd1"][2] == pytest.approx(float(cv.sd_from_diff_ci(1.0, 6.6, 25, 22)))
    assert "from P = 0.008 (t = 2.776 with 45 df)" in t.derived[0]
    assert t.derived[1].startswith("sd1 = sd2 = pooled SD")


def test_change_from_baseline() -> None:
    df = frame(study=["A", "B"], n1=[10, 12], n2=[10, 12], m1=[None, 3.0], sd1=[None, 2.0],
               m1_baseline=[20.0, None], m1_final=[26.5, None], sd1_baseline=[2.38, None], sd1_final=[2.21, None],
               m2=[1.0, 1.0], sd2=[None, 2.0], sd2_baseline=[2.5, None], sd2_final=[2.6, None],
               corr=[0.68, None], corr2=[0.5, None])
    t = read_study_table(df)
    assert t.columns["m1"][0] == pytest.approx(6.5)
    assert t.columns["sd1"][0] == pytest.approx(float(cv.sd_change(2.38, 2.21, 0.68)))
    assert t.columns["sd2"][0] == pytest.approx(float(cv.sd_change(2.5, 2.6, 0.5)))  # arm-specific r wins
    assert "r = 0.68" in t.derived[0] and "r = 0.5" in t.derived[0]


def test_missing_correlation_is_an_error_naming_the_row() -> None:
    df = frame(study=["A"], n1=[10], n2=[10], m1=[1.0], sd1=[None], sd1_baseline=[2.0], sd1_final=[2.0],
               m2=[0.0], sd2=[1.0])
    with pytest.raises(InputError, match=r"row 1 \(line 2\).*correlation"):
        read_study_table(df)


def test_median_without_spread_is_an_error() -> None:
    df = frame(study=["A"], n1=[10], n2=[10], m1=[None], sd1=[None], median1=[3.0], m2=[0.0], sd2=[1.0])
    with pytest.raises(InputError, match="median1 needs the quartiles"):
        read_study_table(df)


def test_combining_a_second_group() -> None:
    df = frame(study=["A"], n1=[17], m1=[10.0], sd1=[3.0], n1_b=[23], m1_b=[14.0], sd1_b=[5.0],
               n2=[30], m2=[9.0], sd2=[4.0])
    t = read_study_table(df)
    ref = cv.combine_groups(17, 10.0, 3.0, 23, 14.0, 5.0)
    assert (t.columns["n1"][0], t.columns["m1"][0], t.columns["sd1"][0]) == pytest.approx(tuple(map(float, ref)))
    assert "arm 1 combined with a second group (n 17 + 23; Handbook table 6.5.a)" == t.derived[0]


def test_combining_binary_groups() -> None:
    df = frame(study=["A", "B"], events1=[3, 4], n1=[20, 20], events1_b=[2, None], n1_b=[15, None],
               events2=[6, 7], n2=[30, 30])
    t = read_study_table(df)
    assert t.columns["events1"].tolist() == [5, 4] and t.columns["n1"].tolist() == [35, 20]
    eff = compute_effects(t, "RR")
    assert eff.notes[0].startswith("arm 1 combined")


MULTI = dict(
    study=["T1 (1 Hz)", "T1 (10 Hz)", "T2"], trial=["T1", "T1", "T2"], control_group=["sham", "sham", "sham"],
    m1=[1.0, 1.2, 0.8], sd1=[0.5, 0.5, 0.5], n1=[20, 21, 15], m2=[1.5, 1.5, 1.4], sd2=[0.6, 0.6, 0.6], n2=[31, 31, 15],
)


def test_shared_control_warns_without_splitting() -> None:
    with pytest.warns(DataWarning, match="'sham' of trial 'T1' \\(2 comparisons\\)"):
        t = read_study_table(frame(**MULTI))
    assert t.columns["n2"].tolist() == [31, 31, 15]
    assert "trial_id" in t.extra and "control_group" in t.extra
    # run_analysis reports it among the document's warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = run_analysis(frame(**MULTI), AnalysisSpec(measure="MD", method="DL")).to_dict()
    assert any(w.startswith("DataWarning: control group counted more than once") for w in doc["warnings"])


def test_split_control_option_and_column() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = read_study_table(frame(**MULTI), split_control=True)
    assert t.columns["n2"].tolist() == [16, 15, 15]
    assert t.derived[0] == "shared control 'sham' of trial 'T1' split across 2 comparisons: n2 31 → 16 (Handbook §23.3.4)"
    assert t.derived[2] == ""
    t2 = read_study_table(frame(**MULTI, split_control=["yes", "yes", ""]))
    assert t2.columns["n2"].tolist() == [16, 15, 15]
    with pytest.raises(InputError, match="split_control must be the same"):
        read_study_table(frame(**MULTI, split_control=["yes", "no", ""]))


def test_split_binary_control_events() -> None:
    df = frame(study=["A1", "A2", "A3"], trial_id=["A", "A", "A"], control_group=["placebo"] * 3,
               events1=[3, 4, 5], n1=[20, 20, 20], events2=[10, 10, 10], n2=[31, 31, 31], split_control=["yes"] * 3)
    t = read_study_table(df)
    assert t.columns["n2"].tolist() == [11, 10, 10]
    assert t.columns["events2"].tolist() == [4, 3, 3]
    assert "events2 10 → 4" in t.derived[0]


def test_inconsistent_shared_control_rows_are_refused() -> None:
    bad = dict(MULTI)
    bad["n2"] = [31, 30, 15]
    with pytest.raises(InputError, match="different control data"):
        read_study_table(frame(**bad), split_control=True)


def test_ci_level_column_and_large_groups() -> None:
    df = frame(study=["A", "B"], n1=[25, 100], m1=[None, None], sd1=[None, None],
               ci1_lower=[10.0, 0.0], ci1_upper=[14.0, 3.29], ci_level=[90, 0.90],
               m2=[11.0, 1.0], sd2=[5.0, 10.0], n2=[25, 100])
    t = read_study_table(df)
    assert t.columns["sd1"][0] == pytest.approx(float(cv.sd_from_ci(10, 14, 25, level=0.90)))
    assert t.columns["sd1"][1] == pytest.approx(10.0, abs=0.01)  # n >= 60: 3.29 for a 90% CI
    assert "90% CI" in t.derived[0] and "normal" in t.derived[1]


def test_trial_column_alone_groups_comparisons() -> None:
    df = frame(study=["T1 a", "T1 b", "T2"], trial_id=["T1", "T1", "T2"],
               m1=[1.0, 1.2, 0.8], sd1=[0.5, 0.5, 0.5], n1=[20, 21, 15], m2=[1.5, 1.5, 1.4],
               sd2=[0.6, 0.6, 0.6], n2=[30, 30, 15])
    t = read_study_table(df, split_control=True)
    assert t.columns["n2"].tolist() == [15, 15, 15]
    assert "of trial 'T1' split across 2 comparisons" in t.derived[0]


def test_trial_is_the_label_when_there_is_no_other_label() -> None:
    t = read_study_table(frame(trial=["A", "B"], m1=[1, 2], sd1=[1, 1], n1=[10, 10], m2=[0, 0], sd2=[1, 1],
                               n2=[10, 10]))
    assert t.study == ("A", "B") and t.derived == ()


def test_bad_cells_name_row_and_column() -> None:
    df = frame(study=["A"], n1=[10], n2=[10], m1=[1.0], sd1=[None], se1=["abc"], m2=[0.0], sd2=[1.0])
    with pytest.raises(InputError, match=r"row 1 \(line 2\), column 'se1': 'abc' is not a number"):
        read_study_table(df)
