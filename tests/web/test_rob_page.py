"""Risk of bias page: RoB 2 judgements per study, saved in the project folder and used at once by the
GRADE risk-of-bias domain; the review's own file is never replaced."""

from __future__ import annotations

import html
import re
from pathlib import Path

from evisynth.api.webreview import review_result
from evisynth.grade.rob import read_rob

from .conftest import Client

ROW = re.compile(r'name="s-(\d+)" value="([^"]*)"')


def _rows(page: str) -> dict[str, int]:
    return {html.unescape(study): int(i) for i, study in ROW.findall(page)}


def _form(page: str, changes: dict[str, dict[str, str]]) -> dict[str, str]:
    rows = _rows(page)
    data = {"nrows": str(len(rows))}
    for study, i in rows.items():
        data[f"s-{i}"] = study
        for col in ("D1", "D2", "D3", "D4", "D5", "overall"):
            chosen = re.search(rf'<select name="{col}-{i}"[^>]*>(.*?)</select>', page, re.S).group(1)
            sel = re.search(r"<option(?: value=\"([^\"]*)\")? selected>([^<]*)</option>", chosen)
            data[f"{col}-{i}"] = (sel.group(1) if sel.group(1) is not None else sel.group(2)) if sel else ""
        data.update({f"{k}-{i}": v for k, v in changes.get(study, {}).items()})
    return data


def test_prefilled_from_the_review_file_and_saved_in_the_project(review_client: Client, review_dir: Path):
    own = review_dir / "data" / "rob_synthetic.csv"
    before = own.read_bytes()
    page = review_client.get("/rob").text
    rows = _rows(page)
    assert "Trial 02 (synthetic)" in rows and len(rows) >= 18
    assert 'aria-label="Trial 02 (synthetic), D3 missing outcome data"' in page
    level = review_result(review_dir).outcomes[0].certainty.domains["risk_of_bias"].suggestion.inputs
    review_client.as_reviewer("ana")
    everyone_high = {s: {"D1": "high", "overall": ""} for s in rows}
    r = review_client.post_form("/rob/save", _form(page, everyone_high), follow_redirects=True)
    assert f"saved the judgements of {len(rows)} studies to assessments/risk_of_bias.csv" in r.text
    table = read_rob(review_dir / "assessments" / "risk_of_bias.csv")
    assert {e.overall for e in table.entries} == {"high"}  # the RoB 2 rule from D1 = high
    assert own.read_bytes() == before
    rated = review_result(review_dir).outcomes[0].certainty.domains["risk_of_bias"].suggestion
    assert rated.inputs != level and rated.judgement in ("serious", "very serious")
    history = review_client.get("/history").text
    assert "risk of bias saved" in history and "ana" in history
    # saving again unchanged records nothing; the page now reads the app's table
    page = review_client.get("/rob").text
    assert "Saved in <code>assessments/risk_of_bias.csv</code>" in page
    review_client.post_form("/rob/save", _form(page, {}))
    assert review_client.get("/history").text.count("risk of bias saved") == 1


def test_a_new_review_gets_a_row_per_typed_study(empty_app):
    folder = Path(empty_app.state.folder)
    c = Client(empty_app, base_url="http://127.0.0.1").__enter__()
    assert "enter the arm data on" in c.get("/rob").text
    (folder / "extraction").mkdir()
    (folder / "extraction" / "pain.csv").write_text(
        "study,m1,sd1,n1,m2,sd2,n2\n<script>alert(1)</script>,5,1,20,4,1,20\nB 2021,6,2,30,5,2,30\n")
    page = c.get("/rob").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = _form(page, {"B 2021": {"D1": "low", "D2": "low", "D3": "low", "D4": "low", "D5": "low"}})
    c.post_form("/rob/save", data)
    (entry,) = read_rob(folder / "assessments" / "risk_of_bias.csv").entries  # the unjudged study is left out
    assert (entry.study, entry.overall) == ("B 2021", "low")
    bad = _form(c.get("/rob").text, {"B 2021": {"D2": "maybe"}})
    r = c.post_form("/rob/save", bad, follow_redirects=True)
    text = html.unescape(r.text)
    assert "risk of bias, row 2 (B 2021), D2: 'maybe' is not one of low, some concerns, high" in text
    assert read_rob(folder / "assessments" / "risk_of_bias.csv").entries[0].domains["D2"] == "low"
    assert c.post("/rob/save", data=data).status_code == 403  # no CSRF token
