"""``evisynth demo`` end to end: the bundled synthetic rTMS example reproduces the published figures.

Published figures (2026 meta-analysis of rTMS for post-stroke spasticity; 13 RCTs, 18 comparisons):
spasticity MD -0.23 [-0.43, -0.02], P = 0.03; motor function MD 2.46 [1.54, 3.38], P < 0.00001;
ADL SMD 0.31 [-0.06, 0.67], P = 0.10; unaffected-hemisphere SMD -0.19 [-0.37, -0.00] (evisynth prints 0.00), P = 0.05;
combined-frequency SMD -0.65 [-0.94, -0.36]; pulses meta-regression beta 2.46 [0.097, 4.81],
P = 0.043; motor benefit larger in upper-limb patients. They are compared at their reported
rounding with evisynth.format (the rounding every evisynth output uses).
"""

import contextlib
import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from evisynth import format as fmt
from evisynth.cli.main import main
from evisynth.examples.data import RTMS_DIR, example_path
from evisynth.examples.demo import slug
from evisynth.examples.published import same_at_rounding


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str, int]:
    out = tmp_path_factory.mktemp("demo") / "evisynth-demo"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["demo", "--out", str(out)])
    doc = json.loads((out / "demo.json").read_text(encoding="utf-8"))
    return out, doc, buf.getvalue(), status


