"""RoB TOML and CSV files: reading, errors naming file/row/key, round trips, the simple CSV shortcut."""

from datetime import UTC, datetime

import pytest

from evisynth.errors import InputError
from evisynth.rob import assess_judgements, assess_rob2, read_assessments, to_csv, to_toml, write_assessments

ANSWERS = {"1.1": "Y", "1.2": "PY", "1.3": "N", "2.1": "Y", "2.2": "Y", "2.3": "NI", "2.6": "N", "2.7": "PN",
           "3.1": "N", "3.2": "N", "3.3": "Y", "3.4": "N", "4.1": "N", "4.2": "N", "4.3": "Y", "4.4": "N",
           "5.1": "NI", "5.2": "N", "5.3": "N"}

TOML = '''
[defaults]
assessor = "JH"

[[assessment]]
study = "Smith 2019"
outcome = "Pain at 6 weeks"
result = "MD -1.2 (95% CI -2.0 to -0.4)"
assessed_at = 2025-03-01T10:00:00Z
comments = { "1.1" = "computer-generated list" }

[assessment.answers]
"1.1" = "Y"
"1.2" = "PY"
"1.3" = "N"
"2.1" = "Y"
"2.2" = "Y"
"2.3" = "NI"
"2.6" = "N"
"2.7" = "PN"
"3.1" = "N"
"3.2" = "N"
"3.3" = "Y"
"3.4" = "N"
"4.1" = "N"
"4.2" = "N"
"4.3" = "Y"
"4.4" = "N"
"5.1" = "NI"
"5.2" = "N"
"5.3" = "N"

[assessment.judgements]
D3 = { judgement = "high", justification = "Dropout was 30% in the control arm, for lack of efficacy" }
overall = { judgement = "high", justification = "D3 high" }

[[assessment]]
study = "Jones 2021"
tool = "rob1"
judgements = { D1 = "low", D2 = { judgement = "unclear", support = "envelopes, no detail" } }

[[assessment]]
study = "Cohort 2018"
outcome = "Pain at 6 weeks"
tool = "robins-i"
judgements = { D1 = "serious", D2 = "low", D3 = "low", D4 = "moderate", D5 = "low", D6 = "low", D7 = "low" }
'''


@pytest.fixture
def toml_file(tmp_path):
    p = tmp_path / "rob.toml"
    p.write_text(TOML, encoding="utf-8")
    return p


def test_read_toml(toml_file):
    smith, jones, cohort = read_assessments(toml_file)
    assert smith.assessor == "JH" and smith.assessed_at == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert smith.domain("D3").proposed == "some concerns" and smith.domain("D3").judgement == "high"
    assert smith.domain("D1").comments == {"1.1": "computer-generated list"}
    assert smith.overall == "high"
    assert jones.tool == "rob1" and jones.domain("D2").justification == "envelopes, no detail"
    assert jones.overall == "unclear" and jones.outcome is None
    assert cohort.overall == "serious"


@pytest.mark.parametrize("fmt", ["toml", "csv"])
def test_round_trip(tmp_path, toml_file, fmt):
    original = read_assessments(toml_file)
    original.append(assess_rob2("Crossover 2020", "Pain at 6 weeks", {
        "1.1": "Y", "1.2": "Y", "1.3": "N", "S.1": "N", "S.2": "Y", "S.3": "Y"}, variant="crossover",
        aim="adherence", assessor="ÅB", comments={"S.2": 'period = "fixed effect", first line\nsecond line'}))
    original.append(assess_judgements("rob2", "Simple 2017", None, {"D1": "low", "D2": "some concerns"},
                                      overall="some concerns"))
    path = tmp_path / f"out.{fmt}"
    write_assessments(original, path)
    again = read_assessments(path)
    assert [a.to_dict() | {"source": ""} for a in again] == [a.to_dict() | {"source": ""} for a in original]
    write_assessments(original, path)  # evisynth's own, unchanged file: refreshed
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n")  # the user edits it: theirs now
    with pytest.raises(InputError, match="already exists"):
        write_assessments(original, path)
    write_assessments(original, path, force=True)


def test_toml_errors_name_file_assessment_line_and_key(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('[[assessment]]\nstudy = "A"\nanswers = { "1.1" = "Y" }\n\n[[assessment]]\nstudy = "B"\n'
                 'answers = { "1.1" = "Y", "1.2" = "Y", "1.3" = "N", "2.1" = "N", "2.2" = "N", "2.3" = "Y" }\n')
    with pytest.raises(InputError) as exc:
        read_assessments(p)
    msg = str(exc.value)
    assert str(p) in msg and "assessment 2 (line 5)" in msg and "question 2.3 must be NA" in msg
    p.write_text('[[assessment]]\nstudy = "A"\ncolour = "red"\n')
    with pytest.raises(InputError, match="assessment 1 \\(line 1\\): unknown key 'colour'"):
        read_assessments(p)
    p.write_text('[[assessment]\n')
    with pytest.raises(InputError, match="not valid TOML"):
        read_assessments(p)


def test_csv_errors_name_file_row_and_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("study,outcome,1.1,1.2,1.3,D1,D1_justification\nA,Pain,Y,Y,N,high,\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_assessments(p)
    msg = str(exc.value)
    assert f"{p}, row 1 (line 2), column 'D1'" in msg and "differs from the algorithm's proposal 'low'" in msg
    p.write_text("study,1.1,favourite\nA,Y,blue\n")
    with pytest.raises(InputError, match="column 'favourite': unknown column"):
        read_assessments(p)
    p.write_text("study,1.1,1.2,1.3\nA,Y,sometimes,N\n")
    with pytest.raises(InputError, match=r"row 1 \(line 2\), column '1.2'.*unknown answer 'sometimes'"):
        read_assessments(p)


def test_simple_csv_shortcut_still_reads(tmp_path):
    # the grade/rob.py format written by `evisynth init`: study, outcome, D1..D5, overall
    p = tmp_path / "rob.csv"
    p.write_text("study,outcome,D1,D2,D3,D4,D5,overall\nSmith 2019,,low,some concerns,low,low,low,some concerns\n"
                 "Jones 2021,Pain,+,-,x,low,low,\nLee 2020,,l,,,,,\n", encoding="utf-8")
    smith, jones, lee = read_assessments(p)
    assert smith.overall == "some concerns" and smith.outcome is None
    assert [d.judgement for d in jones.domains] == ["low", "some concerns", "high", "low", "low"]
    assert jones.overall == "high"          # derived: the worst domain
    assert lee.overall == "some concerns"   # partly judged: low needs every domain low
    assert "Smith 2019" in to_csv([smith]) and "Smith 2019" in to_toml([smith])


def test_csv_cells_are_protected_against_formulas(tmp_path):
    a = assess_judgements("rob1", "=HYPERLINK(1)", None, {"D1": "low"}, support={"D1": "@risk"})
    text = to_csv([a])
    assert "'=HYPERLINK(1)" in text and "'@risk" in text
    p = tmp_path / "f.csv"
    p.write_text(text, encoding="utf-8")
    (back,) = read_assessments(p, tool="rob1")
    assert back.study == "=HYPERLINK(1)" and back.domain("D1").justification == "@risk"
