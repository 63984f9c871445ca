"""``evisynth analyze --json`` against metafor reference values.

The cases are listed in ``validation/metafor/cases.json`` (grid defined by
``validation/metafor/make_cases.py``); the expected documents in ``expected/<id>.json`` were
computed with R/metafor by ``validation/metafor/run_metafor.R`` (conventions and known
differences in ``validation/metafor/README.md``). R is never needed to run these tests.

Every key present in an expected document is compared: numbers within the tolerance of
their kind (:data:`ABS_TOL`, relative for large values), strings, booleans and nulls exactly.
Permutation p-values are random and are not part of the expected documents.

Two documented departures from metafor's numbers:

* Q-profile limits beyond metafor's search bound ``max(100, 10 τ̂²)``: metafor reports the
  bound; the R script also records the exact root (``header.censored_bounds``, found with a
  wider bound). Where our document says the limit is not censored
  (``heterogeneity.tau2_ci_upper_censored`` false: the engine's default exact limits) the
  exact root is expected, otherwise metafor's censored value.
* :data:`DEVIATIONS_FILE` lists values the engine reports as undefined (null, with a named
  warning) where metafor prints a number that is 0/0 in exact arithmetic (e.g. the HKSJ
  standard error of identical effects), each with the reason; those keys must hold the
  listed value instead.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from evisynth.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
EXPECTED = HERE / "expected"

pytestmark = pytest.mark.reference
CASES_FILE = ROOT / "validation" / "metafor" / "cases.json"
DEVIATIONS_FILE = HERE / "deviations.json"

#: Absolute tolerance for estimates, SEs, CIs, tau², statistics and p-values (acceptance: 1e-6).
ABS_TOL = 1e-6
#: Above this magnitude (fail-safe N, Q of huge trials, large exponentiated ratios) 1e-6 is relative.
REL_ABOVE = 1e3
REL_TOL = 1e-6

CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
DEVIATIONS: list[dict[str, Any]] = json.loads(DEVIATIONS_FILE.read_text(encoding="utf-8"))["deviations"]


def _module_missing(name: str) -> bool:
    return importlib.util.find_spec(f"evisynth.analyses.{name}") is None


def run_engine(case: dict[str, Any]) -> dict[str, Any]:
    """Run ``evisynth analyze DATA ARGS --json -`` in-process and return the parsed document."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["analyze", str(DATA / case["data"]), *case["args"], "--json", "-"])
    assert status == 0, f"{case['id']}: evisynth exited with {status}: {err.getvalue().strip()}"
    return json.loads(out.getvalue())


def _tol(expected: float) -> float:
    return max(ABS_TOL, REL_TOL * abs(expected)) if abs(expected) > REL_ABOVE else ABS_TOL


