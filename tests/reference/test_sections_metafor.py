"""Meta-regression, publication bias and sensitivity analyses against metafor 3.8.1.

Reference values: ``validation/metafor/stats_refs.R`` (datasets in
``validation/metafor/stats_datasets.R``: BCG log risk ratios from ``dat.bcg``, mean
differences from ``dat.normand1999``, standardised mean differences from
``dat.bangertdrowns2004``), written to ``tests/reference/sections_refs.json``. Every rma() fit
there uses ``control=list(threshold=1e-12, tol=1e-13, maxiter=10000)``. The JSON stores 15
significant digits, hence the tolerances below (absolute 1e-8 or relative 1e-10).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from evisynth.analyses.publication_bias import trim_and_fill
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec

DATA = Path(__file__).resolve().parents[1] / "engine" / "data"
REFS = json.loads((Path(__file__).parent / "sections_refs.json").read_text())

pytestmark = pytest.mark.reference
ABS, REL = 1e-8, 1e-10


def _spec(case: dict[str, Any], **kw: Any) -> AnalysisSpec:
    fe = case["method"] == "FE"
    return AnalysisSpec(model="fixed" if fe else "random", method="IV" if fe else case["method"],
                        test=case["test"], level=case.get("level", 0.95), log_scale=case.get("data") == "bcg", **kw)


def _list(x: Any) -> list:
    return x if isinstance(x, list) else [x]


def _close(ours: Any, ref: Any) -> None:
    ours = [np.nan if a is None else a for a in _list(ours)]
    ref = [np.nan if a is None else a for a in _list(ref)]
    assert ours == pytest.approx(ref, abs=ABS, rel=REL, nan_ok=True)


def _run(path: Path, spec: AnalysisSpec) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(path, spec)


def _id(c: dict[str, Any]) -> str:
    return "-".join(str(c[k]) for k in ("data", "method", "test", "level") if k in c)


MR = REFS["meta_regression"]


@pytest.mark.parametrize("case", MR, ids=[f"{_id(c)}-{'+'.join(_list(c['moderators']))}" for c in MR])
def test_meta_regression(case):
    ref = tuple(case["reference"].items()) if case["reference"] else ()
    pred = tuple(tuple(p.items()) for p in case["predict"])
    spec = _spec(case, moderators=tuple(_list(case["moderators"])), reference=ref, predict=pred)
    m = _run(DATA / f"{case['data']}.csv", spec).to_dict()["meta_regression"]
    assert len(m["coefficients"]) == len(_list(case["coef_names"]))
    for key in ("estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper"):
        _close([c[key] for c in m["coefficients"]], case["coefficients"][key])
    for key in ("qm", "qm_p", "qe", "qe_p", "tau2", "i2", "r2"):
        _close(m[key], case[key])
    assert m["qm_df"] == case["qm_df"]
    assert m["qm_test"] == ("chi2" if case["test"] == "z" else "F")
    keys = ("estimate", "se", "ci_lower", "ci_upper") + (("pi_lower", "pi_upper") if case["method"] != "FE" else ())
    for key in keys:
        _close([p[key] for p in m["predictions"]], case["predictions"][key])
    if case["method"] == "FE":
        assert all(p["pi_lower"] is None for p in m["predictions"])
    if case["data"] == "bcg":
        p = m["predictions"][0]
        assert p["estimate_exp"] == pytest.approx(np.exp(p["estimate"]))


def test_meta_regression_coefficient_names_and_reference():
    spec = AnalysisSpec(moderators=("ABLAT", "alloc"), reference=(("Alloc", "random"),))
    m = _run(DATA / "bcg.csv", spec).to_dict()["meta_regression"]
    assert [c["name"] for c in m["coefficients"]] == ["intercept", "ablat", "alloc_alternate", "alloc_systematic"]
    assert m["moderators"][1]["reference"] == "random"


@pytest.mark.parametrize("case", REFS["permutation"], ids=[_id(c) for c in REFS["permutation"]])
def test_exact_permutation_test(case):
    # 9!/(2! 2! 5!) = 756 distinct permutations <= 1000 requested: metafor enumerates them all
    m = _run(DATA / "normand.csv", _spec(case, moderators=("country",), permutations=1000)).to_dict()["meta_regression"]
    assert m["permutations"]["exact"] is True
    assert m["permutations"]["iterations"] == case["iterations"]
    _close(m["permutation_p"], case["permutation_p"])
    _close(m["permutation_qm_p"], case["permutation_qm_p"])


PB = REFS["publication_bias"]


@pytest.mark.parametrize("case", PB, ids=[_id(c) for c in PB])
def test_publication_bias(case):
    b = _run(DATA / f"{case['data']}.csv", _spec(case, bias=True))
    p = b.to_dict()["publication_bias"]
    for sec in ("egger", "egger_mixed", "begg", "fail_safe_n"):
        for key, val in case[sec].items():
            _close(p[sec][key], val)
    for tf, ref in ((p["trim_and_fill"], case["trim_and_fill"]),
                    (trim_and_fill(b.effects, b.spec, estimator="R0").to_dict(), case["trim_and_fill_r0"])):
        assert tf["k0"] == ref["k0"]
        assert tf["side"] == ref["side"]
        for key in ("estimate", "se", "ci_lower", "ci_upper", "p_value", "tau2", "k0_se"):
            _close(tf[key], ref[key])
        _close([f["yi"] for f in tf["filled"]], _list(ref["filled_yi"]) if ref["k0"] else [])


SENS = REFS["sensitivity"]


@pytest.mark.parametrize("case", SENS, ids=[_id(c) for c in SENS])
def test_sensitivity(case):
    path = DATA / f"{case['data']}.csv"
    s = _run(path, _spec(case, sensitivity=True)).to_dict()["sensitivity"]
    keys = ("estimate", "se", "p_value", "ci_lower", "ci_upper", "tau2", "i2", "q")
    k = len(case["leave_one_out"]["estimate"])
    assert len(s["leave_one_out"]) == k == len(s["cumulative"]) == len(s["influence"])
    for sec in ("leave_one_out", "cumulative"):
        for key in keys:
            _close([r[key] for r in s[sec]], case[sec][key])
    for key, val in case["influence"].items():
        if key == "influential":
            assert [r[key] for r in s["influence"]] == val
        else:
            _close([r[key] for r in s["influence"]], val)
    ordered = _run(path, _spec(case, sensitivity=True, order=case["order_column"])).to_dict()["sensitivity"]["cumulative"]
    assert [r["added"] for r in ordered] == case["cumulative_ordered"]["added"]
    for key in keys:
        _close([r[key] for r in ordered], case["cumulative_ordered"][key])


@pytest.mark.parametrize("case", REFS["mh_peto"], ids=[f"{c['method']}-{c['measure']}" for c in REFS["mh_peto"]])
def test_mh_peto_leave_one_out_and_cumulative(case):
    spec = AnalysisSpec(measure=case["measure"], method=case["method"], sensitivity=True, mh_continuity="none")
    s = _run(DATA / "bcg_counts.csv", spec).to_dict()["sensitivity"]
    for sec in ("leave_one_out", "cumulative"):
        for key in ("estimate", "se", "p_value", "ci_lower", "ci_upper"):
            _close([r[key] for r in s[sec]], case[sec][key])
    assert s["influence"] is None and "not computed" in s["influence_note"]
