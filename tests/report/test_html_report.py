"""The report writer and the ``evisynth report`` command."""

from __future__ import annotations

import json

import pytest

from evisynth import format as fmt
from evisynth.cli.main import main
from evisynth.errors import InputError
from evisynth.report.html_report import build_report, write_report
from evisynth.report.options import ReportOptions
from evisynth.report.tables import all_tables, bias_table, meta_regression_table, sensitivity_tables
from figdata import SAMPLES

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
    assert json.loads((out / "analysis.json").read_text()) == doc_or_subgroup.to_dict()


def test_inline_svg_and_bundle_input(tmp_path):
    from evisynth.analyses.run import run_analysis
    from figdata import continuous_frame

    with pytest.warns(Warning, match="only 2 studies"):
        bundle = run_analysis(continuous_frame(2), source="two")
    path = write_report(bundle, tmp_path, ReportOptions(embed="svg", dpi=50))
    page = path.read_text(encoding="utf-8")
    assert "<svg" in page and "data:image/png" not in page
    assert page.count("<figure") == 1  # k = 2: forest plot only


def test_sections_appear_only_when_present(doc_subgroup):
    from figdata import analyse, continuous_frame

    assert [t.key for t in all_tables(doc_subgroup)] == ["studies", "pooled", "subgroups"]
    full = analyse(continuous_frame(12, subgroups=True), subgroup="dose", moderators=("year",), bias=True,
                   sensitivity=True)
    assert [t.key for t in all_tables(full)] == ["studies", "pooled", "subgroups", "meta_regression", "bias",
                                                  "leave_one_out", "cumulative", "influence"]
    mr, c = meta_regression_table(full), full.meta_regression.coefficients[0]
    assert mr.rows[0] == ("intercept", fmt.format_number(c.estimate, 4), fmt.format_number(c.se, 4),
                          fmt.format_ci(c.ci_lower, c.ci_upper, 4), fmt.format_p(c.p_value))
    m = full.meta_regression
    assert f"Test of moderators: QM = {fmt.format_number(m.qm, 2)}, df = 1, {fmt.p_text(m.qm_p)}" in mr.notes
    bias, pb = bias_table(full), full.publication_bias
    assert bias.rows[0][:3] == ("Egger's regression test", f"t = {fmt.format_number(pb.egger.statistic, 2)}, df = 10",
                                fmt.format_p(pb.egger.p_value))
    tf = next(r for r in bias.rows if r[0] == "Trim-and-fill")
    assert tf[1] == f"{pb.trim_and_fill.k0} studies imputed ({pb.trim_and_fill.side} side)"
    fsn = next(r for r in bias.rows if r[0] == "Fail-safe N (Rosenthal)")
    assert fsn[1] == fmt.format_count(pb.fail_safe_n.rosenthal)
    infl = sensitivity_tables(full)[2]
    assert infl.header[:3] == ("Study", "rstudent", "dffits") and infl.header[-1] == "influential"
    assert infl.notes[0].startswith("rstudent: studentized deleted residual; dffits: ")  # metafor's names explained
    parts = build_report(full, ReportOptions(dpi=50))
    assert [f.key for f in parts["figures"]] == ["forest", "leave_one_out", "cumulative", "funnel", "radial", "baujat",
                                                 "bubble_year"]


def test_options_are_validated():
    with pytest.raises(InputError, match="embed"):
        ReportOptions(embed="gif")
    with pytest.raises(InputError, match="dpi"):
        ReportOptions(dpi=5)


def test_report_title():
    assert ReportOptions().report_title("Mean Difference") == "Meta-analysis (Mean Difference)"
    assert ReportOptions(intervention="rTMS", comparison="sham", outcome="spasticity").report_title("MD") == \
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
