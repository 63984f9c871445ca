"""Property tests (Hypothesis) over the public entry points and every writer, and extreme-scale tests.

Fast by default (a few seconds); the ``slow`` variants draw many more examples.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evisynth
from evisynth.batch import batch_meta_analysis, from_long
from evisynth.errors import InputError
from evisynth.files import OutputSet, csv_cell, csv_uncell, markdown_text, terminal_text, write_output

METHODS = ("DL", "REML", "PM", "HE", "SJ", "ML", "EB", "HS")
FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

effects = st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=12)


@st.composite
def studies(draw: st.DrawFn, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    y = np.array(draw(effects)) * scale
    v = np.array(draw(st.lists(st.floats(1e-4, 4.0), min_size=len(y), max_size=len(y)))) * scale * scale
    return y, v


def _check_pooled(res: object, y: np.ndarray) -> None:
    est, lo, hi, tau2 = (getattr(res, n) for n in ("estimate", "ci_lower", "ci_upper", "tau2"))
    assert math.isfinite(est) and y.min() - 1e-9 * (1 + abs(y.min())) <= est <= y.max() + 1e-9 * (1 + abs(y.max()))
    assert tau2 >= 0 or math.isnan(tau2)
    assert lo <= est <= hi


def _pool_properties(data: tuple[np.ndarray, np.ndarray], method: str, seed: int) -> None:
    y, v = data
    res = evisynth.pool(y, v, method=method, heterogeneity_ci=False)
    _check_pooled(res, y)
    order = np.random.default_rng(seed).permutation(len(y))
    again = evisynth.pool(y[order], v[order], method=method, heterogeneity_ci=False)
    assert again.estimate == pytest.approx(res.estimate, rel=1e-6, abs=1e-9)
    assert again.tau2 == pytest.approx(res.tau2, rel=1e-5, abs=1e-9)


@FAST
@given(studies(), st.sampled_from(METHODS), st.integers(0, 10**6))
def test_pool_estimate_in_range_tau2_nonnegative_ci_ordered_order_invariant(data, method, seed) -> None:
    _pool_properties(data, method, seed)


@pytest.mark.slow
@MANY
@given(studies(), st.sampled_from(METHODS), st.integers(0, 10**6))
def test_pool_properties_many(data, method, seed) -> None:
    _pool_properties(data, method, seed)


@FAST
@given(st.lists(studies(), min_size=1, max_size=6), st.sampled_from(("DL", "REML", "PM")))
def test_batch_equals_pool_for_every_row_and_long_table_permutation(rows, method) -> None:
    k = max(len(y) for y, _ in rows)
    Y, V = np.full((len(rows), k), np.nan), np.full((len(rows), k), np.nan)
    for i, (y, v) in enumerate(rows):
        Y[i, :len(y)], V[i, :len(y)] = y, v
    res = batch_meta_analysis(Y, V, method=method)
    for i, (y, v) in enumerate(rows):
        single = evisynth.pool(y, v, method=method, heterogeneity_ci=False)
        assert res["estimate"][i] == pytest.approx(single.estimate, rel=1e-9, abs=1e-12)
        assert res["tau2"][i] >= 0
        assert res["ci_lower"][i] <= res["estimate"][i] <= res["ci_upper"][i]
    long = pd.DataFrame([{"g": f"g{i}", "yi": a, "vi": b}
                         for i, (y, v) in enumerate(rows) for a, b in zip(y, v, strict=True)])
    shuffled = long.sample(frac=1.0, random_state=1)
    a = from_long(long, group="g", method=method).set_index("g").sort_index()
    b = from_long(shuffled, group="g", method=method).set_index("g").sort_index()
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-6, atol=1e-9)


@FAST
@given(studies(), st.integers(0, 10**6))
def test_meta_analysis_of_a_table_and_its_row_permutation(data, seed) -> None:
    y, v = data
    if len(y) < 2:
        return
    df = pd.DataFrame({"study": [f"S{i}" for i in range(len(y))], "yi": y, "vi": v})
    a = evisynth.meta_analysis(df, method="DL")
    b = evisynth.meta_analysis(df.sample(frac=1.0, random_state=seed % 2**32), method="DL")
    assert b.pooled.estimate == pytest.approx(a.pooled.estimate, rel=1e-9, abs=1e-12)
    assert a.pooled.ci_lower <= a.pooled.estimate <= a.pooled.ci_upper
    assert evisynth.load_analysis(json.loads(json.dumps(a.to_dict()))).to_dict() == a.to_dict()


text = st.text(st.characters(codec="utf-8"), max_size=40)


@FAST
@given(st.lists(st.lists(text, min_size=1, max_size=4), min_size=1, max_size=5))
def test_csv_cells_round_trip_and_never_start_a_formula(rows) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([[csv_cell(c) for c in r] for r in rows])
    back = list(csv.reader(io.StringIO(buf.getvalue())))
    for row, orig in zip(back, rows, strict=True):
        for cell, value in zip(row, orig, strict=True):
            assert not cell.startswith(("=", "@", "\t", "\r")) or cell == value == ""
            assert csv_uncell(cell).replace("\r\n", "\n") == value.replace("\r\n", "\n") or "\r" in value


@FAST
@given(text)
def test_escapers_remove_what_they_promise(value) -> None:
    assert "\x1b" not in terminal_text(value) and "\x07" not in terminal_text(value)
    md = markdown_text(value)
    opens = [md[i + 1:i + 2] for i in range(len(md)) if md[i] == "<"]
    assert "](" not in md and not any(c.isascii() and c.isalpha() for c in opens)


@FAST
@given(st.dictionaries(st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8})?\.txt", fullmatch=True), st.binary(max_size=64),
                       min_size=1, max_size=5))
def test_output_set_round_trip_and_refresh(tmp_path_factory, files) -> None:
    root = tmp_path_factory.mktemp("out")
    with OutputSet(root, by="prop") as out:
        for name, data in files.items():
            out.add(name, data)
    for name, data in files.items():
        assert (root / name).read_bytes() == data
    with OutputSet(root, by="prop") as out:  # its own files: refreshed without force
        for name, data in files.items():
            out.add(name, data[::-1])
    assert all((root / n).read_bytes() == d[::-1] for n, d in files.items())
    assert not [p for p in root.rglob("*") if p.name.endswith(".evisynth-tmp")]


@FAST
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=200))
def test_write_output_round_trip(tmp_path_factory, content) -> None:
    path = tmp_path_factory.mktemp("w") / "x.txt"
    write_output(path, content)
    assert path.read_text(encoding="utf-8") == content
    write_output(path, content + "!")
    assert path.read_text(encoding="utf-8") == content + "!"


@FAST
@given(st.lists(st.tuples(st.sampled_from(["include", "exclude", "maybe"]), text), min_size=1, max_size=8))
def test_store_screening_sheet_round_trip(tmp_path_factory, rows) -> None:
    from evisynth.records.model import Citation, ParseResult
    from evisynth.store.project import Project
    from evisynth.store.screening_store import own_decisions
    from evisynth.store.sheets import export_sheet, import_sheet

    folder = tmp_path_factory.mktemp("proj")
    records = tuple(Citation(title=f"{t} #{i}", authors=("Doe, J",), year=2000 + i) for i, (_, t) in enumerate(rows))
    with Project(folder) as project:
        project.import_records(ParseResult("ris", records), database="X", file_name="x.ris", sha256="x" * 64)
        sheet = folder / "sheet.csv"
        export_sheet(project, "A", "title", sheet)
        table = list(csv.DictReader(sheet.open(encoding="utf-8", newline="")))
        for r in table:
            i = int(r["title"].rsplit("#", 1)[1])
            r["decision"] = rows[i][0]
        with sheet.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(table[0]))
            w.writeheader()
            w.writerows(table)
        assert import_sheet(project, "A", "title", sheet) == len(rows)
        with pytest.raises(InputError, match="was changed since"):  # the reviewer's filled-in sheet is theirs
            export_sheet(project, "A", "title", sheet)
        export_sheet(project, "A", "title", folder / "again.csv")
        export_sheet(project, "A", "title", folder / "again.csv")  # its own sheet: refreshed
        mine = own_decisions(project, "A", "title")
        assert sorted(d.decision for d in mine.values()) == sorted(r[0] for r in rows)


# ------------------------------------------------------------------------------- extreme scales
EXTREME = [
    ("tiny variances", [0.10, 0.30, 0.20], [1e-300, 2e-300, 3e-300]),
    ("huge variances", [0.10, 0.30, 0.20], [1e300, 2e300, 3e300]),
    ("huge effects", [1e300, -1e300, 5e299], [1.0, 1.0, 2.0]),
    ("both huge", [1e150, 2e150, 1.5e150], [1e300, 1e300, 1e300]),
    ("identical, tiny variances", [0.25, 0.25, 0.25], [1e-200, 1e-200, 1e-200]),
    ("variances 1e-300 to 1e300", [0.10, 0.30], [1e-300, 1e300]),
]


def _exact(y: list[float], v: list[float]) -> float:
    """The common-effect estimate in exact arithmetic (weights normalised before use)."""
    from fractions import Fraction

    w = [1 / Fraction(x) for x in v]
    return float(sum(wi * Fraction(yi) for wi, yi in zip(w, y, strict=True)) / sum(w))


@pytest.mark.parametrize("name, y, v", EXTREME, ids=[e[0] for e in EXTREME])
@pytest.mark.parametrize("method", ["DL", "REML"])
def test_extreme_scale_right_answer_or_one_line(name, y, v, method, recwarn) -> None:
    for run in (lambda: evisynth.pool(y, v, method=method),
                lambda: batch_meta_analysis([y], [v], method=method),
                lambda: evisynth.meta_analysis(pd.DataFrame({"study": list("ABC")[:len(y)], "yi": y, "vi": v}),
                                               method=method)):
        try:
            res = run()
        except InputError as exc:
            assert "\n" not in str(exc)
            continue
        est = res["estimate"][0] if isinstance(res, dict) else getattr(res, "pooled", res).estimate
        tau2 = res["tau2"][0] if isinstance(res, dict) else getattr(res, "heterogeneity", res).tau2
        assert math.isfinite(est) and min(y) <= est <= max(y)
        assert tau2 >= 0
        if len(set(y)) == 1 or (tau2 == 0 and method == "DL"):
            assert est == pytest.approx(_exact(y, v), rel=1e-9)


def test_pool_rescales_extreme_units_exactly() -> None:
    y, v = np.array([0.1, 0.3, 0.2, 0.45]), np.array([0.01, 0.02, 0.015, 0.03])
    ref = evisynth.pool(y, v, method="REML")
    for c in (1e-60, 1e70):
        res = evisynth.pool(y * c, v * c * c, method="REML")
        assert res.estimate == pytest.approx(ref.estimate * c, rel=1e-8)
        assert res.tau2 == pytest.approx(ref.tau2 * c * c, rel=1e-6, abs=1e-12 * c * c)
        assert res.ci_lower == pytest.approx(ref.ci_lower * c, rel=1e-8)
        assert res.p_value == pytest.approx(ref.p_value, rel=1e-8)


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() and '"' not in s and "\\" not in s)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(names, st.sampled_from(['=HYPERLINK("http://x")', "<script>alert(1)</script>", "-2+3", "@x"])))
def test_summarize_writes_safe_documents_for_any_outcome_name(tmp_path_factory, name) -> None:
    from evisynth.api.review import run_review, write_summary, write_templates

    folder = tmp_path_factory.mktemp("review")
    write_templates(folder)
    review = folder / "review.toml"
    toml = review.read_text(encoding="utf-8").replace('name = "Pain"', "name = " + json.dumps(name, ensure_ascii=False), 1)
    review.write_text(toml, encoding="utf-8")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_review(review)
    paths = write_summary(result, folder / "out", docx=False, check=False)
    for row in csv.reader((folder / "out" / "sof.csv").open(encoding="utf-8")):
        assert not any(c.startswith(("=", "@", "\t", "\r")) for c in row)
        assert not any(c.startswith(("+", "-")) and c not in ("-", "+") and csv_cell(c) != c for c in row)
    for key in ("summary_md", "sof_md", "profile_md"):
        md = Path(paths[key]).read_text(encoding="utf-8")
        assert "<script" not in md and "](" not in md.split("<!-- evisynth provenance")[0]
    doc = json.loads(Path(paths["profile_json"]).read_text(encoding="utf-8"))
    assert doc["provenance"]["inputs"][0]["path"].endswith("review.toml")
    again = write_summary(result, folder / "out", docx=False, check=False)  # refreshed: its own files
    assert again.keys() == paths.keys()
