"""Page 5, Analysis, over the bundled review: the form starts from the review file's settings of the
outcome, the pooled estimate equals the command line's, refits, subgroups, meta-regression, downloads."""

from __future__ import annotations

import json
import re
from pathlib import Path

from evisynth.cli.main import main as cli_main
from evisynth.review.file import load_review

SELECTED = re.compile(r'<select id="(\w+)" name="\w+">(.*?)</select>', re.S)


def _selected(page: str) -> dict[str, str]:
    """Each select's chosen option: its value (the option code), or its text when it has none (the outcome)."""
    out = {}
    for name, options in SELECTED.findall(page):
        chosen = re.search(r"<option([^>]*)selected[^>]*>([^<]*)", options)
        value = re.search(r'value="([^"]+)"', chosen.group(1)) if chosen else None
        out[name] = (value.group(1) if value and name != "o" else chosen.group(2)) if chosen else ""
    return out


def _pooled(client, query: str) -> dict:
    response = client.get(f"/analysis/analysis.json?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return json.loads(response.content)["pooled"]


def test_defaults_are_the_review_spec(review_client, review_dir):
    review = load_review(review_dir / "data" / "review.toml")
    for i, outcome in enumerate(review.outcomes):
        page = review_client.get(f"/analysis?o={i}").text
        chosen = _selected(page)
        spec = outcome.analysis
        assert chosen["o"] == outcome.name  # the review's own outcome names
        assert chosen["model"] == spec.model and chosen["method"] == spec.method and chosen["test"] == spec.test
        assert chosen["measure"] == (spec.measure or "from the data")
        assert f'value="{spec.level:g}"' in page
    assert _selected(review_client.get("/analysis?o=0").text)["method"] == "DL"  # the demo's review uses DL, not REML


def test_pooled_estimate_equals_the_command_line(review_client, review_dir, capsys):
    data = review_dir / "data" / "spasticity_mas_synthetic.csv"
    capsys.readouterr()
    assert cli_main(["analyze", str(data), "--measure", "MD", "--method", "DL", "--json", "-"]) in (0, None)
    cli = json.loads(capsys.readouterr().out)["pooled"]
    web = _pooled(review_client, "o=0")
    for key in ("estimate", "se", "ci_lower", "ci_upper", "p_value", "tau2"):
        if key in cli:
            assert abs(web[key] - cli[key]) < 1e-12, key
    assert web["method"] == "DL" and web["k"] == cli["k"] == 11
    page = review_client.get("/analysis?o=0").text
    assert f"MD {cli['estimate']:.2f}, 95% CI {cli['ci_lower']:.2f} to {cli['ci_upper']:.2f}" in page


def test_changing_the_method_refits(review_client):
    dl = _pooled(review_client, "o=0")
    reml = _pooled(review_client, "o=0&of=0&method=REML")
    assert reml["method"] == "REML" and dl["method"] == "DL"
    assert reml["estimate"] != dl["estimate"]
    page = review_client.get("/analysis?o=0&of=0&method=REML", headers={"HX-Request": "true"}).text
    assert page.startswith('<div id="analysis-panel">') and _selected(page)["method"] == "REML"
    # choosing another outcome starts from that outcome's settings, not the form's
    other = review_client.get("/analysis?o=1&of=0&method=REML&subgroup=limb").text
    assert _selected(other)["method"] == "DL" and _selected(other)["subgroup"] == ""
    # choosing a fixed model picks a pooling method that fits it (no "--method" error)
    fixed = review_client.get("/analysis?o=0&of=0&model=fixed&method=DL").text
    assert _selected(fixed)["method"] == "IV" and "--" not in re.sub(r"<!--.*?-->", "", fixed, flags=re.S)


def test_subgroups_and_meta_regression_render(review_client):
    page = review_client.get("/analysis?o=0")
    columns = re.search(r'id="subgroup".*?</select>', page.text, re.S).group(0)
    assert "hemisphere" in columns and "frequency" in columns
    for data_column in ("m1", "sd1", "n1", "m2", "sd2", "n2", "study"):
        assert f"<option>{data_column}</option>" not in columns
    page = review_client.get("/analysis?o=0&of=0&subgroup=hemisphere&moderator=pulses_1000").text
    assert "Test for subgroup differences" in page
    assert 'id="figure-forest_hemisphere"' in page
    assert re.search(r'id="figure-bubble[^"]*"', page)
    assert "Meta-regression" in page


def test_downloads_content_types(review_client):
    query = "o=0&of=0&subgroup=hemisphere"
    for fmt, kind, magic in (("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG"),
                             ("pdf", "application/pdf", b"%PDF")):
        response = review_client.get(f"/analysis/figure/forest.{fmt}?{query}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
        assert response.content.startswith(magic)
        assert f'filename="forest_spasticity_mas.{fmt}"' in response.headers["content-disposition"]
    assert review_client.get(f"/analysis/figure/forest_hemisphere.png?{query}").status_code == 200
    html = review_client.get(f"/analysis/report.html?{query}")
    assert html.headers["content-type"].startswith("text/html") and b"<html" in html.content.lower()
    md = review_client.get(f"/analysis/report.md?{query}")
    assert md.headers["content-type"].startswith("text/markdown") and b"#" in md.content
    # nothing but the analysis's own figures and files
    assert review_client.get(f"/analysis/figure/forest.exe?{query}").status_code == 404
    assert review_client.get(f"/analysis/figure/..%2F..%2Fetc%2Fpasswd.svg?{query}").status_code == 404
    assert review_client.get("/analysis/figure/nosuch.svg").status_code == 404
    assert review_client.get("/analysis/report.txt").status_code == 404


def test_study_label_is_escaped(review_client, review_dir: Path):
    data = review_dir / "data" / "spasticity_mas_synthetic.csv"
    text = data.read_text(encoding="utf-8").replace("Trial 02 (synthetic)", "<script>alert(1)</script>", 1)
    data.write_text(text, encoding="utf-8")
    page = review_client.get("/analysis?o=0").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_analysis_json_holds_the_chosen_subgroup_and_regression(review_client, review_dir):
    """The JSON download keeps the main analysis' keys and adds what the page shows: the subgroup
    analysis and meta-regression, in the shape of review_result.json (equal to the command line's)."""
    from evisynth.api import run_review

    plain = json.loads(review_client.get("/analysis/analysis.json?o=0").content)
    assert "subgroup_analyses" not in plain and "meta_regression" not in plain
    doc = json.loads(review_client.get("/analysis/analysis.json?o=0&of=0&subgroup=hemisphere"
                                       "&moderator=pulses_1000").content)
    assert doc["pooled"] == plain["pooled"]
    review = run_review(load_review(review_dir / "data" / "review.toml")).to_dict()
    spasticity = review["outcomes"][0]
    assert doc["subgroup_analyses"]["hemisphere"] == spasticity["subgroup_analyses"]["hemisphere"]
    assert [m["column"] for m in doc["meta_regression"]["moderators"]] == ["pulses_1000"]


def test_favours_labels_follow_the_outcomes_direction(review_client, review_dir):
    """Motor function: higher is better, so "Favours [control]" stands on the left of the forest plot,
    as in the review's own report (the page used to draw every outcome as lower-is-better)."""
    review = load_review(review_dir / "data" / "review.toml")
    motor = next(i for i, o in enumerate(review.outcomes) if not o.lower_is_better)
    spasticity = next(i for i, o in enumerate(review.outcomes) if o.lower_is_better)
    for i, left in ((motor, "control"), (spasticity, "experimental")):
        svg = review_client.get(f"/analysis/figure/forest.svg?o={i}").text
        words = re.findall(r"Favours \[(\w+)\]", svg) or re.findall(r"Favours\s*(?:<[^>]+>\s*)*\[?(\w+)", svg)
        assert words and words[0] == left, (i, words)
