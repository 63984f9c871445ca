"""The report writer and the ``evisynth report`` command."""

from __future__ import annotations

import copy
import json

import pytest
from figdata import SAMPLES

from evisynth.cli.main import main
from evisynth.errors import InputError
from evisynth.report.html_report import build_report, write_report
from evisynth.report.options import ReportOptions
from evisynth.report.tables import all_tables, bias_table, meta_regression_table, sensitivity_tables

FAST = ReportOptions(dpi=50, intervention="rTMS", outcome="spasticity", unit="trials")


def test_write_report_files(doc_or_subgroup, tmp_path):
    path = write_report(doc_or_subgroup, tmp_path / "out", FAST)
    out = tmp_path / "out"
    assert path == out / "report.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'src="figures/' not in page and "<link" not in page and "<script" not in page  # self-contained
    assert page.count("data:image/png;base64,") == 4  # forest, funnel, radial, Baujat
    assert "rTMS reduced the odds of spasticity compared with control (OR 0.60, 95% CI 0.42 to 0.87" in page
    assert "restricted maximum likelihood (REML)" in page
    for table_id in ("table-studies", "table-pooled", "table-subgroups"):
        assert table_id in page
    assert "table-bias" not in page and "table-meta_regression" not in page
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "![Forest plot](figures/forest.png)" in md and "[SVG](figures/forest.svg)" in md
    assert "| Zeta 2012 | 0 | 30 | 0 | 31 | Not estimable |  | double-zero study" in md
    for name in ("forest", "funnel", "radial", "baujat"):
        assert (out / "figures" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
        assert b"<svg" in (out / "figures" / f"{name}.svg").read_bytes()[:400]
    assert json.loads((out / "analysis.json").read_text()) == doc_or_subgroup


def test_inline_svg_and_bundle_input(tmp_path):
    from figdata import continuous_frame

    from evisynth.analyses.run import run_analysis

    with pytest.warns(Warning, match="only 2 studies"):
        bundle = run_analysis(continuous_frame(2), source="two")
    path = write_report(bundle, tmp_path, ReportOptions(embed="svg", dpi=50))
    page = path.read_text(encoding="utf-8")
    assert "<svg" in page and "data:image/png" not in page
    assert page.count("<figure") == 1  # k = 2: forest plot only


def test_sections_appear_only_when_present(doc_subgroup):
    assert [t.key for t in all_tables(doc_subgroup)] == ["studies", "pooled", "subgroups"]
    doc = copy.deepcopy(doc_subgroup)
    doc["meta_regression"] = {"coefficients": [{"name": "intrcpt", "estimate": -0.3, "se": 0.1, "ci_lower": -0.5,
                                                "ci_upper": -0.1, "p_value": 0.003}], "qm": 4.2, "qm_df": 1,
                              "qm_p": 0.04, "r2": 35.0}
    doc["publication_bias"] = {"egger": {"statistic": 1.234, "df": 3, "p_value": 0.3, "intercept": 0.5},
                               "begg": {"kendall_tau": 0.2, "p_value": 0.8},
                               "trim_and_fill": {"k0": 1, "side": "left", "estimate": -0.35, "ci_lower": -0.6,
                                                 "ci_upper": -0.1},
                               "fail_safe_n": {"n": 7, "method": "Rosenthal"}}
    doc["sensitivity"] = {"leave_one_out": [{"omitted": "A", "k": 4, "estimate": -0.3, "ci_lower": -0.6,
                                             "ci_upper": 0.0, "p_value": 0.05, "i2": 0.0, "tau2": 0.0}],
                          "influence": [{"study": "A", "cooks_d": 0.12, "dfbetas": -0.3, "influential": False}]}
    assert [t.key for t in all_tables(doc)] == ["studies", "pooled", "subgroups", "meta_regression", "bias",
                                                 "leave_one_out", "influence"]
    mr = meta_regression_table(doc)
    assert mr.rows[0] == ("intrcpt", "-0.3000", "0.1000", "[-0.5000, -0.1000]", "0.003")
    assert "Test of moderators: QM = 4.20, df = 1, P = 0.04" in mr.notes
    bias = bias_table(doc)
    assert bias.rows[0][:3] == ("Egger's regression test", "t = 1.23, df = 3", "0.30")
    assert bias.rows[2] == ("Trim-and-fill", "1 studies imputed (left side)", "", "adjusted estimate -0.35 [-0.60, -0.10]")
    assert bias.rows[3][:2] == ("Fail-safe N (Rosenthal)", "7")
    infl = sensitivity_tables(doc)[1]
    assert infl.header == ("Study", "cooks_d", "dfbetas", "influential")
    parts = build_report(doc, ReportOptions(dpi=50))
    assert [f.key for f in parts["figures"]] == ["forest", "leave_one_out", "funnel", "radial", "baujat"]


def test_options_are_validated():
    with pytest.raises(InputError, match="embed"):
        ReportOptions(embed="gif")
    with pytest.raises(InputError, match="dpi"):
        ReportOptions(dpi=5)


def test_report_title():
    doc = {"measure_label": "Mean Difference"}
    assert ReportOptions().report_title(doc) == "Meta-analysis (Mean Difference)"
    assert ReportOptions(intervention="rTMS", comparison="sham", outcome="spasticity").report_title(doc) == \
        "rTMS versus sham: spasticity"


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "rep"
    code = main(["report", str(SAMPLES / "continuous.csv"), "--subgroup", "hemisphere", "--out", str(out),
                 "--intervention", "rTMS", "--outcome", "spasticity", "--unit", "trials", "--sort-by", "effect",
                 "--higher-is-better", "--dpi", "50", "--method", "DL"])
    assert code == 0
    assert "wrote" in capsys.readouterr().err
    doc = json.loads((out / "analysis.json").read_text())
    assert doc["settings"]["method"] == "DL" and doc["subgroups"]["variable"] == "hemisphere"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "the DerSimonian-Laird method (DL)" in page
    assert "rTMS reduced spasticity compared with control (MD" in page
    assert main(["report", str(SAMPLES / "continuous.csv"), "--out", str(out), "--sort-by", "nope", "--dpi", "50"]) == 2
    assert "sort_by='nope'" in capsys.readouterr().err
