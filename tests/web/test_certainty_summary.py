"""Page 6, the plain-language summary edited in the browser: "Check" stores nothing, "Save as the review's
summary" replaces summary/summary.md (old version kept, change logged with who and when, shown on the
History page) and shows the findings again; text escaped everywhere; the saved summary downloads."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from evisynth.api.webreview import review_result, summary_view
from evisynth.api.websummary import MAX_SUMMARY_CHARS, save_summary, summary_changes

WRONG = ("<script>alert(1)</script>\n\nrTMS clearly cures spasticity: MD -0.40 (95% CI -0.10 to 0.30; "
         "P = 0.01; low-certainty evidence).\n")
FLASH = re.compile(r'<p class="flash flash-(\w+)" role="status" id="summary-status">([^<]*)</p>')


def _save(client, text: str, **kwargs):
    return client.post_form("/certainty/summary", {"o": "0", "text": text}, **kwargs)


def _editor(page: str) -> str:
    return page.split('<textarea id="check-text"', 1)[1].split("</textarea>", 1)[0].split(">", 1)[1]


def test_editor_prefilled_labelled_and_keyboard_reachable(review_client, review_dir: Path):
    page = review_client.get("/certainty").text
    assert '<label for="check-text">' in page and 'aria-describedby="summary-help"' in page
    assert f'maxlength="{MAX_SUMMARY_CHARS}"' in page
    # the generated summary is in the editor as Markdown (emphasis kept), ready to edit
    generated = summary_view(review_result(review_dir))
    assert html.unescape(_editor(page)) == generated.text and "**" in generated.text
    # both actions are real buttons of one form (no script needed): Check to /certainty/check, Save to /certainty/summary
    form = page.split('class="stack summary-editor"', 1)[1].split("</form>", 1)[0]
    assert '<button type="submit" id="summary-check"' in form
    assert 'formaction="/certainty/summary">Save as the review\'s summary</button>' in form
    assert 'tabindex="-1"' not in form
    assert "/certainty/summary.md" not in page  # nothing saved yet: no download link
    assert review_client.get("/certainty/summary.md").status_code == 404


def test_check_stores_nothing(review_client, review_dir: Path):
    page = review_client.post_form("/certainty/check", {"text": "rTMS increases spasticity."}).text
    assert "Text: your text" in page and _editor(page) == "rTMS increases spasticity."
    assert not (review_dir / "summary").exists() and not (review_dir / "history").exists()


def test_save_writes_file_history_and_rechecks(review_client, review_app, review_dir: Path):
    review_client.as_reviewer("ana")
    text = summary_view(review_result(review_dir)).text
    response = _save(review_client, text.replace("\n", "\r\n"), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/certainty?o=0#summary"
    page = review_client.get(response.headers["location"]).text
    kind, message = FLASH.search(page).groups()
    assert kind == "info" and message.startswith("Saved as the review&#39;s summary (summary/summary.md)")
    assert "Text: summary/summary.md" in page
    saved = (review_dir / "summary" / "summary.md").read_text(encoding="utf-8")
    assert saved == text.rstrip("\n") + "\n" and "\r" not in saved   # browser line ends normalised
    changes = summary_changes(review_dir)
    assert [(c.who, c.what) for c in changes] == [("ana", "summary saved")]
    assert "first version" in changes[0].detail
    log = [json.loads(line) for line in (review_dir / "history" / "summary_changes.jsonl").read_text().splitlines()]
    assert log[0]["who"] == "ana" and log[0]["when"]
    # the History page lists it with who and when
    history = review_client.get("/history").text
    row = history[history.index("summary saved") - 200:history.index("summary saved")]
    assert "<td>ana</td>" in row
    # the same text again: nothing written, nothing logged
    page = _save(review_client, text).text
    assert "The summary is unchanged; nothing saved" in page and len(summary_changes(review_dir)) == 1


def test_save_keeps_the_old_version(review_client, review_dir: Path):
    review_client.as_reviewer("ben")
    _save(review_client, "First version of the summary.")
    _save(review_client, "Second version of the summary.")
    assert (review_dir / "summary" / "summary.md").read_text(encoding="utf-8") == "Second version of the summary.\n"
    kept = sorted((review_dir / "history" / "summary").glob("summary-*.md"))
    assert [p.read_text(encoding="utf-8") for p in kept] == ["First version of the summary.\n"]
    changes = summary_changes(review_dir)
    assert len(changes) == 2 and f"kept as history/summary/{kept[0].name}" in changes[1].detail
    # the API: an existing summary (as evisynth demo writes it) is kept on the first save from the app
    saved = save_summary(review_dir, "Third.", who="cy")
    assert saved.changed and saved.kept is not None
    assert saved.kept.read_text(encoding="utf-8") == "Second version of the summary.\n"


def test_save_with_errors_is_allowed_and_escaped(review_client, review_dir: Path):
    text = WRONG + "\n" + summary_view(review_result(review_dir)).text
    page = _save(review_client, text, follow_redirects=True).text
    kind, message = FLASH.search(page).groups()
    view = summary_view(review_result(review_dir), (review_dir / "summary" / "summary.md").read_text(encoding="utf-8"))
    assert view.errors >= 2 and kind == "error"
    assert f"{view.errors} errors" in message and "remain" in message
    # escaped in the checked text, in the editor and in the flash: never markup
    assert "<script>alert(1)</script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert _editor(page).startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert re.search(r'<mark class="es-finding es-error" tabindex="0"', page)
    assert 'title="error (certainty_language)' in page
    # the file holds the text as typed (the page escapes it, the file is Markdown)
    assert (review_dir / "summary" / "summary.md").read_text(encoding="utf-8").startswith("<script>alert(1)</script>")


def test_download_saved_summary(review_client, review_dir: Path):
    _save(review_client, "A summary with <b>markup</b> & =HYPERLINK(1).")
    page = review_client.get("/certainty").text
    assert '<a href="/certainty/summary.md" download>' in page
    response = review_client.get("/certainty/summary.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.headers["content-disposition"] == 'attachment; filename="summary.md"'
    assert response.text == "A summary with <b>markup</b> & =HYPERLINK(1).\n"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_save_refused_empty_too_long_or_without_token(review_client, review_dir: Path):
    page = _save(review_client, "   \n", follow_redirects=True).text
    assert FLASH.search(page).groups() == ("error", "the summary is empty; nothing saved")
    too_long = "x" * (MAX_SUMMARY_CHARS + 1)
    page = _save(review_client, too_long).text
    assert FLASH.search(page).group(1) == "error" and "at most 200,000 can be saved" in page
    assert len(_editor(page)) == MAX_SUMMARY_CHARS   # the text stays in the editor, cut to the limit
    assert review_client.post("/certainty/summary", data={"text": "no token"}).status_code == 403
    assert not (review_dir / "summary").exists()


def test_history_reads_the_project_folder(tmp_path: Path, review_dir: Path):
    """A store kept elsewhere (the demo's ``search/``): the summary's changes come from the project folder."""
    from evisynth.api.web import history, open_store

    save_summary(review_dir, "A summary.", who="dee")
    store = tmp_path / "elsewhere"
    store.mkdir()
    project = open_store(store)
    try:
        assert not [e for e in history(project) if e.action == "summary saved"]
        saved = [e for e in history(project, project_dir=review_dir) if e.action == "summary saved"]
    finally:
        project.close()
    assert [(e.who, e.record_id) for e in saved] == [("dee", None)]
