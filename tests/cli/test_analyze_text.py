"""``evisynth analyze`` prints every section it computed, each number the one in the JSON document.

``evisynth analyze DATA --bias --sensitivity --moderator X --permutations 999 --predict X=1``: the
meta-regression with its permutation P values and prediction, Egger/Begg, trim-and-fill with the
adjusted estimate, fail-safe N, leave-one-out, cumulative and influence.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from evisynth import format as fmt
from evisynth.cli.main import main
from evisynth.examples.data import example_path

ARGS = ["--method", "DL", "--bias", "--sensitivity", "--moderator", "pulses_1000", "--permutations", "999",
        "--predict", "pulses_1000=1"]


def _run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["analyze", str(example_path("motor_synthetic.csv")), *args]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def printed() -> tuple[str, dict]:
    return _run(*ARGS), json.loads(_run(*ARGS, "--json", "-"))


def _section(text: str, heading: str) -> list[str]:
    """The lines of the section that starts with ``heading`` (up to the next blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def _row(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.strip().startswith(label + " ") or line.strip() == label)


def test_every_section_is_printed(printed):
    text, _ = printed
    for heading in ("Study ", "Total (95% CI)", "Heterogeneity:", "Test for overall effect:", "Meta-regression (",
                    "Small-study effects and publication bias", "Leave-one-out analysis:",
                    "Cumulative meta-analysis", "Influence diagnostics"):
        assert any(line.startswith(heading) for line in text.splitlines()), heading


def test_meta_regression_numbers_match_the_document(printed):
    text, doc = printed
    mr = doc["meta_regression"]
    lines = _section(text, "Meta-regression (")
    assert "Permutation P" in lines[1]
    for c, perm in zip(mr["coefficients"], mr["permutation_p"], strict=True):
        row = _row(lines, c["name"]).split()
        assert row[1:3] == [fmt.format_number(c["estimate"], 4), fmt.format_number(c["se"], 4)]
        assert " ".join(row[3:5]) == fmt.format_ci(c["ci_lower"], c["ci_upper"], 4)
        assert row[5:] == [fmt.format_p(c["p_value"]), fmt.format_p(perm)]
    qm = _row(lines, "Test of moderators:")
    assert f"QM = {fmt.format_number(mr['qm'], 2)}, df = {mr['qm_df']} ({fmt.p_text(mr['qm_p'])})" in qm
    assert f"permutation {fmt.p_text(mr['permutation_qm_p'])} (999 permutations, seed {mr['permutations']['seed']})" \
        in qm
    resid = _row(lines, "Residual heterogeneity:")
    assert f"Tau² = {fmt.format_number(mr['tau2'], 4)}" in resid and f"R² = {fmt.format_percent(mr['r2'], 1)}" in resid
    assert f"QE = {fmt.format_number(mr['qe'], 2)}, df = {mr['qe_df']} ({fmt.p_text(mr['qe_p'])})" in resid
    (pr,) = mr["predictions"]
    pred = _row(lines, "Predicted effect at pulses_1000 = 1:")
    assert pred.endswith(f"{fmt.format_effect_ci(pr['estimate'], pr['ci_lower'], pr['ci_upper'])}; prediction "
                         f"interval {fmt.format_ci(pr['pi_lower'], pr['pi_upper'])}")


def test_bias_numbers_match_the_document(printed):
    text, doc = printed
    pb = doc["publication_bias"]
    lines = _section(text, "Small-study effects and publication bias")
    e = pb["egger"]
    assert _row(lines, "Egger's regression test:").strip() == (
        f"Egger's regression test: t = {fmt.format_number(e['statistic'], 2)}, df = {e['df']} "
        f"({fmt.p_text(e['p_value'])}); bias {fmt.format_number(e['bias'], 3)} (SE {fmt.format_number(e['bias_se'], 3)})")
    m = pb["egger_mixed"]
    assert f"z = {fmt.format_number(m['statistic'], 2)} ({fmt.p_text(m['p_value'])})" in \
        _row(lines, "Egger's test (mixed-effects):")
    b = pb["begg"]
    assert f"Kendall's tau = {fmt.format_number(b['kendall_tau'], 3)} ({fmt.p_text(b['p_value'])}" in \
        _row(lines, "Begg's rank correlation:")
    tf = pb["trim_and_fill"]
    row = _row(lines, "Trim-and-fill")
    assert f"{tf['k0']} studies imputed on the {tf['side']} side" in row
    assert f"adjusted estimate {fmt.format_effect_ci(tf['estimate'], tf['ci_lower'], tf['ci_upper'])}" in row
    assert f"{fmt.p_text(tf['p_value'])}; k = {tf['k']}" in row
    fs = pb["fail_safe_n"]
    assert _row(lines, "Fail-safe N").strip() == (
        f"Fail-safe N (alpha = 0.05): Rosenthal {fs['rosenthal']} ({fmt.p_text(fs['rosenthal_p'])}), Orwin "
        f"{fs['orwin']} (target {fmt.format_number(fs['orwin_target'], 3)}), Rosenberg {fs['rosenberg']} "
        f"({fmt.p_text(fs['rosenberg_p'])})")


@pytest.mark.parametrize(("heading", "key", "label"), [("Leave-one-out analysis:", "leave_one_out", "omitted"),
                                                      ("Cumulative meta-analysis", "cumulative", "added")])
def test_leave_one_out_and_cumulative_rows_match_the_document(printed, heading, key, label):
    text, doc = printed
    lines = _section(text, heading)
    rows = doc["sensitivity"][key]
    assert len(lines) == len(rows) + 2  # heading, column header, one line per re-analysis
    for r in rows:
        line = _row(lines, r[label])
        tail = line[line.index(r[label]) + len(r[label]):].split()
        effect = fmt.format_effect_ci(r["estimate"], r["ci_lower"], r["ci_upper"]).split()
        assert tail[:4] == [str(r["k"]), *effect]
        assert " ".join(tail[4:-2]) == fmt.format_p(r["p_value"])
        assert tail[-2:] == [fmt.format_number(r["tau2"], 4), fmt.format_percent(r["i2"])]


def test_influence_rows_match_the_document(printed):
    text, doc = printed
    lines = _section(text, "Influence diagnostics")
    for r in doc["sensitivity"]["influence"]:
        line = _row(lines, r["study"])
        tail = line[line.index(r["study"]) + len(r["study"]):].split()
        assert tail[:9] == [fmt.format_number(r["rstudent"], 3), fmt.format_number(r["dffits"], 3),
                            fmt.format_number(r["cook_d"], 3), fmt.format_number(r["cov_r"], 3),
                            fmt.format_number(r["tau2_deleted"], 4), fmt.format_number(r["q_deleted"], 2),
                            fmt.format_number(r["hat"], 3), fmt.format_percent(r["weight_percent"], 1),
                            fmt.format_number(r["dfbetas"], 3)]
        assert (tail[9:] == ["yes"]) == r["influential"]


def test_subgroups_are_printed_as_revman_subtotals(tmp_path):
    text = _run("--method", "DL", "--subgroup", "limb")
    doc = json.loads(_run("--method", "DL", "--subgroup", "limb", "--json", "-"))
    lines = _section(text, "Subgroups by limb")
    for g in doc["subgroups"]["groups"]:
        start = lines.index(f"  {g['level']} (k = {g['k']})")
        subtotal, het, overall = lines[start + 1:start + 4]
        assert fmt.format_effect_ci(g["estimate"], g["ci_lower"], g["ci_upper"]) in subtotal
        assert het.strip() == fmt.heterogeneity_text(q=g["q"], df=g["q_df"], q_p=g["q_p"], i2=g["i2"], tau2=g["tau2"])
        assert overall.strip() == fmt.overall_effect_text(g["statistic"], g["p_value"], g["df"])
    assert lines[-1] == doc["text"]["subgroup_difference"]


def test_ratio_measure_predictions_are_ratios(tmp_path):
    path = tmp_path / "or.csv"
    path.write_text("study,events1,n1,events2,n2,dose\nA,3,30,8,31,1\nB,1,20,4,20,2\nC,10,50,12,49,3\n"
                    "D,5,40,9,41,4\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["analyze", str(path), "--measure", "OR", "--moderator", "dose", "--predict", "dose=2"]) == 0
    text = out.getvalue()
    assert "Coefficients are on the log scale; predictions are odds ratios." in text
    assert "Predicted effect at dose = 2: 0." in text  # an odds ratio below 1, not a log odds ratio
