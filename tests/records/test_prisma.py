"""PRISMA 2020 counts, arithmetic checks, layout and files."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest

from evisynth.errors import InputError
from evisynth.plots.prisma import draw_prisma, prisma_layout, save_prisma
from evisynth.records.prisma import PrismaCounts

GOOD = PrismaCounts(
    database_specific_results={"Embase": 228, "PubMed": 212},
    database_results=440,
    register_results=0,
    duplicates=161,
    excluded_automatic=0,
    excluded_other=0,
    records_screened=279,
    records_excluded=240,
    dbr_sought_reports=39,
    dbr_notretrieved_reports=2,
    dbr_assessed=37,
    dbr_excluded={"Not randomised": 6, "Wrong population": 15},
    new_studies=13,
    new_reports=16,
)


def test_good_counts_pass() -> None:
    assert GOOD.problems() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"records_screened": 278}, "1 records have no final title/abstract decision"),
        ({"dbr_sought_reports": 40}, r"reports sought \(40\) should equal records screened \(279\) minus"),
        ({"dbr_assessed": 36}, "1 reports have no final full-text include/exclude decision"),
        (
            {"new_reports": 15},
            r"reports included \(15\) should equal reports assessed \(37\) minus reports "
            r"excluded \(21\)",
        ),
        ({"new_studies": 17}, r"more studies \(17\) than included reports \(16\)"),
        ({"database_results": 441}, "per-database counts do not add up"),
        ({"reports_without_study": 2}, "2 included reports are not grouped into a study"),
    ],
)
def test_unbalanced_counts_are_refused(change: dict[str, int], message: str) -> None:
    bad = replace(GOOD, **change)
    with pytest.raises(InputError, match=message):
        prisma_layout(bad)


def test_layout_structure() -> None:
    layout = prisma_layout(GOOD, title="T")
    keys = [b.key for b in layout.boxes]
    assert keys == [
        "identified",
        "removed",
        "screened",
        "excluded",
        "sought",
        "not_retrieved",
        "assessed",
        "fulltext_excluded",
        "included",
    ]
    text = {b.key: "\n".join(b.lines) for b in layout.boxes}
    assert "Embase (n\u00a0=\u00a0228)" in text["identified"]
    assert "Duplicate records removed (n\u00a0=\u00a0161)" in text["removed"]
    assert "Wrong population (n\u00a0=\u00a015)" in text["fulltext_excluded"]
    assert text["included"] == (
        "Studies included in review (n\u00a0=\u00a013)\nReports of included studies (n\u00a0=\u00a016)"
    )
    assert len(layout.arrows) == 8  # four to the right, four down
    for box in layout.boxes:  # inside the figure, no overlaps in the same column
        assert (
            0 <= box.x
            and box.x + box.width <= layout.width
            and 0 <= box.y <= box.y + box.height <= layout.height
        )
    left = sorted((b for b in layout.boxes if b.x < 4), key=lambda b: -b.y)
    assert all(upper.y > lower.y + lower.height for upper, lower in itertools.pairwise(left))
    assert [p[0] for p in layout.phases] == ["Identification", "Screening", "Included"]


def test_files_written(tmp_path: Path) -> None:
    paths = save_prisma(GOOD, tmp_path / "out")
    assert [p.name for p in paths] == ["prisma.svg", "prisma.png", "prisma.pdf", "prisma.json"]
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[2].read_bytes()[:5] == b"%PDF-"
    assert "Records screened" in paths[0].read_text(encoding="utf-8")
    data = json.loads(paths[3].read_text(encoding="utf-8"))
    assert data["records_screened"] == 279 and data["dbr_excluded"] == {
        "Not randomised": 6,
        "Wrong population": 15,
    }
    fig = draw_prisma(prisma_layout(GOOD))
    assert type(fig).__name__ == "Figure" and fig.get_size_inches()[0] == pytest.approx(9.0)


def test_files_are_reproducible(tmp_path: Path) -> None:
    first = save_prisma(GOOD, tmp_path / "a")
    second = save_prisma(GOOD, tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        if p.suffix in (".pdf", ".json"):  # SVG element ids and PNG compression may vary
            assert p.read_bytes() == q.read_bytes(), p.name
