"""The outcome report: the main analysis with its subgroup analyses (subgrouped forest plots) and meta-regression
(bubble plots), written under the exact file names the acceptance suite checks."""

from __future__ import annotations

import warnings

import pytest

from evisynth.api.reports import ReportOptions, outcome_figures, write_outcome_report
from evisynth.examples.data import example_path
from evisynth.plots._forest_geometry import ForestLayout
from evisynth.report.sections import outcome_sections
from evisynth.review.runner import run_review


@pytest.fixture(scope="module")
def review():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_review(example_path("review.toml"))


def _outcome(review, name):
    return next(o for o in review.outcomes if o.spec.name == name)


def test_sections_hold_the_subgroup_tables_and_subgrouped_forest_plots(review):
    motor = _outcome(review, "Motor function (Fugl-Meyer)")
    sections = outcome_sections(motor.subgroups, motor.regression)
    assert [s.key for s in sections] == ["subgroups_limb", "subgroups_frequency", "meta_regression"]
    limb = sections[0]
    assert limb.tables[0].key == "subgroups" and [r[0] for r in limb.tables[0].rows] == ["upper", "lower"]
    assert limb.tables[0].notes[0] == motor.subgroups["limb"].text["subgroup_difference"]
    forest = limb.figures[0]
    assert forest.key == "forest_limb"
    lay: ForestLayout = forest.layout
    kinds = lay.kinds()
    # RevMan's subgrouped layout: heading, studies, subtotal with its heterogeneity and overall-effect lines,
    # ..., the total and the test for subgroup differences
    assert kinds.count("subgroup_header") == 2 and kinds.count("subtotal") == 2
    assert kinds.count("heterogeneity") == 3 and kinds.count("overall_effect") == 3
    first = kinds.index("subtotal")
    assert kinds[first + 1:first + 3] == ["heterogeneity", "overall_effect"]
    difference = next(r for r in lay.rows if r.kind == "subgroup_difference")
    assert difference.label == motor.subgroups["limb"].text["subgroup_difference"]
    assert difference.label.startswith("Test for subgroup differences: Chi² = ")
    upper = motor.subgroups["limb"].subgroups.group("upper")
    sub = next(r for r in lay.rows if r.kind == "subtotal" and r.group == "upper")
    assert sub.cells["effect"] == f"{upper.estimate:.2f} [{upper.ci_lower:.2f}, {upper.ci_upper:.2f}]"
    bubble = sections[2].figures[0]
    assert bubble.key == "bubble_pulses_1000" and sections[2].tables[0].key == "meta_regression"


def test_outcome_report_files_and_pages(review, tmp_path):
    motor = _outcome(review, "Motor function (Fugl-Meyer)")
    options = ReportOptions(intervention="rTMS", comparison="control", dpi=50, outcome="motor function",
                            lower_is_better=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = write_outcome_report(motor, tmp_path / "motor", options)
    figures = tmp_path / "motor" / "figures"
    for stem in ("forest", "forest_limb", "forest_frequency", "bubble_pulses_1000", "funnel", "baujat"):
        for suffix in ("png", "svg"):
            assert (figures / f"{stem}.{suffix}").stat().st_size > 1000, stem
    assert {f.stem for f in figures.iterdir()} == {item.key for item in outcome_figures(motor, options)}
    page = path.read_text(encoding="utf-8")
    for key in ("subgroups_limb", "subgroups_frequency", "meta_regression"):
        assert f'<h2 id="{key}">' in page
    # each subgroup table sits with its own forest plot
    limb = page[page.index('id="subgroups_limb"'):page.index('id="subgroups_frequency"')]
    assert 'id="table-subgroups"' in limb and 'id="figure-forest_limb"' in limb
    assert 'id="figure-bubble_pulses_1000"' in page[page.index('id="meta_regression"'):]
    md = (tmp_path / "motor" / "report.md").read_text(encoding="utf-8")
    assert "## Subgroup analysis: limb" in md and "](figures/forest_limb.png)" in md
    assert "](figures/bubble_pulses_1000.png)" in md and md.index("## Meta-regression") < md.index("bubble_pulses")
    numbers = [line for line in md.splitlines() if line.startswith("### Figure ")]
    assert [int(line.split()[2].rstrip(".")) for line in numbers] == list(range(1, len(numbers) + 1))


def test_outcome_without_subgroups_writes_the_plain_report(review, tmp_path):
    adl = _outcome(review, "Activities of daily living")
    assert outcome_sections(adl.subgroups, adl.regression) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = write_outcome_report(adl, tmp_path / "adl", ReportOptions(dpi=50))
    assert not list((tmp_path / "adl" / "figures").glob("forest_*"))
    assert "Subgroup analysis" not in path.read_text(encoding="utf-8")
