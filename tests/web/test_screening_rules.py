"""Page 3, Screening, as a first-time user test found it wanting: two reviewers per record before a
decision is final, exclusion reasons added on the full-text page, "not retrieved" as one reviewer's
decision, no live conflict count for a screening reviewer, an explicit final decision on the conflicts
page and stage names people read."""

from __future__ import annotations

import re

import pytest

from evisynth.api.records import prisma_counts, screening
from evisynth.api.web import history, progress
from evisynth.records.model import Citation, ParseResult

from .conftest import Client


def _seed(project, n: int = 3) -> list[int]:
    records = tuple(Citation(title=f"Trial {chr(65 + i)} of rTMS", authors=(f"Author{i}, A",), year=2010 + i,
                             abstract=f"Abstract of trial {chr(65 + i)}") for i in range(n))
    project.import_records(ParseResult("ris", records), database="Embase", file_name="e.ris", sha256="e" * 64)
    return screening.eligible(project, "title")


def _decide(client: Client, stage: str, rid: int, decision: str, reason: str = "", **kw):
    return client.post_form("/screening/decide", {"stage": stage, "record_id": str(rid), "decision": decision,
                                                  "reason": reason}, **kw)


@pytest.fixture
def pair(empty_app):
    """Two reviewers, ana and ben, each with their own session."""
    with Client(empty_app, base_url="http://127.0.0.1") as ana, Client(empty_app, base_url="http://127.0.0.1") as ben:
        yield ana.as_reviewer("ana"), ben.as_reviewer("ben")


def test_one_reviewer_is_not_final_and_waits_for_a_second(empty_app, pair):
    project = empty_app.state.project
    ids = _seed(project)
    ana, ben = pair
    _decide(ana, "title", ids[0], "exclude")
    _decide(ana, "title", ids[1], "include")
    prog = progress(project, "title", "ana")
    assert prog.waiting == ids[:2] and prog.final == 0 and prog.conflicts == 0
    assert prisma_counts(project).records_excluded == 0  # a single reviewer's exclusion is not counted
    page = ana.get("/screening/conflicts?stage=title").text
    assert "Waiting for a second reviewer (2)" in page and "2 per record" in page
    dashboard = ana.get("/").text
    assert "Title/abstract: final decisions" in dashboard and "title final decisions" not in dashboard
    _decide(ben, "title", ids[0], "exclude")  # agreement of two: final
    _decide(ben, "title", ids[1], "exclude")  # disagreement: a conflict
    prog = progress(project, "title", "ben")
    assert prog.waiting == [] and prog.final == 1 and prog.conflicts == 1
    assert prisma_counts(project).records_excluded == 1


def test_screening_page_shows_no_live_conflict_count(empty_app, pair):
    ids = _seed(empty_app.state.project)
    ana, ben = pair
    _decide(ben, "title", ids[0], "exclude")
    before = ana.get(f"/screening?stage=title&id={ids[1]}").text
    _decide(ana, "title", ids[0], "include")  # ana now disagrees with ben
    after = ana.get(f"/screening?stage=title&id={ids[1]}").text
    assert screening.conflicts(empty_app.state.project, "title")
    link = re.compile(r'<a href="/screening/conflicts[^>]*>[^<]*</a>')
    assert link.findall(before) == link.findall(after) == [
        '<a href="/screening/conflicts?stage=title">Conflicts and waiting records</a>']
    assert "Conflicts (" not in after


def _to_fulltext(app, pair) -> tuple[Client, Client, list[int]]:
    ids = _seed(app.state.project)
    ana, ben = pair
    for rid in ids:
        _decide(ana, "title", rid, "include")
        _decide(ben, "title", rid, "include")
    assert screening.eligible(app.state.project, "fulltext") == ids
    return ana, ben, ids


def test_exclusion_reason_added_on_the_fulltext_page(empty_app, pair):
    project = empty_app.state.project
    ana, _ben, ids = _to_fulltext(empty_app, pair)
    page = ana.get(f"/screening?stage=fulltext&id={ids[0]}").text
    assert 'action="/screening/reasons"' in page and '<select id="reason" name="reason" data-keys="e"' in page
    added = ana.post_form("/screening/reasons", {"reason": "  Wrong <population> ", "record_id": str(ids[0])})
    assert "exclusion reason added: Wrong &lt;population&gt;" in added.text
    assert screening.exclusion_reasons(project) == ["Wrong <population>"]
    assert "<option>Wrong &lt;population&gt;</option>" in added.text and f'value="{ids[0]}"' in added.text
    again = ana.post_form("/screening/reasons", {"reason": "Wrong <population>", "record_id": str(ids[0])})
    assert "already lists" in again.text and screening.exclusion_reasons(project) == ["Wrong <population>"]
    events = [e for e in history(project) if e.action == "exclusion reason added"]
    assert [(e.who, e.detail) for e in events] == [("ana", "Wrong <population>")]
    _decide(ana, "fulltext", ids[0], "exclude", "Wrong <population>")
    assert screening.own_decisions(project, "ana", "fulltext")[ids[0]].reason == "Wrong <population>"


