"""The pages of the web app over the demo project and an empty one (TestClient, no browser)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from evisynth.api.records import screening

from .conftest import Client

RIS_A = b"""TY  - JOUR
TI  - Repetitive transcranial magnetic stimulation for spasticity after stroke
AU  - Smith, J
PY  - 2019
JO  - Stroke Rehab
DO  - 10.1000/abc.1
ER  -

TY  - JOUR
TI  - Botulinum toxin versus rTMS for spasticity
AU  - Lee, K
PY  - 2020
JO  - Clin Rehab
ER  -
"""
RIS_B = b"""TY  - JOUR
TI  - Repetitive transcranial magnetic stimulation for spasticity after stroke.
AU  - Smith, J.
PY  - 2019
JO  - Stroke Rehabilitation
ER  -
"""


def test_every_nav_page_renders(client):
    for url in ("/", "/search", "/screening", "/extraction", "/analysis", "/certainty", "/history"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'aria-current="page"' in response.text
    assert "PRISMA 2020 counts" in client.get("/").text


def test_demo_dashboard_counts(client, app):
    from evisynth.api.records import prisma_counts

    counts = prisma_counts(app.state.project)
    page = client.get("/").text
    assert f"<td>{counts.database_results}</td>" in page
    assert f"<td>{counts.new_studies}</td>" in page


def _record_id(page: str) -> int:
    match = re.search(r'name="record_id" value="(\d+)"', page)
    assert match
    return int(match.group(1))


def test_upload_dedupe_screen_resolve(empty_app):
    project = empty_app.state.project
    with Client(empty_app, base_url="http://127.0.0.1") as ana, Client(empty_app, base_url="http://127.0.0.1") as ben:
        ana.post_form("/search/upload", {"database": "PubMed"}, files={"file": ("a.ris", RIS_A, "text/plain")})
        page = ana.post_form("/search/upload", {"database": "Embase"},
                             files={"file": ("b.ris", RIS_B, "text/plain")}).text
        assert "imported 1 records from Embase" in page
        again = ana.post_form("/search/upload", {"database": "Embase"}, files={"file": ("b.ris", RIS_B, "text/plain")})
        assert "nothing changed" in again.text
        ana.post_form("/search/dedupe")
        assert len(project.active_ids()) == 2  # the two Smith records were merged (or queued and confirmed)
        for cid, _ in project.candidates("pending"):
            ana.post_form(f"/search/pairs/{cid}", {"duplicate": "yes"})
        ana.as_reviewer("ana")
        ben.as_reviewer("ben")
        ids = screening.eligible(project, "title")
        for rid in ids:
            ana.post_form("/screening/decide", {"stage": "title", "record_id": str(rid), "decision": "include"})
            ben.post_form("/screening/decide", {"stage": "title", "record_id": str(rid),
                                                "decision": "exclude" if rid == ids[0] else "include"})
        # blinded: ben's page shows only ben's decisions
        view = ben.get(f"/screening?stage=title&id={ids[0]}").text
        assert "your decision: <strong class=\"decision-exclude\">exclude" in view
        assert "ana" not in view.split("<main")[1].split("</main>")[0]
        conflicts = ana.get("/screening/conflicts?stage=title").text
        assert f"Record {ids[0]}" in conflicts and "Conflicts queue (1)" in conflicts
        ana.post_form("/screening/resolve", {"stage": "title", "record_id": str(ids[0]), "decision": "include",
                                             "note": "randomised: meets PICO"})
        assert screening.conflicts(project, "title") == []
        history = ana.get(f"/history?record={ids[0]}").text
        assert "randomised: meets PICO" in history and "ben" in history and "ana" in history
        kappa = ana.get("/screening/conflicts?stage=title").text
        assert "ana / ben" in kappa


def test_undo_withdraws_own_decision(client, app):
    client.as_reviewer("zoe")
    page = client.get("/screening?stage=title").text
    rid = _record_id(page)
    after = client.post_form("/screening/decide", {"stage": "title", "record_id": str(rid), "decision": "maybe"})
    assert _record_id(after.text) != rid  # moved on to the next record
    assert screening.own_decisions(app.state.project, "zoe", "title")[rid].decision == "maybe"
    back = client.post_form("/screening/undo")
    assert _record_id(back.text) == rid and "withdrawn" in back.text
    assert rid not in screening.own_decisions(app.state.project, "zoe", "title")


def test_highlight_terms(client):
    client.as_reviewer("zoe")
    client.post_form("/screening/terms", {"stage": "title", "terms": "rTMS, <b>"})
    page = client.get("/screening?stage=title").text
    assert "<mark>rTMS</mark>" in page and "<b>" not in page.split("<main")[1]


def test_screening_asks_for_name_first(demo_dir):
    from evisynth.web.app import create_app

    app = create_app(demo_dir)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            assert "give your name first" in c.get("/screening").text
    finally:
        app.state.project.close()


def test_demo_output_folder_opens_its_search_store(tmp_path, demo_template):
    import shutil

    from evisynth.api.web import store_folder

    shutil.copytree(demo_template, tmp_path / "D" / "search")
    (tmp_path / "D" / "report.html").write_text("<p>report</p>", encoding="utf-8")
    assert store_folder(tmp_path / "D") == tmp_path / "D" / "search"
    from evisynth.web.app import create_app

    app = create_app(tmp_path / "D")
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            page = c.get("/").text
            assert "Embase" in page and 'href="/files/report.html"' in page
            assert c.get("/files/report.html").text == "<p>report</p>"
    finally:
        app.state.project.close()
