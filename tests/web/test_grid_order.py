"""Page 4, Data extraction (issue #12, first-time user test): the grid shows the study column, then the
data columns and their derivation, then the other columns, and saves in that order; paste and import
say where the table they replaced is kept."""

from __future__ import annotations

import html
import re
from pathlib import Path

from evisynth.api.extraction import Grid, display_order

from .test_extraction_page import _current, _new, _save


def _header(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<input name="h-\d+" value="([^"]*)"', page)]


def test_display_order():
    grid = Grid(("trial", "study", "dose", "n1", "m1", "se1", "region", "sd1"),
                (("T", "A", "5", "10", "1", "0.2", "EU"),))
    shown, ndata = display_order(grid)
    assert shown.header == ("study", "n1", "m1", "se1", "sd1", "trial", "dose", "region")
    assert shown.rows == (("A", "10", "1", "0.2", "", "T", "5", "EU"),) and ndata == 5


def test_grid_shows_data_columns_first_and_saves_in_that_order(client, demo_dir: Path):
    page = _new(client, "Pain", "continuous")
    header = ["study", "region", "dose", "m1", "sd1", "n1", "m2", "sd2", "n2"]
    saved = _save(client, page, header, [["A", "EU", "5", "5", "1", "20", "4", "1", "20"],
                                         ["B", "US", "10", "6", "2", "30", "4", "1", "30"]]).text
    assert _header(saved) == ["study", "m1", "sd1", "n1", "m2", "sd2", "n2", "region", "dose"]
    assert re.search(r'name="c-0-7" value="EU"', saved)
    # the Derived column follows the data columns; the study column is sticky
    head = saved.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert head.index('value="n2"') < head.index("Derived") < head.index('value="region"')
    assert 'data-derived-after="7"' in saved
    # saved again (as the form posts it) the file has the shown order
    _save(client, saved, _header(saved), [["A", "5", "1", "20", "4", "1", "20", "EU", "5"]])
    first = (demo_dir / "extraction" / "pain.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first == "study,m1,sd1,n1,m2,sd2,n2,region,dose"
    css = client.get("/static/app.css").text
    assert "position: sticky; left: 0" in css


def test_paste_and_import_say_where_the_old_table_is(client, demo_dir: Path):
    page = _new(client, "Pain", "dichotomous")
    text = "study\tevents1\tn1\tevents2\tn2\nSmith 2019\t4\t20\t9\t21\n"
    first = client.post_form("/extraction/paste", {"o": _current(page), "text": text}).text
    assert "previous table is kept" not in first  # the starter grid was empty: nothing kept
    again = client.post_form("/extraction/paste", {"o": _current(page), "text": text + "Lee 2020\t3\t18\t7\t19\n"})
    kept = re.search(r"the previous table is kept in (history/extraction/pain-[0-9TZ]+\.csv)", again.text)
    assert kept and (demo_dir / kept.group(1)).read_text(encoding="utf-8").count("\n") == 2
    csv = b"study,events1,n1,events2,n2\nC,1,10,2,10\n"
    imported = client.post_form("/extraction/import", {"o": _current(page)},
                                files={"file": ("pain.csv", csv, "text/csv")}).text
    assert "the previous table is kept in history/extraction/pain-" in imported
