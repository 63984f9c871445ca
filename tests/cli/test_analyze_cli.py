"""The ``evisynth analyze`` command: contract keys, exit codes and one-line errors."""

import json
import subprocess
import sys

import pytest

from evisynth.cli.main import main

CONT = "study,m1,sd1,n1,m2,sd2,n2,hemi\nA,1,1,10,1.5,1.1,12,x\nB,2,1.2,15,2.1,1,14,y\nC,0.5,0.8,20,1.2,0.9,21,x\n"


def run(tmp_path, text, *args, name="d.csv"):
    path = tmp_path / name
    path.write_text(text)
    out = tmp_path / "out.json"
    code = main(["analyze", str(path), *args, "--json", str(out)])
    return code, (json.loads(out.read_text()) if out.exists() else None)


def test_json_document_has_contract_keys(tmp_path):
    code, doc = run(tmp_path, CONT, "--subgroup", "hemi")
    assert code == 0
    assert set(doc["studies"][0]) >= {"study", "yi", "vi", "se", "ci_lower", "ci_upper", "weight_percent", "included"}
    assert set(doc["pooled"]) >= {"k", "estimate", "se", "statistic", "df", "p_value", "ci_lower", "ci_upper",
                                  "pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t"}
    assert set(doc["heterogeneity"]) >= {"tau2", "tau2_se", "tau2_ci_lower", "tau2_ci_upper", "tau", "tau_ci_lower",
                                         "tau_ci_upper", "i2", "i2_ci_lower", "i2_ci_upper", "h2", "h2_ci_lower",
                                         "h2_ci_upper", "q", "q_df", "q_p"}
    assert set(doc["subgroups"]) >= {"variable", "groups", "difference"}
    assert set(doc["subgroups"]["difference"]) >= {"q", "df", "p_value", "i2"}
    assert doc["pooled"]["df"] is None  # z test


def test_ratio_measures_have_exp_twins(tmp_path):
    code, doc = run(tmp_path, "study,events1,n1,events2,n2\nA,3,30,8,31\nB,1,20,4,20\nC,10,50,12,49\n", "--measure", "RR")
    assert code == 0
    p = doc["pooled"]
    for key in ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper"):
        assert p[f"{key}_exp"] == pytest.approx(2.718281828459045 ** p[key])


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("study,m1,sd1,n1,m2,sd2,n2\nA,1,-1,10,1.5,1.1,12\nB,1,1,10,1,1,10\n", ["row 1", "'sd1'", "negative"]),
        ("study,m1,sd1,n1,m2,sd2,n2\nA,1,1,10,1.5,abc,12\nB,1,1,10,1,1,10\n", ["row 1", "'sd2'", "not a number"]),
        # duplicated labels are accepted with a warning and made unique (tests/engine/test_duplicate_labels.py)
        ("study,m1,sd1,n1,m2,sd2,n2\nA,1,1,1,1.5,1,12\nB,1,1,10,1,1,10\n", ["row 1", "'n1'", "below 2"]),
        ("study,events1,n1,events2,n2\nA,12,10,1,10\nB,1,10,1,10\n", ["row 1", "'events1'", "more than"]),
        ("study,m1,sd1,n1,m2,n2\nA,1,1,10,1.5,12\n", ["missing", "sd2"]),
        ("m1,sd1,n1,m2,sd2,n2\n1,1,10,1.5,1,12\n", ["study"]),
        ("study,m1,sd1,n1,m2,sd2,n2\n", ["no data rows"]),
        ("", ["empty"]),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, capsys, text, expect):
    code, _ = run(tmp_path, text)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert "d.csv" in err
    for piece in expect:
        assert piece in err


def test_missing_file(tmp_path, capsys):
    assert main(["analyze", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_unknown_subgroup_column(tmp_path, capsys):
    code, _ = run(tmp_path, CONT, "--subgroup", "nosuch")
    assert code == 2
    assert "nosuch" in capsys.readouterr().err


def test_conflicting_model_and_method(tmp_path, capsys):
    code, _ = run(tmp_path, CONT, "--model", "fixed", "--method", "DL")
    assert code == 2
    assert "--method DL" in capsys.readouterr().err


def test_process_exit_status_and_stdout_json(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(CONT)
    res = subprocess.run([sys.executable, "-m", "evisynth", "analyze", str(path), "--json", "-"],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0
    assert json.loads(res.stdout)["pooled"]["k"] == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("study,m1\nA,x\n")
    res = subprocess.run([sys.executable, "-m", "evisynth", "analyze", str(bad)], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr


def test_readable_report_without_json(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text(CONT)
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Test for overall effect: Z = " in out
    assert "Heterogeneity: Tau² = " in out


def test_tau2_limit_beyond_metafors_search_bound_is_the_exact_root(tmp_path, capsys):
    """The Q-profile upper limit lies beyond metafor's bound max(100, 10 tau²): the engine reports
    the exact root by default (models.pool tau2_ci_bound="exact"), not censored, with no warning."""
    text = "study,m1,sd1,n1,m2,sd2,n2\nA,1,1,30,2,1,30\nB,5,1,30,2,1,30\n"
    code, doc = run(tmp_path, text)
    assert code == 0
    h = doc["heterogeneity"]
    assert h["tau2_ci_upper_censored"] is False
    assert h["tau2_ci_upper"] > max(100.0, 10 * h["tau2"])
    assert "DataWarning" not in capsys.readouterr().err
    path = tmp_path / "d.csv"
    assert main(["analyze", str(path)]) == 0
    assert ", >" not in capsys.readouterr().out
