"""End-to-end test in a real browser: Playwright driving Debian's Chromium (never a downloaded one).

Walks a review: name the reviewer → upload two exports → dedupe → two reviewers screen with the keyboard →
resolve a conflict → history → the review question and an outcome → arm data typed into the grid, one SD
derived from a CI → analysis with a subgroup and its downloads → GRADE override with a reason → a summary
checked with its finding inline → summary-of-findings download.
Screenshots of each page are saved under the test's tmp folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evisynth.api.records import screening

from .test_pages import RIS_A, RIS_B

# arm data typed in the walk: study, m1, sd1, n1, m2, sd2, n2, subgroup, ci1_lower, ci1_upper
ARMS = [["Kim 2019", "-1.1", "0.6", "15", "-0.4", "0.7", "15", "", "", "low frequency"],
        ["Lee 2020", "-0.9", "", "20", "-0.5", "0.7", "20", "-1.27", "-0.53", "high frequency"],
        ["Park 2021", "-1.3", "0.9", "12", "-0.6", "0.8", "12", "", "", "low frequency"],
        ["Chen 2022", "-0.7", "0.7", "25", "-0.3", "0.6", "24", "", "", "high frequency"]]

CHROMIUM = os.environ.get("EVISYNTH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from evisynth.web.app import create_app

    folder = tmp_path / "review"
    folder.mkdir()
    app = create_app(folder)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(10)
    app.state.project.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _key(page: Any, key: str) -> None:
    """Press ``key`` and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_walk_a_review(live_server, browser, tmp_path):
    url, app = live_server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "pubmed.ris").write_bytes(RIS_A)
    (exports / "embase.ris").write_bytes(RIS_B)
    errors: list[str] = []

    ana = browser.new_context().new_page()
    ana.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    ana.goto(url + "/")
    ana.fill("#reviewer-name", "ana")
    ana.click("text=Save")
    assert "Reviewer: ana" in ana.inner_text("header")
    _shot(ana, shots, "1-project-empty")

    ana.goto(url + "/search")
    for name, db in (("pubmed.ris", "PubMed"), ("embase.ris", "Embase")):
        ana.set_input_files("#file", str(exports / name))
        ana.fill("#database", db)
        ana.click("button:has-text('Upload')")
        assert f"from {db}" in ana.inner_text(".flash")
    ana.click("button:has-text('Find duplicates')")
    assert "checked 3 records" in ana.inner_text(".flash")
    for _ in range(5):
        if ana.locator("button:has-text('Confirm duplicate')").count() == 0:
            break
        ana.click("button:has-text('Confirm duplicate') >> nth=0")
    _shot(ana, shots, "2-search")
    assert len(app.state.project.active_ids()) == 2

    # ana screens by keyboard: include everything
    ana.goto(url + "/screening?stage=title")
    for _ in range(2):
        _key(ana, "i")
    assert "Nothing left for you" in ana.inner_text("main")
    # U undoes the last decision, I decides it again
    _key(ana, "u")
    assert "withdrawn" in ana.inner_text(".flash")
    _key(ana, "i")
    _shot(ana, shots, "3-screening-ana-done")
    ana.goto(url + "/screening/conflicts?stage=title")  # one reviewer's decisions are not final
    assert "Waiting for a second reviewer (2)" in ana.inner_text("main")

    ben = browser.new_context().new_page()
    ben.goto(url + "/screening?stage=title")
    ben.fill("#reviewer-name", "ben")
    _key(ben, "Enter")
    assert "not decided by you" in ben.inner_text("main")  # blinded to ana's includes
    _shot(ben, shots, "3-screening-ben")
    _key(ben, "e")
    _key(ben, "ArrowLeft")
    assert "your decision: exclude" in ben.inner_text("main")
    _key(ben, "ArrowRight")
    _key(ben, "i")

    ana.goto(url + "/screening/conflicts?stage=title")
    assert "Conflicts queue (1)" in ana.inner_text("main")
    assert "Waiting for a second reviewer (0)" in ana.inner_text("main")
    ana.fill("input[name=note]", "randomised trial: include")
    ana.click("button:has-text('Resolve')")  # no final decision chosen: the browser asks for one
    assert "Conflicts queue (1)" in ana.inner_text("main")
    ana.select_option("select[name=decision]", "include")
    ana.click("button:has-text('Resolve')")
    assert "Conflicts queue (0)" in ana.inner_text("main")
    assert "ana / ben" in ana.inner_text("main")
    _shot(ana, shots, "3-conflicts-resolved")

    # full text: E without a reason moves the focus to the reason list with a hint; a reason is added on
    # the page; E excludes with the reason chosen while the list has the focus
    ana.goto(url + "/screening?stage=fulltext")
    ana.keyboard.press("e")
    assert ana.evaluate("document.activeElement.id") == "reason" and ana.is_visible("#reason-hint")
    assert ana.is_visible("#new-reason")  # the review lists no reasons yet: the form is open
    ana.fill("#new-reason", "Wrong population")
    with ana.expect_navigation():
        ana.click("button:has-text('Add reason')")
    assert "exclusion reason added" in ana.inner_text(".flash")
    ana.select_option("#reason", "Wrong population")
    ana.focus("#reason")
    _key(ana, "e")
    full = screening.own_decisions(app.state.project, "ana", "fulltext")
    assert [d.reason for d in full.values()] == ["Wrong population"]
    _shot(ana, shots, "3-fulltext")

    ana.goto(url + "/history")
    assert "randomised trial: include" in ana.inner_text("main")
    _shot(ana, shots, "7-history")
    ana.goto(url + "/")
    _shot(ana, shots, "1-project-dashboard")
    # the review question and its first outcome, typed on the Project page (writes review.toml)
    for key, value in (("title", "rTMS for spasticity after stroke"), ("population", "adults after stroke"),
                       ("intervention", "repetitive transcranial magnetic stimulation"),
                       ("comparison", "sham stimulation")):
        ana.fill(f"#q-{key}", value)
    ana.fill("#outcome-name", "Spasticity (MAS)")
    ana.select_option("#outcome-measure", "MD")
    ana.select_option("#outcome-importance", "critical")
    ana.click("button:has-text('Create the review')")
    assert "review.toml created" in ana.inner_text(".flash")
    _shot(ana, shots, "1-project-review")

    # arm data typed into the grid; Lee 2020 reports a 95% CI instead of an SD, which the grid converts
    ana.goto(url + "/extraction?o=0")
    for column in ("ci1_lower", "ci1_upper"):
        ana.fill("#new_column", column)
        with ana.expect_navigation():
            ana.click("button:has-text('Save and check')")
    header = [ana.input_value(f"input[name='h-{j}']") for j in range(10)]
    # shown (and saved) as study, the data columns, then the others
    assert header == ["study", "m1", "sd1", "n1", "m2", "sd2", "n2", "ci1_lower", "ci1_upper", "subgroup"]
    for i, row in enumerate(ARMS):
        for j, value in enumerate(row):
            if value:
                ana.fill(f"input[name='c-{i}-{j}']", value)
    with ana.expect_navigation():
        ana.click("button:has-text('Save and check')")
    assert "Checked: 4 studies, continuous data." in ana.inner_text("#grid-check")
    lee = ana.inner_text("table.grid tbody tr >> nth=1")
    assert "sd1 = 0.7906: sd1 from the 95% CI" in lee, lee
    _shot(ana, shots, "4-extraction")
    ana.goto(url + "/rob")  # a row per typed study, judged on this page (the walk overrides the domain below)
    assert ana.locator("table.rob-grid tbody tr").count() == len(ARMS)
    _shot(ana, shots, "4-risk-of-bias")

    ana.goto(url + "/analysis")
    assert ana.input_value("#measure") == "MD"
    ana.select_option("#subgroup", "subgroup")
    ana.wait_for_selector("#figure-forest_subgroup")
    results = ana.inner_text("#results")
    assert "Test for subgroup differences" in results and "Lee 2020" in results
    _shot(ana, shots, "5-analysis")
    for link, suffix in (("a:has-text('analysis JSON')", ".json"), ("a:has-text('report (HTML)')", ".html"),
                         ("a:has-text('report (Markdown')", ".zip"),
                         ("#figure-forest_subgroup a:has-text('SVG')", ".svg")):
        with ana.expect_download() as download:
            ana.click(link)
        assert download.value.suggested_filename.endswith(suffix)
        if suffix == ".json":
            saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
            assert [row["study"] for row in saved["studies"]] == [row[0] for row in ARMS]
            assert saved["studies"][1]["note"].startswith("sd1 from the 95% CI")
            (groups,) = saved["subgroup_analyses"].values()
            assert "subgroup differences" in groups["text"]
    # a fixed model picks a fixed method (IV), and the page says the review file's settings differ
    ana.select_option("#model", "fixed")
    sync_api.expect(ana.locator("#method")).to_have_value("IV")
    sync_api.expect(ana.locator("#review-settings")).to_contain_text("The certainty page and summary use the review")
    ana.goto(url + "/certainty")
    # no risk-of-bias judgements were entered, so evisynth suggests "serious"; the reviewer overrides it
    assert "4 studies without a judgement" in ana.inner_text("#domain-risk_of_bias")
    assert ana.inner_text("#certainty-level") == "moderate"
    ana.select_option("#j-risk_of_bias", "not serious")
    ana.click("#domain-risk_of_bias button:has-text('Save')")
    assert "needs a reason" in ana.inner_text(".flash")
    ana.select_option("#j-risk_of_bias", "not serious")
    ana.fill("#r-risk_of_bias", "all four trials sham-controlled with blinded assessors (RoB 2 forms on file)")
    ana.click("#domain-risk_of_bias button:has-text('Save')")
    assert ana.inner_text("#certainty-level") == "high"
    with ana.expect_download() as download:   # the summary-of-findings table
        ana.click("a:has-text('CSV')")
    assert download.value.suggested_filename.endswith(".csv")
    # a summary that overstates the evidence: the checker's findings appear inline on the text
    ana.fill("#check-text", "rTMS clearly cures spasticity: MD -0.40 (95% CI -0.10 to 0.30; P = 0.01; "
                            "low-certainty evidence).")
    ana.click("button:has-text('Check text')")
    ana.focus("mark.es-finding >> nth=0")  # a finding of the accuracy checker, reached by keyboard focus
    assert ana.evaluate("document.activeElement.getAttribute('aria-describedby')").startswith("es-f-")
    _shot(ana, shots, "6-certainty")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert len(list(shots.glob("*.png"))) >= 8
    print(f"screenshots in {shots}")
