"""Page 4, Data extraction (TestClient, no browser): grids per outcome, validation with the CLI's
messages, the conversion helpers, paste, CSV/Excel import and export, subgroup/moderator columns."""

from __future__ import annotations

import html
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from evisynth.examples.data import RTMS_DIR
from evisynth.io import conversions as cv
from evisynth.io.tabular import read_study_table

from .conftest import Client, serving

OUTCOMES = ("Spasticity (MAS)", "Spasticity (all scales, SMD)", "Motor function (Fugl-Meyer)",
            "Activities of daily living")


@pytest.fixture
def review_app(demo_dir: Path) -> Any:
    """The demo project with the bundled review (``data/review.toml`` and its SYNTHETIC data files)."""
    shutil.copytree(RTMS_DIR, demo_dir / "data")
    with serving(demo_dir) as application:
        yield application


@pytest.fixture
def rc(review_app: Any) -> Client:
    with Client(review_app, base_url="http://127.0.0.1") as c:
        yield c


def _main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def _new(client: Client, name: str, kind: str) -> str:
    response = client.post_form("/extraction/new", {"name": name, "kind": kind})
    assert response.status_code == 200
    return response.text


def _current(page: str) -> str:
    match = re.search(r'name="o" value="(\d+)"', page)
    assert match
    return match.group(1)


def _save(client: Client, page: str, header: list[str], rows: list[list[str]], new_column: str = "") -> Any:
    data = {"o": _current(page), "ncols": str(len(header)), "nrows": str(len(rows)), "new_column": new_column}
    data.update({f"h-{j}": h for j, h in enumerate(header)})
    data.update({f"c-{i}-{j}": c for i, r in enumerate(rows) for j, c in enumerate(r)})
    return client.post_form("/extraction/save", data)


def _form_fields(form_html: str) -> dict[str, str]:
    """What a browser sends for a form: every named input with its value."""
    return {m.group(1): html.unescape(m.group(2) or "")
            for m in re.finditer(r'<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?', form_html)}


# --- outcomes and grids ---------------------------------------------------------------------------


def test_outcomes_named_as_the_review_names_them(rc):
    page = rc.get("/extraction").text
    nav = page.split('aria-label="Outcomes"', 1)[1].split("</nav>", 1)[0]
    for name in OUTCOMES:
        assert f">{html.escape(name, quote=False)}</a>" in nav
    assert "<h2>Spasticity (MAS)</h2>" in page
    assert "data/spasticity_mas_synthetic.csv" in page
    assert "Checked: 11 studies, continuous data." in page


@pytest.mark.parametrize(("kind", "header", "row", "read_as"), [
    ("continuous", ["study", "m1", "sd1", "n1", "m2", "sd2", "n2", "subgroup"],
     ["A 2020", "5.1", "1.2", "20", "4.0", "1.1", "21", "low"], "continuous"),
    ("dichotomous", ["study", "events1", "n1", "events2", "n2", "subgroup"],
     ["A 2020", "4", "20", "9", "21", "low"], "binary"),
    ("generic", ["study", "yi", "sei", "subgroup"], ["A 2020", "-0.3", "0.12", "low"], "generic"),
])
def test_new_outcome_grid_of_each_kind(client, kind, header, row, read_as):
    page = _new(client, f"Pain {kind}", kind)
    assert f"<h2>Pain {kind}</h2>" in page
    for j, h in enumerate(header):
        assert f'name="h-{j}" value="{h}"' in page
    saved = _save(client, page, header, [row, [f"B {kind}", *row[1:]]]).text
    assert f"the table reads as {read_as} data" in saved
    assert f"Checked: 2 studies, {read_as} data." in saved
    # the name stays as typed after a fresh load (not the file's slug)
    assert f">Pain {kind}</a>" in client.get("/extraction").text


def test_new_outcome_with_a_review_outcomes_name_keeps_its_data(rc, review_app):
    page = _new(rc, "Spasticity (MAS)", "generic")
    assert "<h2>Spasticity (MAS)</h2>" in page and "Checked: 11 studies, continuous data." in page
    assert not (review_app.state.folder / "extraction" / "spasticity_mas.csv").exists()


