"""Page 1, Project: the review question (PICO) and outcomes, created and edited in the browser
without losing what the reviewer wrote in the review file."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from evisynth.api.reviewfile import question
from evisynth.review.file import load_review

from .conftest import Client

QUESTION = {"title": "rTMS for spasticity after stroke", "population": "adults after stroke",
            "intervention": "repetitive transcranial magnetic stimulation", "comparison": "sham stimulation",
            "setting": ""}
FIRST = {"outcome_name": "Spasticity (MAS)", "outcome_measure": "SMD", "outcome_importance": "critical",
         "outcome_lower_is_better": "true"}

HAND_WRITTEN = """\
# our review: keep this comment
[review]
title = "Old title"   # a trailing comment
population = "adults"
intervention = "rTMS"
comparison = "sham"

[thresholds]
i2_serious = 40

[[outcomes]]
name = "Pain"
data = "pain.csv"   # the team's own table
measure = "MD"
method = "DL"
"""


def _client(app) -> Client:
    return Client(app, base_url="http://127.0.0.1").__enter__()


def test_a_new_project_creates_its_review_from_the_form(empty_app) -> None:
    folder = Path(empty_app.state.folder)
    c = _client(empty_app).as_reviewer("ana")
    page = c.get("/").text
    assert 'action="/review/create"' in page and "no review file yet" in page
    r = c.post_form("/review/create", {**QUESTION, **FIRST}, follow_redirects=True)
    assert "review.toml created" in r.text
    review = load_review(folder / "review.toml")
    assert (review.title, review.population, review.comparison) == (QUESTION["title"], QUESTION["population"],
                                                                       "sham stimulation")
    (spec,) = review.outcomes
    assert (spec.name, spec.analysis.measure, spec.importance, spec.lower_is_better) == ("Spasticity (MAS)", "SMD",
                                                                                          "critical", True)
    assert spec.data == (folder / "extraction" / "spasticity_mas.csv").resolve()
    assert spec.data.read_text().splitlines()[0] == "study,m1,sd1,n1,m2,sd2,n2,subgroup"
    page = c.get("/").text
    assert "repetitive transcranial magnetic stimulation" in page and 'href="/extraction?o=0"' in page
    history = c.get("/history").text
    assert "review created" in history and "ana" in history
    # a second review file is refused, the first is untouched
    before = (folder / "review.toml").read_bytes()
    r = c.post_form("/review/create", {**QUESTION, **FIRST}, follow_redirects=True)
    assert "already has a review file" in r.text
    assert (folder / "review.toml").read_bytes() == before


def test_an_incomplete_question_writes_nothing(empty_app) -> None:
    folder = Path(empty_app.state.folder)
    c = _client(empty_app)
    r = c.post_form("/review/create", {**QUESTION, "population": "  ", **FIRST}, follow_redirects=True)
    assert "the review question needs population" in r.text
    r = c.post_form("/review/create", {**QUESTION, **FIRST, "outcome_measure": "HR"}, follow_redirects=True)
    assert "measure must be one of" in r.text
    assert not (folder / "review.toml").exists() and not (folder / "extraction").exists()


def test_editing_the_question_keeps_comments_and_other_tables(empty_app) -> None:
    folder = Path(empty_app.state.folder)
    (folder / "pain.csv").write_text("study,m1,sd1,n1,m2,sd2,n2\nA,1,1,10,2,1,10\n")
    (folder / "review.toml").write_text(HAND_WRITTEN)
    c = _client(empty_app).as_reviewer("ben")
    assert "Old title" in c.get("/").text
    r = c.post_form("/review/question", {**QUESTION, "title": "New title"}, follow_redirects=True)
    assert "question saved (4 change(s))" in r.text
    text = (folder / "review.toml").read_text()
    assert "# our review: keep this comment" in text and "# a trailing comment" in text
    assert "# the team's own table" in text and "i2_serious = 40" in text and 'method = "DL"' in text
    review = load_review(folder / "review.toml")
    assert (review.title, review.intervention, review.thresholds.i2_serious) == (
        "New title", "repetitive transcranial magnetic stimulation", 40)
    kept = list((folder / "history" / "review").glob("review-*.toml"))
    assert len(kept) == 1 and kept[0].read_text() == HAND_WRITTEN
    log = [json.loads(line) for line in (folder / "history" / "review_changes.jsonl").read_text().splitlines()]
    assert {e["who"] for e in log} == {"ben"} and "title: 'Old title' -> 'New title'" in [e["detail"] for e in log]
    # saving the same again changes nothing and keeps no new copy
    r = c.post_form("/review/question", {**QUESTION, "title": "New title"}, follow_redirects=True)
    assert "nothing changed" in r.text and len(list((folder / "history" / "review").glob("*.toml"))) == 1
    # an empty required field is refused, the file is unchanged
    before = (folder / "review.toml").read_bytes()
    r = c.post_form("/review/question", {**QUESTION, "comparison": ""}, follow_redirects=True)
    assert "needs comparison" in r.text and (folder / "review.toml").read_bytes() == before


def test_adding_outcomes(empty_app) -> None:
    folder = Path(empty_app.state.folder)
    (folder / "data").mkdir()
    (folder / "data" / "pain.csv").write_text("study,m1,sd1,n1,m2,sd2,n2\nA,1,1,10,2,1,10\n")
    (folder / "data" / "review.toml").write_text(HAND_WRITTEN)
    c = _client(empty_app)
    form = {"outcome_name": "Adverse events", "outcome_measure": "RR", "outcome_importance": "important",
            "outcome_lower_is_better": "true"}
    r = c.post_form("/review/outcomes", form, follow_redirects=True)
    assert "outcome &#39;Adverse events&#39; added" in r.text or "outcome 'Adverse events' added" in html.unescape(r.text)
    review = load_review(folder / "data" / "review.toml")
    assert [o.name for o in review.outcomes] == ["Pain", "Adverse events"]
    added = review.outcomes[1]
    assert added.data == (folder / "extraction" / "adverse_events.csv").resolve()
    assert added.data.read_text().splitlines()[0] == "study,events1,n1,events2,n2,subgroup"
    assert (added.analysis.measure, added.importance) == ("RR", "important")
    r = c.post_form("/review/outcomes", form, follow_redirects=True)
    assert "already has an outcome named" in html.unescape(r.text)
    assert [o.name for o in question(folder).outcomes] == ["Pain", "Adverse events"]


def test_question_text_is_escaped_and_csrf_is_required(empty_app) -> None:
    folder = Path(empty_app.state.folder)
    c = _client(empty_app)
    c.post_form("/review/create", {**QUESTION, "title": "<script>alert(1)</script>", **FIRST})
    page = c.get("/").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    before = (folder / "review.toml").read_bytes()
    assert c.post("/review/question", data=QUESTION).status_code == 403
    assert (folder / "review.toml").read_bytes() == before


def test_a_review_file_that_does_not_validate_is_shown_not_a_traceback(empty_app) -> None:
    (Path(empty_app.state.folder) / "review.toml").write_text("[review]\ntitle = 'x'\n")
    page = _client(empty_app).get("/")
    assert page.status_code == 200 and "does not validate" in page.text and "population" in page.text


def test_concurrent_edits_all_reach_the_review_file(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from evisynth.api.reviewfile import add_outcome, create_review

    create_review(tmp_path, QUESTION, {"name": "First", "measure": "MD"}, who="ana")
    names = [f"Outcome {i}" for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: add_outcome(tmp_path, {"name": n, "measure": "RR"}, who="ben"), names))
    assert sorted(o.name for o in load_review(tmp_path / "review.toml").outcomes) == sorted(["First", *names])
    log = (tmp_path / "history" / "review_changes.jsonl").read_text().splitlines()
    assert len(log) == 9 and all(json.loads(line)["what"] in ("review created", "outcome added") for line in log)


def test_every_output_file_is_listed_by_folder(empty_app) -> None:
    """No silent cut: 70 files of one output folder are all listed, under that folder (collapsed)."""
    from evisynth.files import OutputSet

    folder = Path(empty_app.state.folder)
    out = OutputSet(folder / "report", by="test")
    for i in range(70):
        out.add(f"figures/f{i:02d}.svg", "<svg/>")
    out.add("report.md", "# report\n")
    out.commit()
    page = _client(empty_app).get("/").text
    assert "<code>report/</code> (71 files)" in page
    assert page.count('href="/files/report/') == 71


def test_reviewers_per_record_set_on_the_project_page(empty_app) -> None:
    from evisynth.api.records import screening

    folder = Path(empty_app.state.folder)
    c = _client(empty_app).as_reviewer("ana")
    assert 'action="/review/screening"' not in c.get("/").text  # no review file yet
    c.post_form("/review/create", {**QUESTION, **FIRST})
    page = c.get("/").text
    assert re.search(r'<select id="per-record"[^>]*><option>1</option><option selected>2</option>', page)
    r = c.post_form("/review/screening", {"reviewers_per_record": "1"}, follow_redirects=True)
    assert "each record now needs 1 reviewer before its decision is final" in r.text
    assert screening.reviewers_per_record(empty_app.state.project) == 1
    assert "reviewers_per_record = 1" in (folder / "review.toml").read_text()
    assert "screening setting" in c.get("/history").text
    bad = c.post_form("/review/screening", {"reviewers_per_record": "11"}, follow_redirects=True)
    assert "from 1 to 10" in bad.text and screening.reviewers_per_record(empty_app.state.project) == 1


def test_the_review_file_holds_its_screening_table(tmp_path: Path) -> None:
    """One review file for the analysis and the screening settings: [screening] is read, not refused."""
    import pytest

    from evisynth.errors import InputError
    from evisynth.review.file import parse_review

    text = HAND_WRITTEN + (
        '\n[screening]\nreviewers_per_record = 1\nexclusion_reasons = ["Wrong population"]\n')
    (tmp_path / "pain.csv").write_text("study,m1,sd1,n1,m2,sd2,n2\nA,1,1,10,2,1,10\n")
    assert parse_review(text, tmp_path / "review.toml").title == "Old title"
    with pytest.raises(InputError, match=r"unknown key in \[screening\]"):
        parse_review(text.replace("reviewers_per_record", "reviewers"), tmp_path / "review.toml")
