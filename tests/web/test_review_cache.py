"""The app's cache of the review run (page 6): a reload with nothing changed does not run the review again;
a grid saved, a GRADE override saved, the review file or the risk-of-bias file edited (even keeping its
size and modification time) or the summary saved each give the right result; concurrent misses run the
review once."""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evisynth.api.extraction import outcome_grids
from evisynth.api.webcache import ReviewCache, review_inputs
from evisynth.api.webreview import review_result
from evisynth.errors import InputError

K = re.compile(r"<dt>studies \(k\)</dt><dd>(\d+)</dd>")
LEVEL = re.compile(r'id="certainty-level">([^<]+)<')


def _stats(app) -> tuple[int, int]:
    stats = app.state.reviews.stats
    return stats.hits, stats.misses


def test_reload_hits_the_cache(review_client, review_app):
    first = review_client.get("/certainty").text
    assert _stats(review_app) == (0, 1)
    result = review_app.state.reviews.result(review_app.state.folder)
    again = review_client.get("/certainty").text
    assert _stats(review_app) == (2, 1) and K.findall(again) == K.findall(first)
    assert review_app.state.reviews.result(review_app.state.folder) is result
    # other outcomes and the downloads of the same review: no new run
    review_client.get("/certainty?o=3")
    assert review_client.get("/certainty/sof.csv").status_code == 200
    assert _stats(review_app)[1] == 1


def test_grid_save_invalidates(review_client, review_app, review_dir: Path):
    page = review_client.get("/certainty?o=0").text
    assert K.findall(page)[0] == "11"
    grid, _ = outcome_grids(review_dir)["Spasticity (MAS)"]
    rows = grid.rows[:-1]   # one study less, saved through the extraction page
    data = {"o": "0", "ncols": str(len(grid.header)), "nrows": str(len(rows)), "new_column": ""}
    data.update({f"h-{j}": h for j, h in enumerate(grid.header)})
    data.update({f"c-{i}-{j}": c for i, r in enumerate(rows) for j, c in enumerate(r)})
    assert review_client.post_form("/extraction/save", data).status_code == 200
    page = review_client.get("/certainty?o=0").text
    assert K.findall(page)[0] == "10" and _stats(review_app)[1] == 2


def test_override_invalidates(review_client, review_app):
    assert LEVEL.search(review_client.get("/certainty").text).group(1) == "moderate"
    page = review_client.post_form("/certainty/override", {"o": "0", "outcome": "Spasticity (MAS)",
                                                            "domain": "inconsistency", "judgement": "not serious",
                                                            "reason": "minor"}).text
    assert LEVEL.search(page).group(1) == "high" and _stats(review_app)[1] == 2


def test_risk_of_bias_page_save_invalidates(review_client, review_app, review_dir: Path):
    """A save on the Risk of bias page changes the GRADE risk-of-bias numbers at the next load."""
    from evisynth.api.webrob import rob_rows

    before = review_client.get("/certainty?o=0").text
    rows = rob_rows(review_dir)
    data = {"nrows": str(len(rows))}
    for i, r in enumerate(rows):
        data.update({f"s-{i}": r.study, f"D1-{i}": "high", f"overall-{i}": ""})
    review_client.post_form("/rob/save", data)
    after = review_client.get("/certainty?o=0").text
    assert _stats(review_app)[1] == 2 and after != before
    assert (review_dir / "assessments" / "risk_of_bias.csv") in review_inputs(review_dir)


def test_review_file_edit_invalidates(review_client, review_app, review_dir: Path):
    assert "GRADE: Spasticity (MAS)" in review_client.get("/certainty").text
    toml = review_dir / "data" / "review.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "Spasticity (MAS)"',
                                                             'name = "Spasticity (Ashworth)"'), encoding="utf-8")
    assert "GRADE: Spasticity (Ashworth)" in review_client.get("/certainty").text
    assert _stats(review_app) == (0, 2)
    # an edit through the Project page (the review question) too
    question = {"title": "Edited title", "population": "adults after stroke", "intervention": "rTMS",
                "comparison": "sham"}
    review_client.post_form("/review/question", question)
    review_client.get("/certainty")
    assert _stats(review_app)[1] == 3


def test_same_size_same_mtime_edit_is_seen(review_dir: Path):
    """The content digest catches an edit that keeps the size and the modification time."""
    cache = ReviewCache()
    before = cache.result(review_dir)
    rob = next(p for p in review_inputs(review_dir) if p.name == "rob_synthetic.csv")
    text = rob.read_text(encoding="utf-8")
    stat = rob.stat()
    changed = text.replace(",high", ",low ", 1)   # same length (cells are stripped)
    assert changed != text and len(changed) == len(text)
    rob.write_text(changed, encoding="utf-8")
    os.utime(rob, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = cache.result(review_dir)
    assert after is not before and cache.stats.misses == 2


def test_inputs_cover_everything_the_review_reads(review_dir: Path):
    inputs = {p.relative_to(review_dir).as_posix() if p.is_relative_to(review_dir) else p.name
              for p in review_inputs(review_dir)}
    assert {"review.toml", "data/review.toml", "grade/overrides.json", "data/rob_synthetic.csv",
            "extraction/spasticity_mas.csv", "data/spasticity_mas_synthetic.csv"} <= inputs


def test_summary_check_cached_with_the_result(review_client, review_app, review_dir: Path):
    cache: ReviewCache = review_app.state.reviews
    result, first = cache.summary(review_dir)
    assert cache.summary(review_dir)[1] is first
    _, pasted = cache.summary(review_dir, "rTMS increases spasticity.")
    assert pasted is not first and cache.summary(review_dir, "rTMS increases spasticity.")[1] is pasted
    assert cache.result(review_dir) is result


def test_concurrent_misses_run_the_review_once(review_dir: Path):
    runs: list[int] = []
    gate = threading.Barrier(8)

    def compute(folder: Path):
        runs.append(1)
        return review_result(folder)

    cache = ReviewCache(compute=compute)

    def load(_: int) -> int:
        gate.wait()
        return id(cache.result(review_dir))

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(load, range(8)))
    assert len(runs) == 1 and len(ids) == 1
    assert cache.stats.misses == 1 and cache.stats.hits == 7


def test_errors_are_not_cached(tmp_path: Path):
    cache = ReviewCache()
    folder = tmp_path / "none"
    folder.mkdir()
    for _ in range(2):
        with pytest.raises(InputError, match=r"no review\.toml"):
            cache.result(folder)
    assert cache.stats.misses == 2
