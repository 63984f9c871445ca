"""RevMan Web data package (version 1 layout): export-review --out FILE.zip, import-review FILE.zip.

Layout as documented in the Cochrane RevMan knowledge base ("Data package specification",
version 1, https://documentation.cochrane.org/revman-kb/data-package-specification-249561249.html):
``<ID>-analysis-data/<ID>-overall-estimates-and-settings.csv``, ``-data-rows.csv``,
``-subgroup-estimates.csv`` and ``<ID>-study-data/<ID>-risk-of-bias.csv``. The packages here are
generated in the tests (from ``data/fixture.rm5``) or hand-made in the test following that layout.
"""

import io
import json
import zipfile
from pathlib import Path

import pytest

from evisynth.api.revman import check_review
from evisynth.cli.main import main
from evisynth.io.revman import read_rm5
from evisynth.io.revman.datapackage import from_data_package, to_data_package
from evisynth.io.revman.project import write_project

from .test_rm5 import FIXTURE, _content


def test_package_of_revmans_stored_results_reproduces_them(tmp_path):
    """RevMan's numbers (from the .rm5) through the data package: re-analysis reproduces every one."""
    review = read_rm5(FIXTURE)
    again = from_data_package(to_data_package(review, "CD000001"), "CD000001.zip")
    for _c, o in review.outcomes():  # RevMan 5 leaves METHOD out for its default; the package names it
        o.attrs.setdefault("METHOD", "IV")
    assert _content(again) == _content(review)  # studies, outcomes, settings, subgroups, data, RoB 1
    write_project(again, tmp_path)
    checks = check_review(again, tmp_path)
    with_results = [e for e in checks if e["compared"]]
    assert len(with_results) == 3  # the outcomes with RevMan's stored results
    assert all(e["reproduced"] for e in checks), [e["differences"] for e in checks if not e["reproduced"]]
    assert sum(e["compared"] for e in with_results) >= 100


def test_export_zip_then_import_reproduces_every_outcome(tmp_path, capsys):
    p1, p2, pkg = tmp_path / "p1", tmp_path / "p2", tmp_path / "review.zip"
    assert main(["import-review", str(FIXTURE), "--project", str(p1)]) == 0
    assert main(["export-review", "--project", str(p1), "--out", str(pkg)]) == 0
    names = zipfile.ZipFile(pkg).namelist()
    assert names == ["review-analysis-data/review-overall-estimates-and-settings.csv",
                     "review-analysis-data/review-data-rows.csv", "review-analysis-data/review-subgroup-estimates.csv",
                     "review-study-data/review-risk-of-bias.csv"]
    capsys.readouterr()
    assert main(["import-review", str(pkg), "--project", str(p2)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all("reproduced (" in line for line in lines), lines
    checks = json.loads((p2 / "revman-check.json").read_text(encoding="utf-8"))
    assert all(e["reproduced"] and e["compared"] > 0 for e in checks)  # evisynth's own results carried
    for f in sorted((p1 / "data").glob("*.csv")):  # the same study tables (RevMan 5's study ids aside)
        assert _without_ids(p2 / "data" / f.name) == _without_ids(f), f.name


def _without_ids(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: v for k, v in r.items() if k != "revman_study_id"} for r in csv.DictReader(fh)]


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


SETTINGS = ("Analysis group,Analysis number,Analysis name,Analysis group name,Data type,Statistical method,"
            "Effect measure,Analysis model,Overall estimates,Mean,CI start,CI end\n")
ROWS = "Analysis group,Analysis number,Study,Study year,Experimental cases,Experimental N,Control cases,Control N\n"


def test_hand_made_package_in_a_top_folder(tmp_path):
    """A minimal package (only some of the documented columns), inside a top folder as downloaded."""
    pkg = tmp_path / "CD999.zip"
    pkg.write_bytes(_zip({
        "CD999/CD999-analysis-data/CD999-overall-estimates-and-settings.csv":
            SETTINGS + "1,1,Death,Drug vs placebo,Dichotomous,Mantel-Haenszel,Risk Ratio,Fixed effect,TRUE,,,\n",
        "CD999/CD999-analysis-data/CD999-data-rows.csv": ROWS + "1,1,Ämre 2001,2001,10,100,20,100\n"
                                                                "1,1,Bo 2003,2003,5,50,9,50\n",
    }))
    assert main(["import-review", str(pkg), "--project", str(tmp_path / "p")]) == 0
    text = (tmp_path / "p" / "data").glob("*.csv").__next__().read_text(encoding="utf-8")
    assert "Ämre 2001" in text


@pytest.mark.parametrize(("files", "message"), [
    ({"a.csv": "x\n"}, "not a RevMan Web data package: no '*-overall-estimates-and-settings.csv'"),
    ({"X-overall-estimates-and-settings.csv": SETTINGS + "1,1,D,C,Survival,Mantel-Haenszel,Risk Ratio,Fixed,,,,\n",
      "X-data-rows.csv": ROWS}, "row 2: unknown data type 'Survival'"),
    ({"X-overall-estimates-and-settings.csv": SETTINGS + "one,1,D,C,Dichotomous,Mantel-Haenszel,RR,Fixed,,,,\n",
      "X-data-rows.csv": ROWS}, "row 2: column 'Analysis group' must be a number; got 'one'"),
    ({"X-overall-estimates-and-settings.csv": SETTINGS + "1,1,D,C,Dichotomous,Mantel-Haenszel,RR,Fixed,,,,\n",
      "X-data-rows.csv": ROWS + "2,1,A,2001,1,10,2,10\n"}, "data-rows.csv row 2: analysis 2.1 is not in"),
])
def test_malformed_packages_give_one_line_and_exit_2(tmp_path, capsys, files, message):
    pkg = tmp_path / "bad.zip"
    pkg.write_bytes(_zip(files))
    assert main(["import-review", str(pkg), "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


@pytest.mark.parametrize("data", [b"not a zip at all", b"PK\x03\x04truncated"])
def test_not_a_zip_gives_one_line(tmp_path, capsys, data):
    pkg = tmp_path / "bad.zip"
    pkg.write_bytes(data)
    assert main(["import-review", str(pkg), "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a readable zip file" in err[0], err
    assert not (tmp_path / "p").exists()
