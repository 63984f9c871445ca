"""Page 5, Analysis (issue #12, first-time user test): the model picks a method that fits it, the
selects offer only valid codes with plain labels, errors in the page's words, the multilevel model with
its Cluster column, the note and button when the page's settings differ from the review file's (written
into review.toml with history and log), the report as a zip with its figures, warnings once."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from evisynth.api.analysischoices import coherent, measures_for, methods_for, page_words, valid_tests
from evisynth.api.reviewfile import review_changes, set_analysis
from evisynth.errors import InputError
from evisynth.review.file import load_review

from .test_analysis_page import _selected


def _options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)', select.group(1))


def _text(page: str) -> str:
    return re.sub(r"<!--.*?-->|<svg.*?</svg>", "", page, flags=re.S)


def test_choices_follow_the_model_and_the_data():
    assert methods_for("fixed", "continuous") == ("IV",)
    assert methods_for("fixed", "binary", "OR") == ("IV", "MH", "PETO")
    assert methods_for("fixed", "binary", "RR") == ("IV", "MH")
    assert "IV" not in methods_for("random", "continuous") and "DL" in methods_for("random", "continuous")
    assert methods_for("multilevel") == ("REML", "ML")
    assert measures_for("continuous") == ("MD", "SMD") and "GEN" not in measures_for("binary")
    assert "GEN" in measures_for("generic") and valid_tests("multilevel") == ("z",)
    base = load_review_spec()
    settings = {"measure": "MD", "model": "random", "method": "IV", "test": "z", "level": "0.95"}
    assert coherent(settings, "continuous", base)["method"] == "DL"  # the review's own tau² method
    assert coherent(settings, "continuous")["method"] == "REML"  # the default of evisynth.options
    assert coherent({**settings, "model": "fixed", "method": "DL"}, "continuous")["method"] == "IV"
    assert coherent({**settings, "model": "fixed", "measure": "PETO", "method": "DL"}, "binary")["method"] == "PETO"
    assert coherent({**settings, "model": "multilevel", "test": "hksj"}, None)["test"] == "z"
    assert coherent({**settings, "cluster": "trial"}, None)["cluster"] == ""  # random without robust SE
    assert page_words("--method REML estimates tau² for random effects; with --model fixed use --method IV") == \
        "method REML estimates τ² for random effects; with model fixed use method IV"


def load_review_spec():
    from evisynth.examples.data import RTMS_DIR

    return load_review(RTMS_DIR / "review.toml").outcomes[0].analysis


def test_fixed_model_gets_a_fixed_method_and_labels(review_client):
    page = review_client.get("/analysis?o=0&of=0&model=fixed&method=REML").text
    assert _selected(page)["method"] == "IV" and "flash-error" not in page
    assert _options(page, "method") == [("IV", "IV — inverse variance")]  # continuous data: IV only
    random = review_client.get("/analysis?o=0&of=0&model=random&method=IV").text
    assert _selected(random)["method"] == "DL"  # back to the review's tau² method
    methods = dict(_options(random, "method"))
    assert methods["DL"] == "DL — DerSimonian–Laird" and methods["REML"] == "REML — restricted ML"
    assert "IV" not in methods and "PETO" not in methods
    assert dict(_options(random, "test"))["hksj"] == "hksj — Hartung–Knapp–Sidik–Jonkman"
    assert [v for v, _ in _options(random, "measure")] == ["MD", "SMD"]  # the grid's continuous data


def test_errors_read_as_page_words(review_client):
    page = _text(review_client.get("/analysis?o=0&of=0&measure=GEN").text)
    error = re.search(r'class="flash flash-error" role="alert">([^<]*)', page).group(1)
    assert "measure GEN needs generic data" in error and "the table has continuous data" in error
    robust = _text(review_client.get("/analysis?o=0&of=0&model=random&robust=1").text)
    assert "robust SE needs a Cluster (study/trial id) column" in robust
    assert "--" not in robust


def test_multilevel_has_a_cluster_field(review_client):
    page = review_client.get("/analysis?o=0&of=0&model=multilevel").text
    clusters = [v for v, _ in _options(page, "cluster")]
    assert clusters[0] == "" and "trial" in clusters and "hemisphere" in clusters and "m1" not in clusters
    assert "model multilevel needs a Cluster (study/trial id) column" in page
    assert 'id="subgroup"' not in page  # not available with the multilevel model yet
    fitted = review_client.get("/analysis?o=0&of=0&model=multilevel&cluster=trial").text
    assert "flash-error" not in fitted and 'id="results-text"' in fitted
    assert _selected(fitted)["cluster"] == "trial" and _selected(fitted)["method"] == "REML"
    assert "The review file cannot hold the multilevel model" in fitted
    doc = json.loads(review_client.get("/analysis/analysis.json?o=0&of=0&model=multilevel&cluster=trial").content)
    assert doc["settings"]["model"] == "multilevel" and doc["settings"]["cluster"] == "trial"


def test_note_and_button_when_settings_differ(review_client, review_dir):
    same = review_client.get("/analysis?o=0").text
    assert 'id="review-settings"' not in same
    page = review_client.get("/analysis?o=0&of=0&method=REML&test=hksj").text
    assert "The certainty page and summary use the review file's settings: MD, random, DL, z, 0.95." in page
    assert "Use these settings for the review" in page
    form = re.search(r'<form method="post" action="/analysis/settings".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert fields["method"] == "REML" and fields["test"] == "hksj" and fields["outcome"] == "Spasticity (MAS)"
    review = review_dir / "data" / "review.toml"
    before = review.read_text(encoding="utf-8")
    assert review_client.post("/analysis/settings", data={k: v for k, v in fields.items() if k != "csrf_token"}
                              ).status_code == 403  # CSRF
    client = review_client.as_reviewer("Ana")
    done = client.post_form("/analysis/settings", {k: v for k, v in fields.items() if k != "csrf_token"})
    assert done.status_code == 200 and "the review file now analyses Spasticity (MAS)" in done.text
    text = review.read_text(encoding="utf-8")
    assert "# Example review: repetitive transcranial magnetic stimulation" in text  # comments kept
    spec = load_review(review).outcomes[0].analysis
    assert (spec.method, spec.test, spec.model) == ("REML", "hksj", "random")
    assert load_review(review).outcomes[1].analysis.method == "DL"  # other outcomes untouched
    kept = list((review_dir / "history" / "review").glob("review-*.toml"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == before
    changes = [c for c in review_changes(review_dir) if c.what == "analysis settings"]
    assert {c.detail for c in changes} == {"Spasticity (MAS): method DL → REML",
                                           "Spasticity (MAS): test z → hksj"}
    assert {c.who for c in changes} == {"Ana"}
    assert 'id="review-settings"' not in review_client.get("/analysis?o=0").text  # the page and the file agree


def test_set_analysis_refuses_what_the_file_cannot_hold(review_dir):
    settings = {"measure": "MD", "model": "multilevel", "method": "REML", "test": "z", "level": "0.95"}
    with pytest.raises(InputError, match="cannot hold the multilevel model"):
        set_analysis(review_dir, "Spasticity (MAS)", settings)
    with pytest.raises(InputError, match="no outcome named"):
        set_analysis(review_dir, "Nope", {**settings, "model": "random", "method": "DL"})
    with pytest.raises(InputError):  # the review parser refuses a tau² method with a fixed model
        set_analysis(review_dir, "Spasticity (MAS)", {**settings, "model": "fixed", "method": "DL"})
    assert set_analysis(review_dir, "Spasticity (MAS)", {**settings, "model": "random", "method": "DL"}) == []


def test_report_zip_holds_the_figures_and_the_page_subgroup(review_client):
    query = "o=0&of=0&subgroup=hemisphere"
    page = review_client.get(f"/analysis?{query}").text
    assert "/analysis/report.zip?" in page
    response = review_client.get(f"/analysis/report.zip?{query}")
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="report_spasticity_mas.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    md = archive.read("report.md").decode("utf-8")
    for figure in re.findall(r"\]\((figures/[^)]+)\)", md):
        assert figure in names, figure
    assert "figures/forest_hemisphere.svg" in names
    assert '"subgroup": "hemisphere"' in md.rsplit("<!-- evisynth provenance:", 1)[1]
    single = review_client.get(f"/analysis/report.md?{query}")  # still served, as before
    assert single.headers["content-type"].startswith("text/markdown")
    assert 'filename="report_spasticity_mas.md"' in single.headers["content-disposition"]
    assert '"subgroup": "hemisphere"' in single.text.rsplit("<!-- evisynth provenance:", 1)[1]
    doc = json.loads(review_client.get(f"/analysis/analysis.json?{query}").content)
    assert doc["provenance"]["settings"]["subgroup"] == "hemisphere"


def test_each_warning_once_without_class_names(review_client):
    page = _text(review_client.get("/analysis?o=3").text)  # 7 studies: the funnel tests have low power
    assert "Warning:" not in page
    assert len(re.findall(r"(?i)low power", page)) == 1



def test_a_measure_the_data_cannot_give_says_what_it_needs():
    import pandas as pd

    from evisynth.effects.compute import compute_effects
    from evisynth.io.tabular import read_study_table

    continuous = read_study_table(pd.DataFrame({"study": ["A"], "m1": ["5"], "sd1": ["1"], "n1": ["20"],
                                                "m2": ["4"], "sd2": ["1"], "n2": ["20"]}))
    with pytest.raises(InputError, match=r"measure GEN needs generic data \(yi with sei or vi, or estimate with "
                                         r"ci_lower and ci_upper\), but the table has continuous data"):
        compute_effects(continuous, "GEN")
    binary = read_study_table(pd.DataFrame({"study": ["A"], "events1": ["1"], "n1": ["9"], "events2": ["2"],
                                            "n2": ["9"]}))
    with pytest.raises(InputError, match=r"measure MD needs continuous data \(m1, sd1, n1, m2, sd2, n2\), but the "
                                         r"table has dichotomous data \(events1, n1, events2, n2\); use one of OR"):
        compute_effects(binary, "MD")
