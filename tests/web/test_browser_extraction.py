"""Page 4 in a real browser (Playwright, Debian's Chromium): the grid checked as it is typed (htmx, nothing
saved), a conversion helper answering inline, a derived SD shown next to its derivation after saving."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import CHROMIUM, browser, live_server  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def test_extraction_in_the_browser(live_server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    url, app = live_server
    errors: list[str] = []
    page = browser.new_context().new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url + "/extraction")
    page.fill("#new-name", "Pain at 6 weeks")
    page.select_option("#new-kind", "continuous")
    page.click("button:has-text('Add outcome')")
    assert page.inner_text("h2") == "Pain at 6 weeks"
    saved = app.state.folder / "extraction" / "pain_at_6_weeks.csv"
    before = saved.read_bytes()

    # typed into the grid: checked as typed, with the command line's message, nothing saved
    cells = ["A 2020", "5", "x", "20", "4", "1", "20", "low"]
    for j, value in enumerate(cells):
        page.fill(f"input[name='c-0-{j}']", value)
    expect(page.locator("#grid-check")).to_contain_text("'x' is not a number")
    assert "row 1 (line 2), column 'sd1'" in page.inner_text("#grid-check")
    assert saved.read_bytes() == before
    page.fill("input[name='c-0-2']", "1.5")
    expect(page.locator("#grid-check")).to_contain_text("Checked: 1 study")

    # a conversion helper answers inline with its derivation
    helper = page.locator("form[data-helper='sd_from_ci']")
    helper.locator("input[name='lower']").fill("4.1")
    helper.locator("input[name='upper']").fill("5.9")
    helper.locator("input[name='n']").fill("20")
    helper.locator("button").click()
    page.wait_for_selector("#conv-result-sd_from_ci strong")
    assert page.inner_text("#conv-result-sd_from_ci strong") == "1.923"
    assert "95% CI 4.1 to 5.9" in page.inner_text("#conv-result-sd_from_ci")

    # or the CI entered as columns: the grid derives the SD and shows it with its derivation
    page.fill("input[name='h-2']", "ci1_lower")
    page.fill("#new_column", "ci1_upper")
    page.fill("input[name='c-0-2']", "4.1")
    with page.expect_navigation():
        page.click("button:has-text('Save and check')")
    header = [page.input_value(f"input[name='h-{j}']") for j in range(9)]
    assert header[-2:] == ["ci1_upper", "subgroup"]  # data columns first, then the others
    page.fill(f"input[name='c-0-{header.index('ci1_upper')}']", "5.9")
    with page.expect_navigation():
        page.click("button:has-text('Save and check')")
    assert "Checked: 1 study, continuous data." in page.inner_text("#grid-check")
    assert "sd1 = 1.923: sd1 from the 95% CI" in page.inner_text("table.grid tbody tr >> nth=0")
    page.screenshot(path=str(tmp_path / "4-extraction.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_grid_rows_grow_as_typed(live_server, browser):  # noqa: F811
    """A blank row appears when the last one is typed in, and by the keyboard-reachable *Add a row*;
    every row typed is saved."""
    url, app = live_server
    page = browser.new_context().new_page()
    page.goto(url + "/extraction")
    page.fill("#new-name", "Pain")
    page.click("button:has-text('Add outcome')")
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 3
    for i in range(5):
        page.fill(f"input[name='c-{i}-0']", f"S{i + 1}")
    assert rows.count() == 6 and page.input_value("input[name='nrows']") == "6"
    page.focus("button:has-text('Add a row')")
    page.keyboard.press("Enter")
    assert rows.count() == 7
    assert page.evaluate("document.activeElement.name") == "c-6-0"
    assert page.get_attribute("input[name='c-6-1']", "aria-label") == "m1, row 7"
    page.fill("input[name='c-6-0']", "S7")
    with page.expect_navigation():
        page.click("button:has-text('Save and check')")
    saved = (app.state.folder / "extraction" / "pain.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in saved[1:]] == [f"S{i}" for i in range(1, 6)] + ["S7"]


def test_enter_moves_down_the_column_and_ctrl_enter_saves(live_server, browser):  # noqa: F811
    url, app = live_server
    page = browser.new_context().new_page()
    page.goto(url + "/extraction")
    page.fill("#new-name", "Pain")
    page.click("button:has-text('Add outcome')")
    page.focus("input[name='c-0-1']")
    page.keyboard.type("5")
    page.keyboard.press("Enter")  # down the column, no save
    assert page.evaluate("document.activeElement.name") == "c-1-1"
    page.keyboard.press("Shift+Enter")
    assert page.evaluate("document.activeElement.name") == "c-0-1"
    page.fill("input[name='c-0-0']", "A 2020")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert (app.state.folder / "extraction" / "pain.csv").read_text().splitlines()[1].startswith("A 2020,5")
