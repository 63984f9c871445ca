"""Traffic-light and summary risk-of-bias plots: layout facts, no overlapping text, PNG and SVG files."""

import itertools

import pytest

from evisynth.errors import InputError
from evisynth.plots import rob_summary, rob_traffic_light
from evisynth.plots.export import save_figure
from evisynth.rob import assess_judgements, assess_rob2

LEVELS = ("low", "some concerns", "high")


def _rob2(n=8):
    return [assess_judgements("rob2", f"Trial with a longer name {i} ({2000 + i})", None,
                              {f"D{k}": LEVELS[(i + k) % 3] for k in range(1, 6)}) for i in range(n)]


def _robins():
    scale = ("low", "moderate", "serious", "critical", "no information")
    return [assess_judgements("robins-i", f"Cohort {i}", "Mortality", {f"D{k}": scale[(i + k) % 5] for k in range(1, 8)})
            for i in range(5)]


def _rob1():
    return [assess_judgements("rob1", f"Trial {i}", None, {f"D{k}": ("low", "unclear", "high")[(i * k) % 3]
                                                          for k in range(1, 8)}) for i in range(6)]


def _overlaps(boxes):
    bad = []
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        if a[0] < b[2] - 1e-6 and b[0] < a[2] - 1e-6 and a[1] < b[3] - 1e-6 and b[1] < a[3] - 1e-6:
            bad.append((ta, tb))
    return bad


@pytest.mark.parametrize("make", [_rob2, _robins, _rob1], ids=["rob2", "robins-i", "rob1"])
@pytest.mark.parametrize("palette", ["cochrane", "colourblind"])
def test_traffic_light_layout(make, palette):
    items = make()
    lay = rob_traffic_light.traffic_light_layout(items, palette=palette)
    assert lay.columns[-1] == "Overall" and len(lay.studies) == len(items)
    assert len(lay.cells) == len(items) * len(lay.columns)
    assert not _overlaps(lay.text_boxes())
    # every cell inside the grid, dots do not touch each other, each dot carries its symbol
    left, top, right, bottom = lay.grid
    pitch = (right - left) / len(lay.columns)
    assert lay.dot_diameter < pitch
    assert all(left < c.x < right and top < c.y < bottom and c.symbol for c in lay.cells)
    assert all(c.colour == {"cochrane": "#BF0000", "colourblind": "#d95f0e"}[palette] for c in lay.cells
               if c.level == "high")
    assert lay.width >= max(b[2] for _, b in lay.text_boxes())


def test_traffic_light_symbols_and_legend():
    lay = rob_traffic_light.traffic_light_layout(_robins())
    assert {c.level: c.symbol for c in lay.cells} == {"low": "+", "some": "−", "high": "×", "critical": "!", "ni": "?"}
    assert [i.label for i in lay.legend] == ["Low", "Moderate", "Serious", "Critical", "No information"]
    assert "D1: Bias due to confounding" in [t.text for t in lay.texts]


def test_summary_weighted_and_unweighted():
    a = [assess_judgements("rob2", s, None, {"D1": j, "D2": "low", "D3": "low", "D4": "low", "D5": "low"})
         for s, j in (("A", "low"), ("B", "high"), ("C", "some concerns"))]
    plain = rob_summary.summary_layout(a)
    assert [(s.level, round(s.percent, 6)) for s in plain.bars[0].segments] == [
        ("low", 33.333333), ("some", 33.333333), ("high", 33.333333)]
    weighted = rob_summary.summary_layout(a, weights={"A": 60.0, "B": 30.0, "C": 10.0})
    assert [(s.level, s.percent) for s in weighted.bars[0].segments] == [("low", 60.0), ("some", 10.0), ("high", 30.0)]
    assert weighted.bars[-1].key == "Overall" and weighted.weighted
    assert sum(s.percent for s in weighted.bars[-1].segments) == pytest.approx(100.0)
    partial = rob_summary.summary_layout(a, weights={"A": 60.0, "B": 30.0})
    assert partial.missing_weight == ("C",)
    with pytest.raises(InputError, match="positive weight"):
        rob_summary.summary_layout(a, weights={})


@pytest.mark.parametrize("make", [_rob2, _robins, _rob1], ids=["rob2", "robins-i", "rob1"])
def test_summary_layout_has_no_overlaps(make):
    lay = rob_summary.summary_layout(make(), weights=None, palette="colourblind")
    assert not _overlaps(lay.text_boxes())
    for bar in lay.bars:
        assert sum(s.percent for s in bar.segments) == pytest.approx(100.0)


def test_one_tool_per_plot():
    with pytest.raises(InputError, match="one risk-of-bias plot shows one tool"):
        rob_traffic_light.traffic_light_layout([*_rob2(2), *_rob1()])


def test_rendered_text_does_not_overlap_and_files_are_written(tmp_path):
    """Render both figures and check the drawn text extents too (not only the layout's estimate)."""
    items = [assess_rob2("Smith 2019", None, {"1.1": "Y", "1.2": "Y", "1.3": "N"}), *_rob2(5)]
    figs = {"traffic_light": rob_traffic_light.draw(rob_traffic_light.traffic_light_layout(items)),
            "summary": rob_summary.draw(rob_summary.summary_layout(items, weights={a.study: 10.0 for a in items}))}
    for name, fig in figs.items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for ax in fig.axes for t in ax.texts
                 if t.get_text() and len(t.get_text()) > 1]
        bad = [(a, b) for (a, ea), (b, eb) in itertools.combinations(boxes, 2) if ea.overlaps(eb)]
        assert not bad, (name, bad)
        for fmt in ("png", "svg"):
            path = save_figure(fig, tmp_path / f"{name}.{fmt}")
            assert path.stat().st_size > 1000
    assert (tmp_path / "summary.svg").read_text().lstrip().startswith("<?xml")
