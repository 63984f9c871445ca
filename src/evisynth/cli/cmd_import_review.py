"""``evisynth import-review FILE.rm5 --project DIR``: a RevMan 5 review as an evisynth project,
every outcome re-analysed and compared with the results RevMan stored (``DIR/revman-check.json``)."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

NOTE_MH_RANDOM = ("RevMan 5 random-effects analyses of Mantel-Haenszel outcomes compute Chi² (and the DerSimonian-"
                  "Laird tau² from it) with inverse-variance weights centred on the Mantel-Haenszel common-effect "
                  "estimate; evisynth's DL random-effects model centres Q on the inverse-variance estimate, so Chi², "
                  "tau², the weights and the pooled result differ slightly.")


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``import-review`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "import-review", help="import a RevMan 5 review (.rm5) as a project and check its results",
        description="Create a project folder from a RevMan 5 .rm5 file (review.toml, one study table per outcome, "
                    "RevMan's settings, RoB 1), re-analyse every outcome and compare with RevMan's stored results.")
    parser.add_argument("file", metavar="FILE.rm5", help="RevMan 5 review file")
    parser.add_argument("--project", metavar="DIR", required=True, help="project folder to create or fill")
    parser.add_argument("--force", action="store_true", help="replace files this command wrote before")
    parser.set_defaults(func=run)
    return parser


def check_review(review: Any, folder: Path) -> list[dict[str, Any]]:
    """Re-analyse each outcome's study table with ``evisynth.api.meta_analysis`` and compare."""
    import pandas as pd

    from evisynth import api
    from evisynth.errors import EvisynthError
    from evisynth.io.revman.check import check_outcome
    from evisynth.io.revman.project import data_file
    from evisynth.io.revman.settings import analysis_settings, study_rows

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
                    doc = api.meta_analysis(data, **settings).to_dict()
                except EvisynthError:
                    if "subgroup" not in settings:
                        raise
                    settings = {k: v for k, v in settings.items() if k != "subgroup"}
                    doc = api.meta_analysis(data, **settings).to_dict()
            entry = check_outcome(review, comparison.no, outcome, doc)
        except EvisynthError as exc:
            entry = {"comparison": comparison.no, "outcome": outcome.no, "name": outcome.name,
                     "reproduced": not estimable, "max_rel_diff": 0.0, "compared": 0,
                     "differences": [] if not estimable else [{"where": "analysis", "value": "error",
                                                               "message": str(exc)}]}
        if outcome.attrs.get("METHOD") == "MH" and outcome.attrs.get("RANDOM") == "YES" and not entry["reproduced"]:
            entry["note"] = NOTE_MH_RANDOM
        results.append(entry)
    return results


def _line(e: dict[str, Any]) -> str:
    head = f"{e['comparison']}.{e['outcome']} {e['name']}: "
    if e["reproduced"]:
        return head + f"reproduced ({e.get('compared', 0)} values, max relative difference {e['max_rel_diff']:.1e})"
    diffs = e["differences"]
    first = diffs[0] if diffs else {}
    example = (f"; e.g. {first.get('where')} {first.get('value')}: RevMan {first.get('revman')}, "
               f"evisynth {first.get('evisynth')}")
    return head + f"NOT reproduced: {len(diffs)} value(s) differ (max relative difference {e['max_rel_diff']:.1e}{example})"


def run(args: argparse.Namespace) -> int:
    """Execute ``import-review``."""
    from evisynth.io.revman.project import write_project
    from evisynth.io.revman.rm5_read import read_rm5
    from evisynth.rob._atomic import check_target, write_text_atomic

    review = read_rm5(args.file)
    folder = Path(args.project)
    if folder.exists() and not folder.is_dir():
        from evisynth.errors import InputError

        raise InputError(f"--project {str(folder)!r} is a file, not a folder")
    report = folder / "revman-check.json"
    check_target(report, force=args.force, inputs=(args.file,))
    written = write_project(review, folder, force=args.force, inputs=(args.file,))
    results = check_review(review, folder)
    for e in results:
        print(_line(e))
    write_text_atomic(report, json.dumps(results, indent=2, allow_nan=False) + "\n")
    n_ok = sum(e["reproduced"] for e in results)
    print(f"wrote {len(written)} files and {report}; {n_ok} of {len(results)} outcomes reproduced", file=sys.stderr)
    return 0
