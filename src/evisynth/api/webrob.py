"""Risk of bias (RoB 2) entered in the web app: one row per study of the review's outcome grids.

The app keeps its judgements in ``<project>/assessments/risk_of_bias.csv`` (``study, D1..D5, overall``,
the simple RoB 2 table that :func:`evisynth.grade.rob.read_rob` reads), never in the review's own
risk-of-bias file; once it exists, the review is run with it (:func:`evisynth.api.webreview.review_result`),
so the risk-of-bias domain of GRADE, the low-risk sensitivity analysis and the forest plot's RoB columns
follow what the reviewers entered. A save that changes the table keeps the version it replaces under
``history/assessments/`` and is listed on History with who saved it.

The overall judgement left empty is the RoB 2 rule (Sterne JAC et al. RoB 2: a revised tool for
assessing risk of bias in randomised trials. BMJ 2019;366:l4898): low if every domain is low, high if
any domain is high, otherwise some concerns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evisynth.api.extraction import outcome_grids
from evisynth.api.reviewfile import keep_version, log_change
from evisynth.errors import EvisynthError, InputError
from evisynth.files import write_bytes
from evisynth.grade.rob import DOMAIN_COLUMNS, DOMAIN_NAMES, JUDGEMENTS, normalise_judgement, overall_from_domains

__all__ = ["DOMAIN_COLUMNS", "DOMAIN_NAMES", "JUDGEMENTS", "ROB_FILE", "RobRow", "app_rob_file", "rob_rows",
           "save_rob"]

ROB_FILE = Path("assessments") / "risk_of_bias.csv"


@dataclass(frozen=True)
class RobRow:
    """One study's judgements as the page shows them (``""`` when not judged); ``overall`` as entered,
    ``computed`` the RoB 2 rule's overall from the domains."""

    study: str
    domains: dict[str, str]
    overall: str
    computed: str


def app_rob_file(project_dir: str | Path) -> Path | None:
    """The app's risk-of-bias table, when the reviewers have saved one."""
    path = Path(project_dir) / ROB_FILE
    return path if path.is_file() else None


def _review_rob(project_dir: str | Path) -> dict[str, tuple[dict[str, str], str]]:
    """Judgements of the review's own risk-of-bias file (study → domains, overall), or ``{}``."""
    from evisynth.review.file import find_review, load_review
    from evisynth.review.rob_sensitivity import read_review_rob

    found = app_rob_file(project_dir)
    if found is None:
        review = find_review(project_dir)
        found = load_review(review).risk_of_bias if review is not None else None
    if found is None:
        return {}
    out: dict[str, tuple[dict[str, str], str]] = {}
    for a in read_review_rob(found):
        j = a.judgements()
        out.setdefault(a.study, ({d: str(j.get(d) or "") for d in DOMAIN_COLUMNS}, str(j.get("Overall") or "")))
    return out


def rob_rows(project_dir: str | Path) -> list[RobRow]:
    """Every study of the review's outcome grids (in order of first appearance), with the judgements of
    the app's table, else of the review's own risk-of-bias file; then studies judged but no longer in a grid."""
    try:
        known = _review_rob(project_dir)
    except EvisynthError:
        known = {}
    studies: list[str] = []
    for grid, _path in outcome_grids(project_dir).values():
        col = next((j for j, h in enumerate(grid.header) if h.strip().lower() == "study"), None)
        if col is None:
            continue
        for row in grid.rows:
            label = row[col].strip() if col < len(row) else ""
            if label and label not in studies:
                studies.append(label)
    studies += [s for s in known if s not in studies]
    rows = []
    for study in studies:
        domains, overall = known.get(study, ({d: "" for d in DOMAIN_COLUMNS}, ""))
        computed = overall_from_domains({d: v or None for d, v in domains.items()}) or ""
        rows.append(RobRow(study, domains, overall, computed))
    return rows


def _checked(rows: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    out = []
    for r, row in enumerate(rows, start=1):
        study = str(row.get("study", "")).strip()
        if not study:
            continue
        clean = {"study": study}
        for col in (*DOMAIN_COLUMNS, "overall"):
            value = str(row.get(col, "")).strip()
            try:
                clean[col] = normalise_judgement(value) or ""
            except KeyError:
                raise InputError(f"risk of bias, row {r} ({study}), {col}: {value!r} is not one of "
                                 f"{', '.join(JUDGEMENTS)} (or empty)") from None
        if not any(clean[c] for c in (*DOMAIN_COLUMNS, "overall")):
            continue  # nothing judged yet for this study
        clean["overall"] = clean["overall"] or overall_from_domains(
            {d: clean[d] or None for d in DOMAIN_COLUMNS}) or ""
        out.append(clean)
    return out


def save_rob(project_dir: str | Path, rows: Sequence[Mapping[str, str]], *, who: str = "") -> Path | None:
    """Write the studies' judgements to ``assessments/risk_of_bias.csv`` atomically.

    Rows without any judgement are left out; an empty overall is the RoB 2 rule's. Returns the file, or
    ``None`` when nothing is judged and there is no table yet. A value that is not a RoB 2 judgement is
    an :class:`InputError` naming the row and column, and nothing is written.
    """
    clean = _checked(rows)
    folder = Path(project_dir)
    path = folder / ROB_FILE
    if not clean and not path.exists():
        return None
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["study", *DOMAIN_COLUMNS, "overall"])
    for row in clean:
        writer.writerow([row["study"], *(row[c] for c in DOMAIN_COLUMNS), row["overall"]])
    data = buf.getvalue().encode("utf-8")
    old = path.read_bytes() if path.exists() else None
    if old == data:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if old is not None:
        keep_version(folder, path, old, ROB_FILE.parent)
    write_bytes(path, data)
    counts = {j: sum(r["overall"] == j for r in clean) for j in JUDGEMENTS}
    log_change(folder, who, "risk of bias saved",
               f"{len(clean)} stud{'y' if len(clean) == 1 else 'ies'} judged (overall: "
               + ", ".join(f"{n} {j}" for j, n in counts.items()) + f") in {ROB_FILE.as_posix()}")
    return path

