"""RevMan interchange: a RevMan 5 review as an evisynth project (its stored results checked), and back."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evisynth.api.analysis import meta_analysis
from evisynth.errors import EvisynthError, InputError
from evisynth.files import check_output, write_output
from evisynth.io.revman.check import check_outcome
from evisynth.io.revman.datapackage import read_data_package, write_data_package
from evisynth.io.revman.from_project import read_project
from evisynth.io.revman.model import Review as RevmanReview
from evisynth.io.revman.project import data_file, write_project
from evisynth.io.revman.results import fill_results
from evisynth.io.revman.rm5_read import read_rm5
from evisynth.io.revman.rm5_write import write_rm5
from evisynth.io.revman.settings import analysis_settings, study_rows


@dataclass(frozen=True)
class ImportedReview:
    """What :func:`import_review` wrote and found: the files, and one check per outcome."""

    review: RevmanReview
    written: tuple[Path, ...]
    checks: tuple[dict[str, Any], ...]
    report: Path

    @property
    def reproduced(self) -> int:
        """How many outcomes reproduce RevMan's stored results."""
        return sum(bool(e["reproduced"]) for e in self.checks)


def check_review(review: Any, folder: Path) -> list[dict[str, Any]]:
    """Re-analyse each outcome's study table with ``evisynth.api.meta_analysis`` and compare."""
    import pandas as pd

    results = []
    for comparison, outcome in review.outcomes():
        settings = analysis_settings(outcome)
        path = folder / data_file(comparison.no, outcome.no)
        data: Any = path
        if outcome.attrs.get("SWAP_EVENTS") == "YES":
            data = pd.DataFrame(study_rows(review, outcome, swap=True))
        estimable = outcome.attrs.get("ESTIMABLE", "YES") == "YES"
        entry: dict[str, Any]
        if not path.exists():
            entry = {"comparison": comparison.no, "outcome": outcome.no, "name": outcome.name,
                     "reproduced": not estimable, "max_rel_diff": 0.0, "differences": [], "compared": 0}
            results.append(entry)
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    doc = meta_analysis(data, **settings).to_dict()
                except EvisynthError:
                    if "subgroup" not in settings:
                        raise
                    settings = {k: v for k, v in settings.items() if k != "subgroup"}
                    doc = meta_analysis(data, **settings).to_dict()
            entry = check_outcome(review, comparison.no, outcome, doc)
        except EvisynthError as exc:
            entry = {"comparison": comparison.no, "outcome": outcome.no, "name": outcome.name,
                     "reproduced": not estimable, "max_rel_diff": 0.0, "compared": 0,
                     "differences": [] if not estimable else [{"where": "analysis", "value": "error",
                                                               "message": str(exc)}]}
        results.append(entry)
    return results



def _fill_results(review: Any, folder: Path) -> None:
    """Each outcome's results, computed as :func:`check_review` does, stored in the review model (the data
    package carries results; an outcome that cannot be analysed keeps its data only)."""
    import pandas as pd

    for comparison, outcome in review.outcomes():
        path = folder / data_file(comparison.no, outcome.no)
        if not path.exists():
            continue
        settings = analysis_settings(outcome)
        data: Any = path
        if outcome.attrs.get("SWAP_EVENTS") == "YES":
            data = pd.DataFrame(study_rows(review, outcome, swap=True))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fill_results(outcome, meta_analysis(data, **settings).to_dict())
        except EvisynthError:
            continue


def import_review(file: str | Path, project: str | Path, *, force: bool = False) -> ImportedReview:
    """Create a project from a RevMan 5 ``.rm5`` file and check every outcome against RevMan's results.

    Writes ``review.toml``, one study table per outcome, RevMan's settings and RoB 1 into
    ``project``, re-analyses each outcome and writes ``revman-check.json`` (one object per outcome:
    ``comparison``, ``outcome``, ``name``, ``reproduced``, ``max_rel_diff``, ``differences``).
    """
    review = read_review_file(file)
    folder = Path(project)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--project {str(folder)!r} is a file, not a folder")
    report = folder / "revman-check.json"
    check_output(report, force=force, inputs=(str(file),))
    written = write_project(review, folder, force=force, inputs=(str(file),))
    results = check_review(review, folder)
    write_output(report, json.dumps(results, indent=2, allow_nan=False) + "\n", force=force, inputs=(str(file),),
                 by="import-review/check")
    return ImportedReview(review, tuple(written), tuple(results), report)


def read_review_file(file: str | Path) -> RevmanReview:
    """A RevMan review from a ``.rm5`` file or a RevMan Web data package (``.zip``), by suffix."""
    if Path(file).suffix.lower() == ".zip":
        return read_data_package(file)
    return read_rm5(file)


def export_review(project: str | Path, out: str | Path, *, force: bool = False,
                  fmt: str | None = None) -> tuple[Path, RevmanReview]:
    """Write a project (from :func:`import_review`) as a RevMan 5 ``.rm5`` file or, with ``fmt="zip"``
    or an ``out`` ending in ``.zip``, as a RevMan Web data package (zipped CSVs, version 1 layout)."""
    kind = fmt or ("zip" if Path(out).suffix.lower() == ".zip" else "rm5")
    if kind not in ("rm5", "zip"):
        raise InputError(f"export format must be rm5 or zip; got {kind!r}")
    review = read_project(project)
    root = Path(project)
    inputs = [root / "review.toml", root / "revman.toml", root / "rob.csv", root / "rob.toml",
              *sorted((root / "data").glob("*.csv"))]
    used = tuple(str(p) for p in inputs if p.exists())
    if kind == "zip":
        _fill_results(review, root)
        return write_data_package(review, out, force=force, inputs=used), review
    return write_rm5(review, out, force=force, inputs=used), review


__all__ = ["ImportedReview", "check_review", "export_review", "import_review", "read_review_file"]