def test_saving_a_review_outcome_writes_extraction_never_the_review_file(rc, review_app):
    folder = review_app.state.folder
    before = (folder / "data" / "adl_synthetic.csv").read_bytes()
    page = rc.get("/extraction?o=3").text
    assert "<h2>Activities of daily living</h2>" in page
    header = ["study", "m1", "sd1", "n1", "m2", "sd2", "n2"]
    response = _save(rc, page, header, [["T1", "60", "14", "30", "59", "14", "30"],
                                        ["T2", "61", "13", "20", "58", "12", "20"]])
    assert "saved 2 rows of Activities of daily living to extraction/activities_of_daily_living.csv" in response.text
    assert (folder / "data" / "adl_synthetic.csv").read_bytes() == before
    assert "extraction/activities_of_daily_living.csv" in rc.get("/extraction?o=3").text


# --- validation with the command line's one-line messages -------------------------------------------


@pytest.mark.parametrize(("cell", "column"), [("abc", 2), ("", 2), ("-3", 2), ("=1/0", 1), ("inf", 3)])
def test_bad_value_gives_the_io_layers_message(tmp_path, monkeypatch, client, app, cell, column):
    from evisynth.errors import InputError

    page = _new(client, "Pain", "continuous")
    header = ["study", "m1", "sd1", "n1", "m2", "sd2", "n2"]
    rows = [["A", "5", "1", "20", "4", "1", "20"], ["B", "5", "1", "20", "4", "1", "20"]]
    rows[1][column] = cell
    response = _save(client, page, header, rows).text.replace("&#39;", "'")
    # the same values in a file read by the command line's reader, from a project folder
    csv = tmp_path / "extraction" / "pain.csv"
    csv.parent.mkdir()
    csv.write_text(",".join(header) + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        read_study_table("extraction/pain.csv")
    message = str(caught.value)
    assert "\n" not in message and "row 2" in message
    assert html.escape(message, quote=False) in response
    if not cell.startswith("="):  # the file the app saved says the same to the command line
        monkeypatch.chdir(app.state.folder)
        with pytest.raises(InputError) as again:
            read_study_table("extraction/pain.csv")
        assert str(again.value) == message


def test_validation_as_typed_does_not_save(client, app):
    page = _new(client, "Pain", "continuous")
    data = {"o": _current(page), "ncols": "7", "nrows": "1", "h-0": "study", "h-1": "m1", "h-2": "sd1", "h-3": "n1",
            "h-4": "m2", "h-5": "sd2", "h-6": "n2", "c-0-0": "A", "c-0-1": "5", "c-0-2": "x", "c-0-3": "20",
            "c-0-4": "4", "c-0-5": "1", "c-0-6": "20"}
    before = (app.state.folder / "extraction" / "pain.csv").read_bytes()
    fragment = client.post_form("/extraction/check", data)
    assert fragment.status_code == 200
    assert 'id="grid-check"' in fragment.text and "column 'sd1': 'x' is not a number" in fragment.text.replace(
        "&#39;", "'")
    assert (app.state.folder / "extraction" / "pain.csv").read_bytes() == before
    data["c-0-2"] = "1.5"
    assert "Checked: 1 study, continuous data." in client.post_form("/extraction/check", data).text
    assert 'hx-post="/extraction/check"' in page


# --- conversion helpers ----------------------------------------------------------------------------------


def _convert(client: Client, kind: str, values: dict[str, str]) -> str:
    """Fill the helper's own form on the page as a reviewer would and send every field of it."""
    page = _new(client, "Pain", "continuous")
    match = re.search(r'<form[^>]*data-helper="' + kind + r'".*?</form>', page, re.S)
    assert match, kind
    fields = _form_fields(match.group(0))
    for key in values:
        assert key in fields, (kind, key)
    response = client.post("/extraction/convert", data={**fields, **values}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="conv-result-{kind}"' in response.text
    return response.text


def _shown(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"<strong>([-0-9.e+]+)</strong>", text)]


@pytest.mark.parametrize(("kind", "values", "expected", "words"), [
    ("sd_from_se", {"se": "0.5", "n": "16"}, [float(cv.sd_from_se(0.5, 16))], "SE·√n"),
    ("sd_from_ci", {"lower": "1.2", "upper": "3.4", "n": "25"}, [float(cv.sd_from_ci(1.2, 3.4, 25))], "95% CI"),
    ("sd_from_p", {"md": "2.1", "p": "0.03", "n1": "20", "n2": "22"}, [float(cv.sd_from_p(2.1, 0.03, 20, 22))],
     "P = 0.03"),
    ("mean_sd_from_median", {"median": "12", "q1": "9", "q3": "16", "n": "40"},
     [float(cv.mean_sd_from_median(12, 40, q1=9, q3=16).mean), float(cv.mean_sd_from_median(12, 40, q1=9, q3=16).sd)],
     "median 12"),
    ("mean_sd_from_median", {"median": "12", "min": "2", "max": "30", "n": "40"},
     [float(cv.mean_sd_from_median(12, 40, minimum=2, maximum=30).mean),
      float(cv.mean_sd_from_median(12, 40, minimum=2, maximum=30).sd)], "min 2"),
    ("combine_groups", {"n_a": "10", "m_a": "5", "sd_a": "2", "n_b": "14", "m_b": "7", "sd_b": "3"},
     [float(cv.combine_groups(10, 5, 2, 14, 7, 3)[1]), float(cv.combine_groups(10, 5, 2, 14, 7, 3)[2])], "N = 24"),
    ("split_control", {"n": "25", "parts": "2"}, [float(cv.split_shared_group(25, 2)[0][0])], "13, 12"),
])
def test_conversion_helpers_equal_the_library(client, kind, values, expected, words):
    text = _convert(client, kind, values)
    assert _shown(text) == pytest.approx(expected, rel=5e-4)
    assert 'class="derivation"' in text and words in html.unescape(text)


def test_conversion_error_is_one_line(client):
    text = _convert(client, "sd_from_se", {"se": "abc", "n": "16"})
    assert "conversion: se = &#39;abc&#39; is not a number" in text or "conversion: se = 'abc' is not a number" in text


def test_conversion_without_javascript_answers_on_the_page(client):
    page = _new(client, "Pain", "continuous")
    fields = _form_fields(re.search(r'<form[^>]*data-helper="sd_from_se".*?</form>', page, re.S).group(0))
    response = client.post("/extraction/convert", data={**fields, "se": "0.5", "n": "16"})
    assert response.status_code == 200 and "<h1>Data extraction</h1>" in response.text
    assert "2 — SD = SE·√n = 0.5·√16" in html.unescape(response.text)


def test_grid_shows_derived_value_next_to_its_derivation(client):
    page = _new(client, "Pain", "continuous")
    header = ["study", "m1", "ci1_lower", "ci1_upper", "n1", "m2", "sd2", "n2"]
    saved = _save(client, page, header, [["A", "5", "4.1", "5.9", "20", "4", "1", "20"]]).text
    sd = float(cv.sd_from_ci(4.1, 5.9, 20)[()])
    row = saved.split('<th scope="row">1</th>', 1)[1].split("</tr>", 1)[0]
    assert f"sd1 = {sd:.4g}" in row and "95% CI of the mean" in row


# --- paste, import, export ------------------------------------------------------------------------------------


def test_paste_from_a_spreadsheet(client):
    page = _new(client, "Pain", "dichotomous")
    text = "study\tevents1\tn1\tevents2\tn2\tdose\r\nSmith 2019\t4\t20\t9\t21\thigh\r\nLee 2020\t3\t18\t7\t19\tlow\r\n"
    response = client.post_form("/extraction/paste", {"o": _current(page), "text": text}).text
    assert "Checked: 2 studies, binary data." in response
    assert 'value="Smith 2019"' in response and 'value="dose"' in response


def test_paste_empty_is_one_line_error(client):
    page = _new(client, "Pain", "dichotomous")
    response = client.post_form("/extraction/paste", {"o": _current(page), "text": "  \n"}).text
    assert "pasted text is empty" in response


def test_import_csv_and_excel(client):
    import pandas as pd

    page = _new(client, "Pain", "continuous")
    csv = b"study,m1,sd1,n1,m2,sd2,n2,region\nA,5,1,20,4,1,20,EU\nB,6,2,30,4,1,30,US\n"
    response = client.post_form("/extraction/import", {"o": _current(page)},
                                files={"file": ("pain.csv", csv, "text/csv")}).text
    assert "Checked: 2 studies, continuous data." in response and 'value="region"' in response
    buf = io.BytesIO()
    pd.DataFrame({"study": ["C", "D", "E"], "yi": [0.1, -0.2, 0.3], "sei": [0.1, 0.2, 0.15]}).to_excel(buf, index=False)
    response = client.post_form("/extraction/import", {"o": _current(page)},
                                files={"file": ("pain.xlsx", buf.getvalue(), "application/octet-stream")}).text
    assert "Checked: 3 studies, generic data." in response
    bad = client.post_form("/extraction/import", {"o": _current(page)},
                           files={"file": ("pain.exe", b"MZ", "application/octet-stream")}).text
    assert "a study table must be .csv, .tsv, .txt or .xlsx" in bad


RISKY = ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", " =1+1"]


def _risky_grid(client: Client) -> str:
    page = _new(client, "Pain", "generic")
    rows = [[label, "-0.25", "0.1", "+1"] for label in RISKY]
    _save(client, page, ["study", "yi", "sei", "=dose"], rows)
    return _current(page)


def test_csv_export_neutralises_formulas_and_keeps_numbers(client):
    import csv as csvmod

    o = _risky_grid(client)
    response = client.get(f"/extraction/export.csv?o={o}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="Pain.csv"' in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())  # Excel on Windows reads UTF-8
    rows = list(csvmod.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["study", "yi", "sei", "'=dose"]
    for row in rows[1:]:
        assert row[0].startswith("'") and row[1:] == ["-0.25", "0.1", "+1"]
    # cells are trimmed as typed; a tab or CR that reaches a grid otherwise is neutralised too
    from evisynth.api.extraction import Grid, grid_csv

    assert grid_csv(Grid(("study", "yi"), (("\tq", "1"), ("\rr", "-2")))) == "study,yi\n'\tq,1\n\"'\nr\",-2\n"


def test_excel_export_neutralises_formulas_and_keeps_numbers(client):
    from openpyxl import load_workbook

    o = _risky_grid(client)
    response = client.get(f"/extraction/export.xlsx?o={o}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3] == "'=dose"
    for row in values[1:]:
        assert isinstance(row[0], str) and row[0].startswith("'")
        assert row[1:] == (-0.25, 0.1, 1)
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_saved_grid_reads_back_as_typed(client):
    o = _risky_grid(client)
    page = client.get(f"/extraction?o={o}").text
    assert 'value="=HYPERLINK(&#34;http://x&#34;)"' in page or 'value="=HYPERLINK(&quot;http://x&quot;)"' in page
    assert "value=\"'=" not in page


# --- subgroups and moderators ---------------------------------------------------------------------------------


def test_subgroup_and_moderator_columns(client, app):
    page = _new(client, "Pain", "continuous")
    header = ["study", "m1", "sd1", "n1", "m2", "sd2", "n2", "subgroup"]
    rows = [["A", "5", "1", "20", "4", "1", "20", "low"], ["B", "6", "2", "30", "4", "1", "30", "high"]]
    saved = _save(client, page, header, rows, new_column="dose mg").text
    assert 'value="dose mg"' in saved
    grid = client.get(f"/extraction?o={_current(page)}").text
    rows2 = [[*r, d] for r, d in zip(rows, ("10", "20"), strict=True)]
    _save(client, grid, [*header, "dose mg"], rows2)
    table = read_study_table(app.state.folder / "extraction" / "pain.csv")
    assert list(table.extra["subgroup"]) == ["low", "high"]
    moderator = next(k for k, v in table.extra_names.items() if v == "dose mg")
    assert table.is_numeric(moderator) and list(table.extra[moderator]) == [10.0, 20.0]


# --- security -------------------------------------------------------------------------------------------------


def test_label_and_outcome_name_escaped(client):
    page = _new(client, "<img src=x onerror=alert(2)>", "generic")
    assert "<img src=x" not in _main(page) and "&lt;img src=x onerror=alert(2)&gt;" in page
    saved = _save(client, page, ["study", "yi", "sei"], [["<script>alert(1)</script>", "0.1", "0.1"]]).text
    assert "<script>alert(1)</script>" not in saved
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in saved


@pytest.mark.parametrize("url", ["/extraction/save", "/extraction/paste", "/extraction/import", "/extraction/new",
                                 "/extraction/convert", "/extraction/check"])
def test_csrf_missing_is_403(client, url):
    client.get("/extraction")
    assert client.post(url, data={"name": "x", "kind": "generic", "o": "0"}).status_code == 403
    assert client.post(url, data={"csrf_token": "forged", "o": "0"}).status_code == 403


def test_unknown_outcome_is_404(client):
    _new(client, "Pain", "generic")
    assert client.get("/extraction?o=7").status_code == 404
    assert client.get("/extraction/export.csv?o=7").status_code == 404


def test_save_from_a_stale_page_goes_to_its_own_outcome(client, app):
    """Someone adds an outcome that sorts first while you type: your grid still goes to your outcome."""
    page = _new(client, "Pain", "generic")
    hidden = _form_fields(re.search(r'<form method="post" action="/extraction/save".*?</form>', page, re.S).group(0))
    assert hidden["outcome"] == "Pain" and hidden["o"] == "0"
    _new(client, "Anxiety", "generic")  # now at position 0
    rows = {"c-0-0": "A", "c-0-1": "0.1", "c-0-2": "0.2"}
    response = client.post("/extraction/save", data={**hidden, **rows})
    assert "saved 1 row of Pain to extraction/pain.csv" in response.text
    assert "A,0.1,0.2" in (app.state.folder / "extraction" / "pain.csv").read_text()
    assert "A,0.1" not in (app.state.folder / "extraction" / "anxiety.csv").read_text()
    gone = client.post("/extraction/save", data={**hidden, "outcome": "Nope", **rows})
    assert gone.status_code == 404


def test_review_data_in_excel_and_unreadable_files(review_app, rc):
    import pandas as pd

    folder = review_app.state.folder
    csv = folder / "data" / "adl_synthetic.csv"
    pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(folder / "data" / "adl.xlsx", index=False)
    review = folder / "data" / "review.toml"
    review.write_text(review.read_text(encoding="utf-8").replace('"adl_synthetic.csv"', '"adl.xlsx"'),
                      encoding="utf-8")
    page = rc.get("/extraction?o=3").text
    assert "<h2>Activities of daily living</h2>" in page and "data/adl.xlsx" in page
    assert f"Checked: {read_study_table(csv).k} studies, continuous data." in page
    (folder / "data" / "adl.xlsx").write_bytes(b"not a workbook")
    broken = rc.get("/extraction")
    assert broken.status_code == 409
    assert "adl.xlsx: not a readable Excel workbook" in broken.text
    review.write_text("[review\n", encoding="utf-8")
    broken = rc.get("/extraction")
    assert broken.status_code == 409 and "not valid TOML" in broken.text
    refused = rc.post_form("/extraction/new", {"name": "Pain", "kind": "generic"})
    assert refused.status_code == 409 and not (folder / "extraction" / "pain.csv").exists()


def test_import_damaged_workbook_is_one_line(client):
    page = _new(client, "Pain", "generic")
    response = client.post_form("/extraction/import", {"o": _current(page)},
                                files={"file": ("pain.xlsx", b"PK\x03\x04broken", "application/octet-stream")})
    assert response.status_code == 200 and "pain.xlsx: not a readable Excel workbook" in response.text


def test_each_change_of_a_grid_is_kept_with_who_and_when(client, app):
    """A save that changes the table keeps the version it replaces (history/extraction/) and appears on
    History with who saved it; saving the same table again records nothing."""
    folder = Path(app.state.folder)
    client.as_reviewer("ben")
    page = _new(client, "Pain", "continuous")
    header = ["study", "m1", "sd1", "n1", "m2", "sd2", "n2"]
    first = [["A 2020", "5", "1", "20", "4", "1", "20"]]
    _save(client, page, header, first)
    _save(client, page, header, first)  # unchanged
    _save(client, page, header, [*first, ["B 2021", "6", "2", "30", "5", "2", "30"]])
    kept = sorted((folder / "history" / "extraction").glob("pain-*.csv"))
    assert len(kept) == 1 and kept[0].read_text().splitlines()[1].startswith("A 2020")
    history = client.get("/history").text
    assert history.count("data saved") == 2
    assert "Pain: 2 rows (was 1 row) in extraction/pain.csv" in history and "ben" in history


def test_a_review_adds_its_outcomes_on_the_project_page(rc, review_app):
    """With a review file the outcomes are the file's: a new one is added on the Project page (measure,
    importance, direction), so every page knows it; the extraction page points there."""
    folder = Path(review_app.state.folder)
    review = folder / "data" / "review.toml"
    before = review.read_bytes()
    page = rc.get("/extraction").text
    assert 'href="/#outcomes"' in page and 'action="/extraction/new"' not in page
    r = rc.post_form("/extraction/new", {"name": "Pain", "kind": "continuous"}, follow_redirects=True)
    assert "added on the Project page" in r.text
    assert review.read_bytes() == before and not (folder / "extraction" / "pain.csv").exists()