def reported(value: float, text: str, *, p: bool = False) -> str:
    if p and text.startswith("<"):
        return fmt.format_p(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt.format_number(value, decimals)


PUBLISHED = tomllib.loads((RTMS_DIR / "published.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("result", PUBLISHED["result"], ids=lambda r: r["key"])
def test_published_figures_reproduced_at_reported_rounding(demo_run: tuple, result: dict) -> None:
    _, doc, _, _ = demo_run
    outcome = doc["outcomes"][result["outcome"]]
    if "subgroup" in result:
        mine = outcome["subgroups"][result["subgroup"]]["groups"][result["level"]]
    elif "moderator" in result:
        mine = outcome["meta_regression"][result["moderator"]]
    else:
        mine = outcome["pooled"]
        assert mine["measure"] == result["measure"]
    for key in ("estimate", "ci_lower", "ci_upper"):
        # the paper's "-0.00" is evisynth's "0.00" (a rounded zero has no sign): the same number
        assert same_at_rounding(reported(mine[key], result[key]), result[key]), (key, mine[key])
    if "p" in result:
        assert reported(mine["p_value"], result["p"], p=True) == result["p"], mine["p_value"]
    assert doc["checks"][result["key"]]["all_match"]


def test_key_numbers_in_the_usual_rounding(demo_run: tuple) -> None:
    _, doc, _, _ = demo_run
    o = doc["outcomes"]
    sp, mo, adl = o["Spasticity (MAS)"]["pooled"], o["Motor function (Fugl-Meyer)"]["pooled"], \
        o["Activities of daily living"]["pooled"]
    assert fmt.format_effect_ci(sp["estimate"], sp["ci_lower"], sp["ci_upper"]) == "-0.23 [-0.43, -0.02]"
    assert fmt.p_text(sp["p_value"]) == "P = 0.03"
    assert fmt.format_effect_ci(mo["estimate"], mo["ci_lower"], mo["ci_upper"]) == "2.46 [1.54, 3.38]"
    assert fmt.p_text(mo["p_value"]) == "P < 0.00001"
    assert fmt.format_effect_ci(adl["estimate"], adl["ci_lower"], adl["ci_upper"]) == "0.31 [-0.06, 0.67]"
    assert fmt.p_text(adl["p_value"]) == "P = 0.10"
    assert (mo["measure"], sp["measure"], adl["measure"]) == ("MD", "MD", "SMD")
    hemi = o["Spasticity (all scales, SMD)"]["subgroups"]["hemisphere"]["groups"]["unaffected"]
    assert fmt.format_effect_ci(hemi["estimate"], hemi["ci_lower"], hemi["ci_upper"]) == "-0.19 [-0.37, 0.00]"
    assert hemi["ci_upper"] < 0  # the paper's "-0.00": a bound just below zero, printed without its sign
    freq = o["Spasticity (all scales, SMD)"]["subgroups"]["frequency"]["groups"]["combined"]
    assert fmt.format_effect_ci(freq["estimate"], freq["ci_lower"], freq["ci_upper"]) == "-0.65 [-0.94, -0.36]"
    mr = o["Motor function (Fugl-Meyer)"]["meta_regression"]["pulses_1000"]
    assert (fmt.format_number(mr["estimate"]), fmt.format_number(mr["ci_lower"], 3),
            fmt.format_number(mr["ci_upper"]), fmt.format_number(mr["p_value"], 3)) == ("2.46", "0.097", "4.81", "0.043")
    assert mr["unit"] == "per 1,000 pulses per session" and mr["test"] == "hksj" and mr["df"] == mr["k"] - 2
    limb = o["Motor function (Fugl-Meyer)"]["subgroups"]["limb"]["groups"]
    assert limb["upper"]["estimate"] > limb["lower"]["estimate"]
    assert doc["checks"]["motor_upper_limb"]["all_match"]
    # certainty as published (from GRADE when installed, else the published labels)
    for name, want in (("Spasticity (MAS)", "moderate"), ("Motor function (Fugl-Meyer)", "high"),
                       ("Activities of daily living", "very low")):
        assert o[name]["certainty_published"] == want
        if "certainty" in o[name] and o[name]["certainty"]:
            assert want in str(o[name]["certainty"]).lower()


def test_outputs_and_progress(demo_run: tuple) -> None:
    out, doc, stdout, status = demo_run
    assert status == 0
    assert (out / "report.html").is_file() and (out / "demo.json").is_file()
    for name in doc["outcomes"]:
        analysis = json.loads((out / slug(name) / "analysis.json").read_text(encoding="utf-8"))
        assert analysis["settings"]["method"] == "DL" and analysis["settings"]["test"] == "z"
    lines = stdout.strip().splitlines()
    assert lines[0].startswith("evisynth") and "[1/6]" in stdout and "[6/6]" in stdout
    assert "report.html" in lines[-1] and lines[-1].startswith("Done in")
    assert "SYNTHETIC" in stdout
    assert doc["synthetic"] is True
    # the run time is reported (speed is measured in benchmarks/, never asserted in a unit test)
    assert isinstance(doc["runtime_seconds"], float) and doc["runtime_seconds"] > 0


#: Subgroup variables and meta-regression moderators of the example's outcomes (review.toml).
FIGURES = {"spasticity_mas": (("hemisphere", "frequency", "limb"), ()),
           "spasticity_all_scales_smd": (("hemisphere", "frequency"), ()),
           "motor_function_fugl_meyer": (("limb", "frequency"), ("pulses_1000",)),
           "activities_of_daily_living": ((), ())}


def test_subgroup_forest_and_bubble_plots_are_written_and_shown(demo_run: tuple) -> None:
    out, doc, _, _ = demo_run
    overview = (out / "report.html").read_text(encoding="utf-8")
    for folder, (variables, moderators) in FIGURES.items():
        stems = [f"forest_{v}" for v in variables] + [f"bubble_{m}" for m in moderators]
        for stem in stems:
            for suffix in ("png", "svg"):
                assert (out / folder / "figures" / f"{stem}.{suffix}").is_file(), (folder, stem, suffix)
            assert f'<img src="{folder}/figures/{stem}.png"' in overview  # the key figures, not only links
        assert f'<img src="{folder}/figures/forest.png"' in overview
        report = (out / folder / "report.html").read_text(encoding="utf-8")
        for v in variables:
            assert f'id="subgroups_{v}"' in report and f'id="figure-forest_{v}"' in report
        assert ('id="figure-bubble_pulses_1000"' in report) == bool(moderators)
        unexpected = {p.stem for p in (out / folder / "figures").glob("forest_*")} - {f"forest_{v}" for v in variables}
        assert not unexpected
    assert doc["files"]["figures"]["Motor function (Fugl-Meyer)"][-1] == \
        "motor_function_fugl_meyer/figures/bubble_pulses_1000.png"


def test_derivations_are_shown_per_study(demo_run: tuple) -> None:
    out, _doc, _, _ = demo_run
    spas = json.loads((out / "spasticity_all_scales_smd" / "analysis.json").read_text(encoding="utf-8"))
    notes = {s["study"]: s["note"] or "" for s in spas["studies"]}
    assert "sd1 from se1 (SD = SE·√n)" in notes["Trial 08 (synthetic): iTBS"]
    assert "shared control 'sham rTMS' of trial 'Trial 08' split across 2 comparisons: n2 28 → 14" in \
        notes["Trial 08 (synthetic): iTBS"]
    assert notes["Trial 04 (synthetic)"].startswith("m1, sd1 from the median and IQR (Luo 2018 mean, Wan 2014 SD)")
    assert "Shi 2020 SD" in notes["Trial 12 (synthetic)"]
    assert "split across 3 comparisons: n2 33 → 11" in notes["Trial 05 (synthetic): 1 Hz"]
    motor = json.loads((out / "motor_function_fugl_meyer" / "analysis.json").read_text(encoding="utf-8"))
    mnotes = {s["study"]: s["note"] or "" for s in motor["studies"]}
    assert "of change imputed from baseline and final SDs with r = 0.85" in mnotes["Trial 02 (synthetic)"]
    assert "95% CI of the mean" in mnotes["Trial 07 (synthetic)"]
    assert "sd1 from se1" in mnotes["Trial 10 (synthetic)"]
    adl = json.loads((out / "activities_of_daily_living" / "analysis.json").read_text(encoding="utf-8"))
    anotes = {s["study"]: s["note"] or "" for s in adl["studies"]}
    assert anotes["Trial 06 (synthetic)"].startswith("sd1 = sd2 = pooled SD")
    # no control arm is counted twice: the split sizes add up to the control group
    trial05 = [s["data"]["n2"] for s in spas["studies"] if s["study"].startswith("Trial 05")]
    assert sum(trial05) == 33
    assert not any("counted more than once" in w for w in spas["warnings"])


def test_example_is_labelled_synthetic() -> None:
    files = sorted(p.name for p in RTMS_DIR.glob("*.csv"))
    assert files and all(name.endswith("_synthetic.csv") for name in files)
    assert "SYNTHETIC" in (RTMS_DIR / "README.md").read_text(encoding="utf-8")
    for name in files:
        with open(RTMS_DIR / name, encoding="utf-8") as fh:
            labels = [row["study"] for row in csv.DictReader(fh)]
        assert labels and all("(synthetic)" in label for label in labels), name
    assert example_path("review.toml").is_file()
    with pytest.raises(FileNotFoundError):
        example_path("nope.csv")


def test_design_of_the_example() -> None:
    with open(RTMS_DIR / "spasticity_synthetic.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 18 and len({r["trial"] for r in rows}) == 13
    assert {r["frequency"] for r in rows} == {"low", "high", "combined", "theta-burst"}
    assert {r["hemisphere"] for r in rows} == {"unaffected", "affected", "both"}
    assert all(600 <= int(r["pulses"]) <= 2400 for r in rows)
    assert all(8 <= int(r["n1"]) <= 40 and 8 <= int(r["n2"]) <= 40 for r in rows)


def test_review_file_validates_when_grade_is_installed() -> None:
    review = pytest.importorskip("evisynth.review.file")
    r = review.load_review(RTMS_DIR / "review.toml")
    assert [o.name for o in r.outcomes][:1] == ["Spasticity (MAS)"]


# ------------------------------------------------------------------------------ risk of bias (issue #14)
ROB_FILES = ["rob/traffic_light.png", "rob/traffic_light.svg", "rob/summary.png", "rob/summary.svg"]


def test_demo_writes_the_risk_of_bias_plots(demo_run: tuple) -> None:
    out, doc, text, _ = demo_run
    assert doc["files"]["rob"] == ROB_FILES
    for name in ROB_FILES:
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") if name.endswith(".png") else b"<svg" in data[:2000]
    assert "risk-of-bias traffic-light plot (18 assessments)" in text
    assert 'src="rob/traffic_light.png"' in (out / "report.html").read_text(encoding="utf-8")


def test_every_forest_plot_of_the_demo_has_rob_columns(demo_run: tuple) -> None:
    out, doc, _, _ = demo_run
    forests = [p for paths in doc["files"]["figures"].values() for p in paths if Path(p).stem.startswith("forest")]
    assert len(forests) == 4 + 7  # each outcome's forest plot and the 7 subgrouped ones
    for png in forests:
        svg = (out / png).with_suffix(".svg").read_text(encoding="utf-8")
        assert "Risk of Bias" in svg, png


def test_grade_risk_of_bias_numbers_in_demo_json(demo_run: tuple) -> None:
    _, doc, _, _ = demo_run
    for name, o in doc["outcomes"].items():
        rob = o["risk_of_bias"]
        assert rob["share_low"] + rob["share_some_concerns"] + rob["share_high"] == pytest.approx(1.0), name
        assert rob["reason"].startswith(f"{100 * (1 - rob['share_low']):.0f}% of the weight"), name
        sens = rob["low_risk_sensitivity"]
        assert sens is not None and sens["k"] >= 1 and sens["estimate"] is not None, name


def test_low_risk_sensitivity_matches_metafor(demo_run: tuple) -> None:
    """Spasticity (MAS) restricted to its two low-risk comparisons (Trial 03, 1 Hz and 10 Hz): metafor
    ``rma(yi, vi, method = "DL")`` on their yi/vi (-0.2, -0.53; 0.09027, 0.0721366667) gives
    -0.3834228890 [-0.7758833603, 0.0090375822] (R 4, metafor 4; computed once, stored here)."""
    _, doc, _, _ = demo_run
    sens = doc["outcomes"]["Spasticity (MAS)"]["risk_of_bias"]["low_risk_sensitivity"]
    assert sens["studies"] == ["Trial 03 (synthetic): 1 Hz", "Trial 03 (synthetic): 10 Hz"]
    assert sens["estimate"] == pytest.approx(-0.3834228890, abs=1e-9)
    assert sens["ci_lower"] == pytest.approx(-0.7758833603, abs=1e-9)
    assert sens["ci_upper"] == pytest.approx(0.0090375822, abs=1e-9)
