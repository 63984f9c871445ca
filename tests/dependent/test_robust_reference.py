"""Cluster-robust (CR2) tests against clubSandwich 0.5.8 and robumeta 2.0.

Expected values: ``validation/robust/robust.R``; ``uni`` cases are metafor ``rma.uni`` (REML) with
``coef_test(vcov = "CR2", cluster = study)``, ``conf_int`` and ``Wald_test`` (HTZ and chi-sq),
``mv`` cases the same on the three-level ``rma.mv`` fit, ``robu`` cases robumeta
``robu(modelweights = "CORR", rho, small = TRUE)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from evisynth.models.multilevel import fit_multilevel
from evisynth.models.robust import robust_correlated, robust_multilevel, robust_random, wald_test

from ._ref import case_files, close, load

FILES = case_files("robust")


def test_the_suite_covers_enough_datasets():
    docs = [load(f)[0] for f in FILES]
    for model in ("uni", "mv", "robu"):
        assert len({d["header"]["case"]["data"] for d in docs if d["header"]["case"]["model"] == model}) >= 5
    h = docs[0]["header"]
    assert (h["clubSandwich_version"], h["robumeta_version"], h["metafor_version"]) == ("0.5.8", "2.0", "3.8.1")


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_cluster_robust(path):
    e, d, X = load(path)
    case = e["header"]["case"]
    problems: list[str] = []
    if case["model"] == "robu":
        fit = robust_correlated(d.yi, d.vi, d.study, X, rho=e["header"]["rho"])
        ref = e["robumeta"]
        close(fit.tau2, ref["tau2"], "tau2", problems)
        close(fit.i2, ref["i2"], "i2", problems)
        close(fit.coefficients.se, e["club_on_robu"]["se"], "clubSandwich se", problems)
        close(fit.coefficients.df, e["club_on_robu"]["df"], "clubSandwich df", problems)
    else:
        if case["model"] == "uni":
            fit = robust_random(d.yi, d.vi, d.study, X)
            close(fit.tau2, e["tau2"], "tau2", problems)
        else:
            fit = robust_multilevel(fit_multilevel(d.yi, d.vi, d.study, X, within=d.esid, profile_ci=False))
            close([fit.sigma2_cluster, fit.sigma2_within], e["sigma2"], "sigma2", problems)
        ref = e
        close(np.ravel(fit.vcov), list(np.ravel(np.asarray(e["vcov"], dtype=float))), "vcov", problems)
        if "wald_HTZ" in e:
            for test, key in (("HTZ", "wald_HTZ"), ("chi-sq", "wald_chisq")):
                w = wald_test(fit, range(1, fit.p), test)
                close(w.statistic, e[key]["Fstat"], f"{key}.F", problems)
                close(w.df_num, e[key]["df_num"], f"{key}.df_num", problems)
                close(w.df_denom, e[key]["df_denom"], f"{key}.df_denom", problems)
                close(w.p_value, e[key]["p_value"], f"{key}.p", problems)
            assert fit.wald is not None and fit.wald.statistic == wald_test(fit, range(1, fit.p)).statistic
    c = fit.coefficients
    for key, actual in (("estimate", c.estimate), ("se", c.se), ("statistic", c.statistic), ("df", c.df),
                        ("p_value", c.p_value), ("ci_lower", c.ci_lower), ("ci_upper", c.ci_upper)):
        close(actual, ref[key], key, problems)
    assert not problems, f"{case['id']}:\n" + "\n".join(problems)
