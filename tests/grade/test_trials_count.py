"""Comparisons of multi-arm trials (a shared control group split across them) count once as a study in
"No. of participants (studies)", the summary, the evidence profile and review_result.json; the summary's
own check accepts the trial count."""

from __future__ import annotations

import pandas as pd
import pytest

from evisynth.api import run_review
from evisynth.examples.data import RTMS_DIR
from evisynth.report.profile import render_profile_markdown
from evisynth.report.sof import participants_cell
from evisynth.report.summary import build_summary
from evisynth.report.summary_render import plain_text, render_summary_markdown, run_checker
from evisynth.review.file import load_review


@pytest.fixture(scope="module")
def rtms():
    return run_review(load_review(RTMS_DIR / "review.toml"))


def test_trials_are_the_distinct_trial_ids(rtms):
    table = pd.read_csv(RTMS_DIR / "spasticity_mas_synthetic.csv")
    spasticity = rtms.outcomes[0]
    assert spasticity.k == len(table) == 11
    assert spasticity.trials == table["trial"].nunique() == 6
    assert spasticity.to_dict()["trials"] == 6
    adl = rtms.outcomes[3]
    assert adl.trials == adl.k == 7  # one comparison per trial: counted as before


def test_sof_summary_and_profile_count_trials(rtms):
    spasticity, adl = rtms.outcomes[0], rtms.outcomes[3]
    assert participants_cell(spasticity) == f"{spasticity.participants} (6 RCTs; 11 comparisons)"
    assert participants_cell(adl) == f"{adl.participants} (7 RCTs)"
    summary = render_summary_markdown(build_summary(rtms))
    assert f"6 studies (11 comparisons) with {spasticity.participants} participants" in summary
    assert f"7 studies with {adl.participants} participants" in summary
    assert "6 studies (11 comparisons), 432 participants" in render_profile_markdown(rtms)
    checked = run_checker(plain_text(summary), rtms)
    assert checked["ok"] and not checked["findings"]


def test_a_changed_trial_count_is_still_caught(rtms):
    summary = plain_text(render_summary_markdown(build_summary(rtms)))
    wrong = summary.replace("6 studies (11 comparisons)", "9 studies (11 comparisons)", 1)
    assert wrong != summary
    kinds = [f["kind"] for f in run_checker(wrong, rtms)["findings"]]
    assert "count_mismatch" in kinds


def test_an_outcome_analysed_twice_is_named_once_among_the_critical(rtms):
    summary = render_summary_markdown(build_summary(rtms))
    line = next(x for x in summary.splitlines() if "judged" in x and "critical" in x)
    assert line.count("spasticity") == 1, line
