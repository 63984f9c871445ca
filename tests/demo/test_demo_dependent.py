"""The demo's three-level sensitivity analysis and Bayesian analysis of the smallest meta-analysis."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from evisynth.cli.main import main

SHARED = "Spasticity (all scales, SMD)"
SMALLEST = "Activities of daily living"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    out = tmp_path_factory.mktemp("demo") / "evisynth-demo"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["demo", "--out", str(out), "--no-later-stages"])
    return out, json.loads((out / "demo.json").read_text(encoding="utf-8")), buf.getvalue()


def test_three_level_sensitivity_analysis(demo):
    out, doc, printed = demo
    ml = doc["outcomes"][SHARED]["multilevel"]
    assert (ml["comparisons"], ml["trials"], ml["shared_comparisons"]) == (18, 13, 9)
    three = json.loads((out / ml["files"][0]).read_text(encoding="utf-8"))
    robust = json.loads((out / ml["files"][1]).read_text(encoding="utf-8"))
    assert three["pooled"]["model"] == "multilevel" and three["settings"]["cluster"] == "trial"
    assert robust["pooled"]["test"] == "CR2" and robust["robust"]["n_clusters"] == 13
    assert ml["three_level"]["estimate"] == three["pooled"]["estimate"]
    assert ml["three_level_robust"]["df"] == robust["pooled"]["df"]
    # the whole control group in each comparison (not split): Trial 03's sham group of 30 twice
    trial03 = [s for s in three["studies"] if s["study"].startswith("Trial 03")]
    assert [s["data"]["n2"] for s in trial03] == [30, 30]
    assert "three-level model (REML, whole control groups)" in printed and "with CR2 robust inference" in printed
    assert "multilevel" not in doc["outcomes"]["Spasticity (MAS)"]


def test_bayesian_analysis_of_the_smallest_outcome(demo):
    out, doc, printed = demo
    b = doc["outcomes"][SMALLEST]["bayesian"]
    assert b["k"] == 7 and b["tau_prior"].startswith("Rhodes et al. 2015") and b["mu_prior"] == "uniform"
    fit = json.loads((out / b["file"]).read_text(encoding="utf-8"))
    analysis = json.loads((out / "activities_of_daily_living" / "analysis.json").read_text(encoding="utf-8"))
    y = np.array([s["yi"] for s in analysis["studies"] if s["included"]])
    se = np.array([s["se"] for s in analysis["studies"] if s["included"]])
    # brute force: posterior of tau on a dense grid (uniform mu prior integrated out), E(mu | y)
    from evisynth.models.bayes_priors import rhodes_prior

    u = np.linspace(-14.0, 7.0, 600001)  # tau = exp(u) up to 1100: the tail decays as tau^-(k-1) only
    tau = np.exp(u)
    v = se[None, :] ** 2 + tau[:, None] ** 2
    w = 1 / v
    mu_hat = (w * y).sum(1) / w.sum(1)
    loglik = -0.5 * (np.log(v).sum(1) + np.log(w.sum(1)) + (w * (y - mu_hat[:, None]) ** 2).sum(1))
    lp = rhodes_prior("general physical health", "non-pharmacological").logpdf(tau[None, :], se[None, :])[0]
    dens = np.exp(lp + loglik - np.max(lp + loglik)) * tau  # d tau = tau du
    post = dens / np.trapezoid(dens, u)
    assert abs(fit["mu"]["mean"] - np.trapezoid(post * mu_hat, u)) < 1e-6
    assert abs(fit["tau"]["mean"] - np.trapezoid(post * tau, u)) < 1e-6
    mu = b["mu"]
    assert mu["ci_lower"] < mu["median"] < mu["ci_upper"] and 0.5 < b["prob_mu_above_0"] < 1
    assert "Activities of daily living (k = 7), tau prior Rhodes et al. 2015" in printed
