"""Page 6, Certainty & summary, over the bundled review: GRADE domains with their numbers, overrides
that need a reason and persist, summary-of-findings downloads and the checked plain-language summary."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from evisynth.api.webreview import review_result, summary_view

LEVEL = re.compile(r'id="certainty-level">([^<]+)<')


def test_domains_shown_with_numbers(review_client):
    page = review_client.get("/certainty?o=0").text
    assert "GRADE: Spasticity (MAS)" in page
    assert LEVEL.search(page).group(1) == "moderate"
    for domain in ("risk of bias", "inconsistency", "indirectness", "imprecision", "publication bias"):
        assert f"<th scope=\"row\">{domain}</th>" in page
    # the numbers behind the suggestions: weight shares, I², the optimal information size, Egger's test
    row = page[page.index('id="domain-risk_of_bias"'):page.index('id="domain-inconsistency"')]
    assert "weight not at low risk" in row and "0.817" in row and "Trial 04 (synthetic)" in row
    row = page[page.index('id="domain-inconsistency"'):page.index('id="domain-indirectness"')]
    assert "<dt>I² (%)</dt><dd>32.74</dd>" in row and "<dt>studies (k)</dt><dd>11</dd>" in row
    row = page[page.index('id="domain-imprecision"'):page.index('id="domain-publication_bias"')]
    assert "<dt>optimal information size</dt><dd>92</dd>" in row and "<dt>participants</dt><dd>432</dd>" in row
    assert "Egger" in page and "review file: Effects of the high-frequency" in page
    other = review_client.get("/certainty?o=3").text
    assert "GRADE: Activities of daily living" in other and LEVEL.search(other).group(1) == "very low"


def _override(client, **fields):
    data = {"o": "0", "outcome": "Spasticity (MAS)", "domain": "inconsistency", **fields}
    return client.post_form("/certainty/override", data)


def test_override_needs_a_reason(review_client, review_dir):
    response = _override(review_client, judgement="not serious", reason="  ")
    assert response.status_code == 200  # redirected back to the page
    assert "inconsistency: an override needs a reason" in response.text
    assert 'class="flash flash-error"' in response.text
    assert not (review_dir / "grade" / "overrides.json").exists()
    assert LEVEL.search(response.text).group(1) == "moderate"
    assert _override(review_client, judgement="not at all", reason="x").text.count("is not one of") == 1
    assert _override(review_client, outcome="No such outcome", judgement="serious", reason="x").status_code == 404
    # without the CSRF token: refused
    assert review_client.post("/certainty/override", data={"outcome": "Spasticity (MAS)", "domain": "inconsistency",
                                                           "judgement": "serious", "reason": "x"}).status_code == 403


def test_override_persists_and_changes_certainty(review_client, review_app, review_dir):
    review_client.as_reviewer("ana")
    page = _override(review_client, judgement="not serious", reason="Differences are <small> & clinically minor").text
    assert "Spasticity (MAS), inconsistency: not serious (saved)" in page
    assert LEVEL.search(page).group(1) == "high"
    assert "override by ana" in page and "Differences are &lt;small&gt; &amp; clinically minor" in page
    stored = json.loads((review_dir / "grade" / "overrides.json").read_text(encoding="utf-8"))
    assert stored["Spasticity (MAS)"]["inconsistency"]["judgement"] == "not serious"
    assert stored["Spasticity (MAS)"]["inconsistency"]["who"] == "ana"
    # the same typed result as the report: a new app over the folder sees the override
    assert review_result(review_dir).outcomes[0].certainty.level == "high"
    # removing it goes back to the review file's judgement; both changes are in the append-only log
    page = _override(review_client, judgement="", reason="").text
    assert LEVEL.search(page).group(1) == "moderate"
    log = [json.loads(line) for line in (review_dir / "grade" / "overrides.log.jsonl").read_text().splitlines()]
    assert [(e["who"], e["before"], e["after"]) for e in log] == [("ana", "", "not serious"),
                                                                   ("ana", "not serious", "")]
    assert all(e["when"] and e["outcome"] == "Spasticity (MAS)" for e in log)
    assert "not serious → (removed)" in page
    # both changes on the History page with who and why, escaped; a line cut short by a crash is skipped
    with (review_dir / "grade" / "overrides.log.jsonl").open("a", encoding="utf-8") as log_file:
        log_file.write('{"when": "2026-12-0')
    history = review_client.get("/history").text
    assert history.count("GRADE override") == 2
    assert ("Spasticity (MAS), inconsistency: no override → not serious (Differences are &lt;small&gt; &amp; "
            "clinically minor)") in history
    assert "Spasticity (MAS), inconsistency: not serious → override removed" in history


def test_sof_downloads(review_client, review_dir):
    toml = review_dir / "data" / "review.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "Spasticity (MAS)"',
                                                             'name = "=HYPERLINK(1) <b>MAS</b>"'), encoding="utf-8")
    page = review_client.get("/certainty").text
    assert "=HYPERLINK(1) &lt;b&gt;MAS&lt;/b&gt;" in page and "<b>MAS</b>" not in page
    assert 'class="sof-table"' in page
    docx = review_client.get("/certainty/sof.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx.headers["content-type"].endswith("wordprocessingml.document")
    html = review_client.get("/certainty/sof.html")
    assert html.headers["content-type"].startswith("text/html") and "Summary of findings" in html.text
    assert "<b>MAS</b>" not in html.text
    response = review_client.get("/certainty/sof.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="summary_of_findings.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel on Windows
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0].startswith("'=HYPERLINK(1)")  # neutralised against formula injection
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert review_client.get("/certainty/sof.exe").status_code == 404


def test_checked_summary_inline_and_escaped(review_client, review_dir: Path):
    page = review_client.get("/certainty").text
    assert "Text: generated" in page
    expected = summary_view(review_result(review_dir))
    assert expected.errors + expected.warnings == page.count('<li id="es-f-')   # evisynth's own text: clean
    # the project's own summary (as evisynth demo writes it) is checked, its text escaped, findings inline
    (review_dir / "summary").mkdir()
    wrong = ("<script>alert(1)</script>\n\nrTMS clearly cures spasticity: MD -0.40 (95% CI -0.10 to 0.30; "
             "P = 0.01; low-certainty evidence).\n\n")
    (review_dir / "summary" / "summary.md").write_text(wrong + expected.markdown, encoding="utf-8")
    page = review_client.get("/certainty").text
    assert "Text: summary/summary.md" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    marks = re.findall(r'<mark class="es-finding es-(?:error|warning)" tabindex="0" [^>]*aria-describedby="es-f-\d+"',
                       page)
    assert marks and re.search(r'<li id="es-f-1" class="es-(error|warning)">', page)
    assert 'title="error (certainty_language)' in page and 'title="error (estimate_outside_ci)' in page
    # a pasted text is checked without being stored
    checked = review_client.post_form("/certainty/check", {"text": "rTMS increases spasticity <img src=x>."}).text
    assert "Text: your text" in checked and "&lt;img src=x&gt;" in checked and "<img src=x>" not in checked


def test_concurrent_overrides_are_all_kept(review_dir):
    from concurrent.futures import ThreadPoolExecutor

    from evisynth.api.webreview import override_log, overrides, set_override

    domains = ("risk_of_bias", "inconsistency", "indirectness", "imprecision")

    def save(i: int) -> None:
        set_override(review_dir, f"outcome {i % 5}", domains[i % 4], "serious", f"reason {i}", who=f"r{i}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(save, range(40)))
    stored = overrides(review_dir)
    assert sum(len(v) for v in stored.values()) == 20  # 5 outcomes x 4 domains, none lost
    assert len(override_log(review_dir)) == 40


def test_checked_summary_reads_headings_as_lines(review_dir: Path):
    """The checked view shows "Key results", not "## Key results"; the editor keeps the Markdown."""
    view = summary_view(review_result(review_dir))
    assert "#" not in view.markdown and view.text.lstrip().startswith("#")
    assert view.errors == 0 and view.claims > 0