def test_fulltext_exclusion_without_reason_stays_and_focuses_the_list(empty_app, pair):
    ana, _ben, ids = _to_fulltext(empty_app, pair)
    screening.add_exclusion_reasons(empty_app.state.project, ["Not randomised"])
    response = _decide(ana, "fulltext", ids[1], "exclude", follow_redirects=False)
    assert response.headers["location"] == f"/screening?stage=fulltext&id={ids[1]}"  # the same record
    page = ana.get(response.headers["location"]).text
    assert "choose an exclusion reason for record" in page and "got None" not in page
    assert re.search(r'<select id="reason"[^>]* autofocus>', page)  # typing goes to the list, not to shortcuts
    assert _decide(ana, "fulltext", ids[1], "exclude", "Not randomised").status_code == 200
    assert screening.own_decisions(empty_app.state.project, "ana", "fulltext")[ids[1]].reason == "Not randomised"


def test_not_retrieved_is_one_reviewers_decision(empty_app, pair):
    project = empty_app.state.project
    ana, ben, ids = _to_fulltext(empty_app, pair)
    _decide(ana, "fulltext", ids[0], "include")
    _decide(ben, "fulltext", ids[0], "missing")  # "Not retrieved": overrides nobody
    assert ids[0] in screening.eligible(project, "fulltext")
    assert screening.own_decisions(project, "ana", "fulltext")[ids[0]].decision == "include"
    assert [i for i, _ in screening.conflicts(project, "fulltext")] == [ids[0]]
    page = ben.get(f"/screening?stage=fulltext&id={ids[0]}").text
    assert "your decision: <strong class=\"decision-missing\">not retrieved</strong>" in page
    conflicts = ana.get("/screening/conflicts?stage=fulltext").text
    assert "ben: <strong class=\"decision-missing\">not retrieved</strong>" in conflicts
    assert "<h1>Conflicts: Full text</h1>" in conflicts and '<option value="missing">not retrieved</option>' in conflicts
    ana.post_form("/screening/resolve", {"stage": "fulltext", "record_id": str(ids[0]), "decision": "missing"})
    assert screening.finals(project, "fulltext")[ids[0]] == ("missing", None)
    assert prisma_counts(project).dbr_notretrieved_reports == 1


def test_resolving_needs_an_explicit_decision_and_shows_the_abstract(empty_app, pair):
    project = empty_app.state.project
    ids = _seed(project)
    ana, ben = pair
    _decide(ana, "title", ids[0], "include")
    _decide(ben, "title", ids[0], "exclude")
    page = ana.get("/screening/conflicts?stage=title").text
    assert '<option value="" selected>— choose —</option>' in page and 'name="decision" required' in page
    assert "<details><summary>Abstract</summary><div class=\"abstract\">Abstract of trial A</div></details>" in page
    assert "<td>Title/abstract</td>" in page and "<td>title</td>" not in page
    missing = ana.post_form("/screening/resolve", {"stage": "title", "record_id": str(ids[0]), "note": "x"})
    assert f"choose the final decision for record {ids[0]} (include, exclude, maybe)</p>" in missing.text
    assert screening.finals(project, "title")[ids[0]] is None  # nothing included by default
    ana.post_form("/screening/resolve", {"stage": "title", "record_id": str(ids[0]), "decision": "exclude"})
    assert screening.finals(project, "title")[ids[0]] == ("exclude", None)


def test_one_pair_to_check(empty_app, monkeypatch):
    from evisynth.store.record_rows import DedupeSummary

    monkeypatch.setattr(empty_app.state.project, "dedupe", lambda by: DedupeSummary(4, 0, 1))
    with Client(empty_app, base_url="http://127.0.0.1") as c:
        assert "0 merged automatically, 1 pair to check" in c.post_form("/search/dedupe").text


def test_history_keeps_a_changed_and_a_withdrawn_decision(empty_app, pair):
    project = empty_app.state.project
    ids = _seed(project)
    ana, _ben = pair
    _decide(ana, "title", ids[0], "exclude")
    _decide(ana, "title", ids[0], "exclude")  # the same again: no new event
    _decide(ana, "title", ids[0], "include")  # changed: both stay
    ana.post_form("/screening/undo")          # withdrawn: kept as an event
    assert ids[0] not in screening.own_decisions(project, "ana", "title")
    actions = [(e.who, e.action) for e in reversed(history(project, record_id=ids[0]))]
    assert actions == [("ana", "Title/abstract: exclude"), ("ana", "Title/abstract: include"),
                       ("ana", "Title/abstract: decision withdrawn")]
    page = ana.get(f"/history?record={ids[0]}").text
    assert "Title/abstract: exclude" in page and "decision withdrawn (undo)" in page


def test_a_replaced_resolution_stays_on_history(empty_app, pair):
    project = empty_app.state.project
    ids = _seed(project)
    ana, ben = pair
    _decide(ana, "title", ids[0], "include")
    _decide(ben, "title", ids[0], "exclude")
    ana.post_form("/screening/resolve", {"stage": "title", "record_id": str(ids[0]), "decision": "include",
                                         "note": "randomised"})
    ben.post_form("/screening/resolve", {"stage": "title", "record_id": str(ids[0]), "decision": "exclude",
                                         "note": "not randomised after all"})
    assert screening.finals(project, "title")[ids[0]] == ("exclude", None)
    events = [(e.who, e.action, e.detail) for e in history(project, record_id=ids[0])]
    assert ("ben", "Title/abstract: resolved", "final: exclude; note: not randomised after all") in events
    assert ("ana", "Title/abstract: resolved (replaced later)", "final: include (note: randomised)") in events
