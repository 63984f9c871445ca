"""evisynth.api.rob: what a form (the web app) needs: the form, proposals, the store, plots."""

from __future__ import annotations

from pathlib import Path

import pytest

from evisynth.api import rob as api
from evisynth.errors import InputError


def test_form_lists_domains_and_questions_of_each_variant():
    cluster = api.rob_form("rob2", variant="cluster")
    assert [d["key"] for d in cluster["domains"]][:2] == ["D1a", "D1b"]
    crossover = api.rob_form("rob2", variant="crossover")
    assert "DS" in [d["key"] for d in crossover["domains"]]
    q = api.rob_form("rob2")["domains"][1]["questions"]
    assert q[2]["id"] == "2.3" and q[2]["asked_if"]  # skip logic exposed as text
    assert api.rob_form("robins-i")["judgements"][-1] == "no information"
    with pytest.raises(InputError, match="unknown risk-of-bias tool"):
        api.rob_form("rob3")


def test_propose_and_refuse_a_skipped_answer():
    p = api.propose({"study": "A", "answers": {"1.1": "N", "1.2": "N", "1.3": "Y"}})
    assert p["domains"][0]["proposed"] == "high"
    with pytest.raises(InputError, match=r"2\.3"):
        api.propose({"study": "A", "answers": {"2.1": "N", "2.2": "N", "2.3": "Y"}})


def test_store_round_trip(tmp_path: Path):
    from evisynth.store.project import Project

    with Project(tmp_path) as project:
        ids = api.save_judgements(project, [{"study": "A", "judgements": {"D1": "low", "D2": "high"}}], by="JH")
        api.save_judgements(project, [{"study": "A", "judgements": {"D1": "low", "D2": "low", "D3": "low",
                                                                     "D4": "low", "D5": "low"}}], by="AB")
        rows = api.list_judgements(project)
        assert len(ids) == 1 and rows[0]["revisions"] == 2 and rows[0]["overall"] == "low"
        history = api.judgement_history(project, study="A")
        assert [h["saved_by"] for h in history] == ["JH", "AB"]
        assert api.forest_rob_for(project)["A"]["Overall"] == "low"
        assert api.load_judgements(project)[0].overall == "low"
