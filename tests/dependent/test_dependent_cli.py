"""``evisynth analyze --model multilevel --cluster COLUMN`` and ``--robust``: the public contract.

Every intercept-only case of the stored R references (metafor ``rma.mv`` for the three-level model,
clubSandwich CR2 on ``rma.uni``/``rma.mv`` for ``--robust``; see ``validation/``) is run through the
command line on a CSV written in the test, and the JSON document is compared to 1e-6. The one-line
errors of every refused combination are checked too.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from evisynth.cli.main import main

from ._ref import case_files, close, load

ML_CASES = [f for f in case_files("multilevel") if len(load(f)[0]["x"]) == 1 and load(f)[0]["header"]["case"]["test"] == "z"]
ROBUST_CASES = [f for f in case_files("robust")
                if load(f)[0]["header"]["case"]["model"] in ("uni", "mv") and len(load(f)[0]["x"]) == 1]


def _csv(tmp_path, d) -> str:
    frame = d[["study", "yi", "vi"]].rename(columns={"study": "district"})
    frame.insert(0, "study", [f"s{s}-r{i}" for i, s in enumerate(d.study)])
    path = tmp_path / "dependent.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _analyze(path: str, *args: str) -> dict:
    out = path + ".json"
    assert main(["analyze", path, *args, "--json", out]) == 0
    with open(out, encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def test_enough_cases():
    assert len(ML_CASES) >= 8 and len(ROBUST_CASES) >= 6


@pytest.mark.parametrize("path", ML_CASES, ids=[f.stem for f in ML_CASES])
def test_multilevel_cli_matches_rma_mv(tmp_path, path):
    e, d, _ = load(path)
    method = e["header"]["case"]["method"]
    doc = _analyze(_csv(tmp_path, d), "--model", "multilevel", "--cluster", "district", "--method", method)
    p, h, m = doc["pooled"], doc["heterogeneity"], doc["multilevel"]
    problems: list[str] = []
    for key in ("estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper"):
        close(p[key], e[key], f"pooled.{key}", problems)
    assert p["df"] is None and p["model"] == "multilevel" and p["method"] == method
    close(h["sigma2_cluster"], e["sigma2_cluster"], "sigma2_cluster", problems)
    close(h["sigma2_within"], e["sigma2_within"], "sigma2_within", problems)
    close(h["tau2"], e["sigma2_cluster"] + e["sigma2_within"], "tau2 (total)", problems)
    close(h["i2"], e["i2_total"], "i2", problems)
    close(h["q"], e["qe"], "q", problems)
    close([m["sigma2_cluster_ci_lower"], m["sigma2_cluster_ci_upper"]], e["sigma2_cluster_ci"], "sigma2_cluster CI",
          problems)
    close([m["sigma2_within_ci_lower"], m["sigma2_within_ci_upper"]], e["sigma2_within_ci"], "sigma2_within CI",
          problems)
    for key in ("i2_total", "i2_cluster", "i2_within", "qe", "qe_p", "loglik", "aic", "bic"):
        close(m[key], e[key], key, problems)
    for level in ("cluster", "within"):
        close(m[f"lrt_{level}_statistic"], e[f"lrt_{level}"]["statistic"], f"lrt_{level}", problems)
        if e[f"lrt_{level}"]["statistic"] > 1e-8:  # as in test_multilevel_reference: P of a ~1e-9 statistic
            close(m[f"lrt_{level}_p"], e[f"lrt_{level}"]["p_value"], f"lrt_{level} P", problems)
    assert m["n_clusters"] == e["n_clusters"] and m["k"] == e["k"]
    # metafor's predict(): mu ± z sqrt(SE² + sigma²_cluster + sigma²_within)
    half = 1.959963984540054 * np.sqrt(e["se"] ** 2 + e["sigma2_cluster"] + e["sigma2_within"])
    close([p["pi_lower"], p["pi_upper"]], [e["estimate"] - half, e["estimate"] + half], "prediction interval", problems)
    weights = [s["weight_percent"] for s in doc["studies"]]
    assert abs(sum(weights) - 100) < 1e-9
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ROBUST_CASES, ids=[f.stem for f in ROBUST_CASES])
def test_robust_cli_matches_clubsandwich(tmp_path, path):
    e, d, _ = load(path)
    model = "random" if e["header"]["case"]["model"] == "uni" else "multilevel"
    doc = _analyze(_csv(tmp_path, d), "--model", model, "--cluster", "district", "--robust")
    p, r = doc["pooled"], doc["robust"]
    problems: list[str] = []
    for key in ("estimate", "se", "statistic", "df", "p_value", "ci_lower", "ci_upper"):
        close(p[key], e[key], f"pooled.{key}", problems)
        if key != "estimate":
            close(r[key], e[key], f"robust.{key}", problems)
    assert p["test"] == "CR2" and r["vcov"] == "CR2" and r["n_clusters"] == len(set(d.study))
    assert r["model_se"] is not None and r["model_se"] != p["se"]
    if model == "multilevel":
        close([doc["heterogeneity"]["sigma2_cluster"], doc["heterogeneity"]["sigma2_within"]], e["sigma2"], "sigma2",
              problems)
    else:
        close(doc["heterogeneity"]["tau2"], e["tau2"], "tau2", problems)
        assert doc["heterogeneity"]["sigma2_cluster"] is None
    assert not problems, "\n".join(problems)


# metafor 3.8.1 / clubSandwich 0.5.8 on konstantopoulos2011 (rma.mv and robust(..., clubSandwich = TRUE), predict()):
# weights(rma.mv)[1:3], predict(rma.mv) PI, predict(robust(rma.mv)) PI, predict(robust(rma.uni)) PI.
KONST_WEIGHTS = [0.571407709245520, 0.571407709245520, 0.501621365897417]
KONST_PI_ML = [-0.450230970084651, 0.819657297430414]
KONST_PI_ML_ROBUST = [-0.538410867159359, 0.907837194505122]
KONST_PI_RE_ROBUST = [-0.591798894436374, 0.847663009760112]


def test_weights_and_prediction_intervals_match_metafor(tmp_path):
    _e, d, _ = load(next(f for f in ML_CASES if f.stem == "konstantopoulos_REML"))
    path = _csv(tmp_path, d)
    problems: list[str] = []
    doc = _analyze(path, "--model", "multilevel", "--cluster", "district")
    close([s["weight_percent"] for s in doc["studies"][:3]], KONST_WEIGHTS, "weights", problems)
    close([doc["pooled"]["pi_lower"], doc["pooled"]["pi_upper"]], KONST_PI_ML, "PI", problems)
    doc = _analyze(path, "--model", "multilevel", "--cluster", "district", "--robust")
    close([doc["pooled"]["pi_lower"], doc["pooled"]["pi_upper"]], KONST_PI_ML_ROBUST, "robust PI", problems)
    doc = _analyze(path, "--model", "random", "--cluster", "district", "--robust")
    close([doc["pooled"]["pi_lower"], doc["pooled"]["pi_upper"]], KONST_PI_RE_ROBUST, "robust RE PI", problems)
    assert not problems, "\n".join(problems)


def test_text_output_shows_components_i2_lrt_and_robust_note(tmp_path, capsys):
    _e, d, _ = load(next(f for f in ML_CASES if f.stem == "konstantopoulos_REML"))
    path = _csv(tmp_path, d)
    assert main(["analyze", path, "--model", "multilevel", "--cluster", "district", "--robust"]) == 0
    out = capsys.readouterr().out
    assert "Three-level model (REML): 56 comparisons in 11 clusters (district)" in out
    assert "Sigma² between clusters = 0.0651 [0.0222, 0.2072]; within clusters = 0.0327 [0.0163, 0.0628]" in out
    assert "I² = 95.2% (between clusters 63.3%, within clusters 31.9%)" in out
    assert "Likelihood-ratio test vs two-level model without clusters" in out and "Chi² = 17.77" in out
    assert "Test for overall effect (CR2): t = 2.19, df = 9.86 (P = 0.05)" in out
    assert "Cluster-robust inference (CR2, clustered by district: 11 clusters" in out


def test_document_reads_back(tmp_path):
    from evisynth.analyses.bundle import AnalysisBundle

    _e, d, _ = load(next(f for f in ML_CASES if f.stem == "konstantopoulos_REML"))
    doc = _analyze(_csv(tmp_path, d), "--model", "multilevel", "--cluster", "district", "--robust")
    back = AnalysisBundle.from_dict(doc)
    assert back.multilevel is not None and back.robust is not None
    assert back.to_dict()["multilevel"] == doc["multilevel"] and back.to_dict()["robust"] == doc["robust"]
    assert back.spec.cluster == "district" and back.spec.robust is True


BASE = "study,trial,yi,vi\nA1,A,0.1,0.01\nA2,A,0.3,0.02\nB1,B,0.2,0.015\nC1,C,0.5,0.01\nC2,C,0.4,0.02\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "multilevel"], "--model multilevel needs --cluster COLUMN"),
    (["--model", "multilevel", "--cluster", "nope"], "no column 'nope' to use as --cluster; available: trial"),
    (["--model", "multilevel", "--cluster", "trial", "--method", "DL"], "--method DL does not apply to --model multilevel"),
    (["--model", "multilevel", "--cluster", "trial", "--method", "IV"], "--method IV does not apply"),
    (["--robust"], "--robust needs --cluster COLUMN"),
    (["--robust", "--cluster", "trial", "--model", "fixed"], "--robust applies to --model random or multilevel"),
    (["--robust", "--cluster", "trial", "--test", "hksj"], "--test hksj does not apply to --robust"),
    (["--model", "multilevel", "--cluster", "trial", "--subgroup", "trial"], "--subgroup is not available with"),
    (["--model", "multilevel", "--cluster", "trial", "--sensitivity"], "--sensitivity is not available with"),
])
def test_refused_combinations_are_one_line(tmp_path, capsys, args, message):
    path = tmp_path / "d.csv"
    path.write_text(BASE)
    assert main(["analyze", str(path), *args]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(("text", "args", "message"), [
    ("study,trial,yi,vi\nA1,A,0.1,0.01\nA2,A,0.3,0.02\nA3,A,0.2,0.015\n", ["--robust", "--cluster", "trial"],
     "--robust needs at least two clusters; the 3 analysed rows all belong to trial 'A'"),
    ("study,trial,yi,vi\nA1,A,0.1,0.01\nA2,A,0.3,0.02\nA3,A,0.2,0.015\n",
     ["--model", "multilevel", "--cluster", "trial"], "--model multilevel needs at least two clusters"),
    ("study,trial,yi,vi\nA1,A,0.1,0.01\nA2,,0.3,0.02\nB1,B,0.2,0.015\n", ["--model", "multilevel", "--cluster", "trial"],
     "row 2 (line 3), column 'trial': missing --cluster value for 'A2'"),
])
def test_data_errors_are_one_line(tmp_path, capsys, text, args, message):
    path = tmp_path / "d.csv"
    path.write_text(text)
    assert main(["analyze", str(path), *args]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_trial_column_of_the_rtms_example_is_found():
    from importlib.resources import files

    path = str(files("evisynth") / "data" / "rtms" / "spasticity_synthetic.csv")
    import evisynth

    res = evisynth.meta_analysis(path, measure="SMD", model="multilevel", cluster="trial")
    assert res.multilevel is not None and res.multilevel.cluster == "trial" and res.multilevel.n_clusters == 13
    assert res.pooled.k == 18
