"""RevMan 5 interchange: safe reading, round trips, import-review (with the stored-results check) and export-review.

Fixture ``data/fixture.rm5`` (ISO-8859-1, hand-built): study data and RevMan 5's stored results of
Fleiss (1993) aspirin trials, "Odds Ratio (M-H, Fixed, 95% CI)" (the Fleiss1993.rm5 numbers
distributed with R package meta), two outcomes of a RevMan 5 review (Risk Ratio, M-H, Random;
the second with subgroups), a continuous and a generic inverse-variance outcome (no stored
results), RoB 1 quality items and non-ASCII study names. Only numbers are taken from those files.
"""

import json
from pathlib import Path

import pytest

from evisynth.cli.main import main
from evisynth.errors import InputError
from evisynth.io.revman import parse_rm5, read_rm5, to_rm5
from evisynth.io.revman.from_project import read_project
from evisynth.io.revman.model import DATA_FIELDS

FIXTURE = Path(__file__).parent / "data" / "fixture.rm5"


def _content(review):
    """What a round trip must keep: studies, comparisons, outcomes (settings, labels), subgroups, data, RoB 1."""
    out = {"studies": {s.name: s.year for s in review.studies.values()}, "outcomes": [], "rob": []}
    for c, o in review.outcomes():
        rows = [(g.name if g else None, review.study_name(r.study_id),
                 {k: float(v) for k, v in r.attrs.items() if k in DATA_FIELDS[o.kind] and v != ""})
                for g, r in o.all_rows()]
        settings = {k: o.attrs.get(k) or "" for k in ("EFFECT_MEASURE", "METHOD", "RANDOM")}
        settings["SWAP_EVENTS"] = o.attrs.get("SWAP_EVENTS") or "NO"
        out["outcomes"].append((c.no, c.name, o.no, o.kind, o.name, settings, o.group_label_1, o.group_label_2,
                                o.graph_label_1, o.graph_label_2, [(g.no, g.name) for g in o.subgroups], rows))
    for q in review.quality_items:
        out["rob"].append((q.name, sorted((review.study_name(e.study_id), e.result, e.description) for e in q.entries)))
    return out


def test_reads_iso_8859_1_with_escaped_ids_and_non_ascii_names():
    review = read_rm5(FIXTURE)
    assert review.studies["STD-ISIS_x002d_2"].name == "ISIS-2"
    assert {"Wilsön", "Grün"} <= {s.name for s in review.studies.values()}
    kinds = [o.kind for _, o in review.outcomes()]
    assert kinds == ["DICH", "CONT", "IV", "DICH", "DICH"]
    assert [g.name for g in review.outcomes()[4][1].subgroups] == ["Early studies (before 1975)",
                                                                 "Late studies (1975 and after)"]
    assert review.quality_items[0].name == "Random sequence generation (selection bias)"


def test_rm5_round_trip_is_identical(tmp_path):
    review = read_rm5(FIXTURE)
    again = parse_rm5(to_rm5(review).encode("utf-8"), "again.rm5")
    assert _content(again) == _content(review)
    assert [[r.attrs for _, r in o.all_rows()] for _, o in again.outcomes()] == \
           [[r.attrs for _, r in o.all_rows()] for _, o in review.outcomes()]   # every stored attribute kept


def test_import_review_checks_revmans_results_and_export_reads_back(tmp_path, capsys):
    project = tmp_path / "proj"
    assert main(["import-review", str(FIXTURE), "--project", str(project)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("1.1 Deaths: reproduced (34 values")
    report = json.loads((project / "revman-check.json").read_text())
    assert [set(e) >= {"comparison", "outcome", "name", "reproduced", "max_rel_diff", "differences"} for e in report] \
        == [True] * 5
    deaths = report[0]
    assert deaths["reproduced"] is True and deaths["max_rel_diff"] <= 1e-12   # Fleiss 1993 M-H OR: exact
    assert (deaths["comparison"], deaths["outcome"]) == (1, 1)
    # RevMan 5's M-H random effects centre Chi² (and DL tau²) on the M-H estimate: evisynth's
    # method="MH", model="random" does too, so every stored value is reproduced (subgroups included)
    for otitis in report[3:]:
        assert otitis["reproduced"] is True and otitis["max_rel_diff"] <= 1e-12, otitis["differences"]
        assert otitis["compared"] > 30 and "note" not in otitis
    for name in ("review.toml", "revman.toml", "rob.csv", "rob.toml", "data/analysis_1_1.csv", "data/analysis_2_2.csv"):
        assert (project / name).is_file(), name
    assert "subgroup" in (project / "data/analysis_2_2.csv").read_text().splitlines()[0]
    # export: the reader reads the written file back identically (data, settings, labels, subgroups, RoB 1)
    out = tmp_path / "back.rm5"
    assert main(["export-review", "--project", str(project), "--out", str(out)]) == 0
    assert _content(read_rm5(out)) == _content(read_rm5(FIXTURE))
    assert _content(read_project(project)) == _content(read_rm5(FIXTURE))
    # evisynth's own unchanged outputs are refreshed; a file the user changed needs --force; an input never
    assert main(["export-review", "--project", str(project), "--out", str(out)]) == 0
    assert main(["import-review", str(FIXTURE), "--project", str(project)]) == 0
    out.write_text(out.read_text(encoding="iso-8859-1") + "\n", encoding="iso-8859-1")
    (project / "review.toml").write_text((project / "review.toml").read_text() + "# my note\n")
    assert main(["export-review", "--project", str(project), "--out", str(out)]) == 2
    assert main(["import-review", str(FIXTURE), "--project", str(project)]) == 2
    assert main(["export-review", "--project", str(project), "--out", str(out), "--force"]) == 0
    assert main(["export-review", "--project", str(project), "--out", str(project / "review.toml"), "--force"]) == 2
    assert main(["import-review", str(FIXTURE), "--project", str(project), "--force"]) == 0


@pytest.mark.parametrize("text, message", [
    ("<?xml version='1.0'?><COCHRANE_REVIEW><STUDIES_AND_REFERENCES>", "not well-formed XML"),
    ("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><COCHRANE_REVIEW>&b;</COCHRANE_REVIEW>",
     "declares entities"),
    ("<?xml version='1.0'?><COCHRANE_REVIEW><STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES><STUDY NAME='A'/>"
     "</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES></COCHRANE_REVIEW>", "included STUDY has no ID"),
    ("<?xml version='1.0'?><COCHRANE_REVIEW><ANALYSES_AND_DATA><COMPARISON NO='1'><NAME>C</NAME>"
     "<DICH_OUTCOME NO='1'><NAME>O</NAME><DICH_DATA STUDY_ID='STD-X' EVENTS_1='1'/></DICH_OUTCOME></COMPARISON>"
     "</ANALYSES_AND_DATA></COCHRANE_REVIEW>", "refers to study 'STD-X', which is not an included study"),
    ("<?xml version='1.0'?><html/>", "not a RevMan 5 review"),
], ids=["truncated", "entity-expansion", "missing-study-id", "unknown-study", "not-revman"])
def test_malformed_files_give_one_line_and_exit_2(tmp_path, capsys, text, message):
    bad = tmp_path / "bad.rm5"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_rm5(bad)
    assert main(["import-review", str(bad), "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and message.split(" ")[0] in err[0]
    assert not (tmp_path / "p").exists()
