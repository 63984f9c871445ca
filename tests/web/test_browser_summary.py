"""Page 6's summary editor in a real browser (Playwright, Debian's Chromium), by keyboard only: type in the
labelled text area, Tab to "Save as the review's summary", Enter; the findings come back inline and the
saved summary downloads as Markdown. A screenshot is saved under the test's tmp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evisynth.examples.data import RTMS_DIR

from .test_browser import CHROMIUM, browser, live_server  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)"),
]

WRONG = "<script>alert(1)</script> rTMS clearly cures spasticity: MD -0.40 (95% CI -0.10 to 0.30; P = 0.01)."


def test_summary_saved_by_keyboard(live_server, browser, tmp_path):  # noqa: F811
    url, app = live_server
    shutil.copytree(RTMS_DIR, app.state.folder / "data")   # the bundled review arrives while the app runs
    errors: list[str] = []
    dialogs: list[str] = []
    page = browser.new_context(accept_downloads=True).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url + "/certainty")
    assert page.get_attribute("label[for='check-text']", "for") == "check-text"
    page.focus("#check-text")
    page.keyboard.press("Control+A")
    page.keyboard.type(WRONG)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "summary-check"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "summary-save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    flash = page.inner_text("#summary-status")   # next to the summary, where the page opens
    assert flash.startswith("Saved as the review's summary") and "error" in flash and "remain" in flash
    saved = app.state.folder / "summary" / "summary.md"
    assert saved.read_text(encoding="utf-8") == WRONG + "\n"
    # the text shows as text (no script ran), the findings are marked and reachable by keyboard
    assert "<script>alert(1)</script>" in page.inner_text(".checked-summary") and not dialogs
    page.focus("mark.es-finding >> nth=0")
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')").startswith("es-f-")
    assert page.input_value("#check-text") == WRONG + "\n"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    page.screenshot(path=str(shots / "6-summary-saved.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a:has-text('Markdown (summary.md)')")
    assert download.value.suggested_filename == "summary.md"
    assert Path(download.value.path()).read_text(encoding="utf-8") == WRONG + "\n"
    assert not [e for e in errors if "Content Security Policy" in e], errors