def compare(expected: Any, actual: Any, path: str, problems: list[str]) -> None:
    """Append one line per mismatch between ``expected`` and ``actual`` (recursively) to ``problems``."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{path}: expected an object, got {actual!r}")
            return
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing (metafor: {_short(value)})")
                continue
            compare(value, actual[key], f"{path}.{key}", problems)
    elif isinstance(expected, list):
        if not isinstance(actual, list):
            problems.append(f"{path}: expected a list, got {_short(actual)}")
            return
        if len(actual) != len(expected):
            problems.append(f"{path}: {len(actual)} entries, metafor has {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            compare(e, a, f"{path}[{i}]", problems)
    elif expected is None:
        if actual is not None:
            problems.append(f"{path}: ours {actual!r}, metafor null")
    elif isinstance(expected, bool) or isinstance(expected, str):
        if actual != expected:
            problems.append(f"{path}: ours {actual!r}, metafor {expected!r}")
    elif isinstance(expected, (int, float)):
        if isinstance(actual, list) and len(actual) == 1:  # e.g. dfbetas of an intercept-only model
            actual = actual[0]
        if isinstance(actual, bool) or not isinstance(actual, (int, float)) or not math.isfinite(actual):
            problems.append(f"{path}: ours {actual!r}, metafor {expected!r}")
        elif abs(actual - expected) > _tol(expected):
            problems.append(f"{path}: ours {actual!r}, metafor {expected!r} (diff {actual - expected:.3g})")
    else:  # pragma: no cover - the R writer emits nothing else
        problems.append(f"{path}: unexpected expected value {expected!r}")


def _short(x: Any) -> str:
    text = json.dumps(x)
    return text if len(text) < 60 else text[:57] + "..."


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        doc = doc[int(key)] if isinstance(doc, list) else doc[key]
    doc[last] = value


def expected_document(case: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """metafor's expected values for ``case``, with the two documented departures applied."""
    doc = json.loads((EXPECTED / f"{case['id']}.json").read_text(encoding="utf-8"))
    expected = doc["expected"]
    exact = actual.get("heterogeneity", {}).get("tau2_ci_upper_censored") is False
    for key, note in doc["header"].get("censored_bounds", {}).items():
        if exact and note["metafor_sign"] == ">":
            _set(expected, key, note["exact_root"])
    for dev in DEVIATIONS:
        if dev["case"] == case["id"]:
            _set(expected, dev["key"], dev["ours"])
    return doc


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_metafor(case: dict[str, Any]) -> None:
    for module in case["requires"]:
        if _module_missing(module):
            pytest.skip(f"evisynth.analyses.{module} is not on this branch yet")
    actual = run_engine(case)
    doc = expected_document(case, actual)
    problems: list[str] = []
    compare(doc["expected"], actual, case["id"], problems)
    # metafor censors a Q-profile limit at the end of its search interval; say so next to the mismatch
    for key, note in doc["header"].get("censored_bounds", {}).items():
        prefix = f"{case['id']}.{key}:"
        problems = [
            p + (f" [metafor's limit is censored ({note['metafor_sign']}) at its search bound; the root in a wider "
                 f"interval is {note['exact_root']!r}]" if p.startswith(prefix) else "")
            for p in problems
        ]
    assert not problems, f"{len(problems)} mismatches with metafor:\n" + "\n".join(problems)


# --- completeness ---------------------------------------------------------------------------------

def test_every_case_has_an_expected_file_with_versions() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicated case ids"
    for case in CASES:
        path = EXPECTED / f"{case['id']}.json"
        assert path.exists(), f"no expected values for {case['id']}: run validation/metafor/regenerate.sh"
        doc = json.loads(path.read_text(encoding="utf-8"))
        header = doc["header"]
        assert header["r_version"].startswith("R version "), case["id"]
        assert header["metafor_version"], case["id"]
        assert header["case"]["data"] == case["data"] and header["case"]["args"] == case["args"], (
            f"{case['id']}: expected file is stale (case changed); run validation/metafor/regenerate.sh"
        )
        assert (DATA / case["data"]).exists(), case["data"]
    orphans = {p.stem for p in EXPECTED.glob("*.json")} - set(ids)
    assert not orphans, f"expected files without a case: {sorted(orphans)}"


def test_deviations_are_documented_and_name_real_keys() -> None:
    ids = {c["id"] for c in CASES}
    for dev in DEVIATIONS:
        assert dev["case"] in ids, dev
        assert dev["reason"] and "metafor" in dev, dev
        doc = json.loads((EXPECTED / f"{dev['case']}.json").read_text(encoding="utf-8"))["expected"]
        node: Any = doc
        for key in dev["key"].split("."):
            node = node[int(key)] if isinstance(node, list) else node[key]
        assert node == dev["metafor"], f"{dev['case']}.{dev['key']}: metafor's value is {node!r}"


def test_the_grid_covers_every_option() -> None:
    text = [" ".join(c["args"]) for c in CASES]
    joined = "\n".join(text)
    for measure in ("MD", "SMD", "OR", "RR", "RD", "PETO", "GEN"):
        assert f"--measure {measure}" in joined, measure
    for method in ("IV", "MH", "PETO", "DL", "REML", "ML", "PM", "SJ", "HE", "HS", "EB"):
        assert f"--method {method}" in joined, method
    for option in ("--test hksj", "--test hksj-adhoc", "--model fixed", "--level 0.90", "--level 0.99",
                   "--smd-variance revman", "--smd-variance large-sample", "--smd-variance unbiased",
                   "--continuity 0", "--mh-continuity none", "--keep-double-zero", "--drop-double-zero",
                   "--subgroup-model common", "--subgroup-model separate", "--moderator", "--reference", "--predict",
                   "--permutations", "--bias", "--sensitivity", "--order", "--log-scale"):
        assert option in joined, option
    for name in ("bcg.csv", "continuous_k2.csv", "continuous_k3.csv", "binary_k3.csv", "generic_homogeneous.csv"):
        assert any(c["data"] == name for c in CASES), name

