"""Forest plots of analyses with ``--cluster``: comparisons grouped under their study, indented."""

from __future__ import annotations

import pandas as pd
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.plots._forest_clusters import INDENT
from evisynth.plots.forest import forest_layout

DATA = pd.DataFrame({
    "study": ["A: low dose", "B", "A: high dose", "C: 1", "C: 2", "D"],
    "family": ["A", "B", "A", "C", "C", "D"],
    "yi": [0.1, 0.3, 0.2, 0.5, 0.4, 0.0], "vi": [0.01, 0.02, 0.015, 0.01, 0.02, 0.03],
    "side": ["l", "r", "l", "r", "l", "r"],
})


def _kinds_labels(spec: AnalysisSpec) -> list[tuple[str, str]]:
    lay = forest_layout(run_analysis(DATA, spec))
    return [(r.kind, r.label) for r in lay.rows if r.kind in ("study", "cluster_header", "subgroup_header")]


@pytest.mark.parametrize("spec", [AnalysisSpec(model="multilevel", cluster="family"),
                                  AnalysisSpec(cluster="family", robust=True), AnalysisSpec(cluster="FAMILY")])
def test_comparisons_are_grouped_under_their_study(spec):
    assert _kinds_labels(spec) == [
        ("cluster_header", "A"), ("study", INDENT + "A: low dose"), ("study", INDENT + "A: high dose"),
        ("study", "B"), ("cluster_header", "C"), ("study", INDENT + "C: 1"), ("study", INDENT + "C: 2"),
        ("study", "D"),
    ]


def test_sorting_keeps_comparisons_together():
    rows = _kinds_labels(AnalysisSpec(cluster="family"))
    assert rows[0] == ("cluster_header", "A")
    lay = forest_layout(run_analysis(DATA, AnalysisSpec(model="multilevel", cluster="family")), sort_by="effect")
    labels = [(r.kind, r.label.strip()) for r in lay.rows if r.kind in ("study", "cluster_header")]
    # D (0.0) first; A's comparisons (0.1, 0.2) together under A; then B (0.3); C (0.4, 0.5) together
    assert labels == [("study", "D"), ("cluster_header", "A"), ("study", "A: low dose"), ("study", "A: high dose"),
                      ("study", "B"), ("cluster_header", "C"), ("study", "C: 2"), ("study", "C: 1")]


def test_without_cluster_or_with_subgroups_rows_are_flat():
    assert all(k == "study" for k, _ in _kinds_labels(AnalysisSpec()))
    kinds = [k for k, _ in _kinds_labels(AnalysisSpec(cluster="family", subgroup="side"))]
    assert "cluster_header" not in kinds and kinds.count("subgroup_header") == 2


def test_method_header_names_the_three_level_model():
    lay = forest_layout(run_analysis(DATA, AnalysisSpec(model="multilevel", cluster="family")))
    assert lay.method_header == "IV, Random (three-level), 95% CI"


def test_draws(tmp_path):
    from evisynth.plots.forest import draw

    fig = draw(forest_layout(run_analysis(DATA, AnalysisSpec(model="multilevel", cluster="family", robust=True)),
                             prediction=True))
    fig.savefig(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000
