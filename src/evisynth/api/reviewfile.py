"""The review question (PICO) and outcomes for the web app's Project page: read, create and edit the
review file (``review.toml``) without losing what the reviewer wrote in it.

Edits go through :mod:`tomlkit`, so comments, key order and every table the page does not touch are
kept; the new text is validated by the same parser as ``evisynth summarize``
(:func:`evisynth.review.file.parse_review`, with its one-line messages) before it replaces the file,
atomically. The version replaced is kept under ``history/review/`` and each change is appended to
``history/review_changes.jsonl`` (who, when, which field, old and new value), which the History page
shows. A new outcome's study table is the app's extraction grid (``extraction/<outcome>.csv``),
created with its starter columns when missing.

>>> text = review_toml({"title": "rTMS after stroke", "population": "adults after stroke",
...                     "intervention": "rTMS", "comparison": "sham"},
...                    [{"name": "Spasticity", "measure": "SMD", "lower_is_better": "true"}], {"Spasticity": "s.csv"})
>>> print(text.splitlines()[3])
title = "rTMS after stroke"
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evisynth.api.extraction import STARTER_COLUMNS, Grid, grid_path, save_grid
from evisynth.errors import EvisynthError, InputError
from evisynth.files import append_line, write_bytes, write_text
from evisynth.files.manifest import locked
from evisynth.grade.judgements import IMPORTANCE
from evisynth.options import MEASURES
from evisynth.review.file import find_review, parse_review

__all__ = ["ANALYSIS_KEYS", "IMPORTANCE", "MEASURES", "QUESTION_FIELDS", "OutcomeLine", "QuestionView", "ReviewChange",
           "add_outcome", "create_review", "edit_question", "keep_version", "log_change", "question", "read_changes",
           "review_changes", "review_file", "review_toml", "set_analysis", "set_reviewers_per_record"]

#: The [review] keys the page shows and edits, with their labels; the first four are required.
QUESTION_FIELDS: dict[str, str] = {
    "title": "Title", "population": "Population", "intervention": "Intervention", "comparison": "Comparison",
    "setting": "Setting",
}
REQUIRED = ("title", "population", "intervention", "comparison")
HISTORY_DIR = Path("history")
CHANGES_FILE = HISTORY_DIR / "review_changes.jsonl"
#: The data type of a measure's study table (which starter grid a new outcome gets).
KIND = {"MD": "continuous", "SMD": "continuous", "OR": "dichotomous", "RR": "dichotomous", "RD": "dichotomous",
        "PETO": "dichotomous", "GEN": "generic"}


@dataclass(frozen=True)
class OutcomeLine:
    """One outcome as the review file states it."""

    name: str
    measure: str
    importance: str
    lower_is_better: bool
    data: str


@dataclass(frozen=True)
class QuestionView:
    """The review question for the Project page: ``path`` is ``None`` without a review file, ``error``
    the parser's one line when the file does not validate (the fields are then empty)."""

    path: Path | None
    fields: dict[str, str]
    study_design: str
    outcomes: tuple[OutcomeLine, ...]
    error: str | None = None


@dataclass(frozen=True)
class ReviewChange:
    """One change made to the review file through the app."""

    when: datetime
    who: str
    what: str
    detail: str


def question(project_dir: str | Path) -> QuestionView:
    """The project's review question and outcomes, as the review file states them."""
    path = find_review(project_dir)
    if path is None:
        return QuestionView(None, {}, "randomised", ())
    try:
        review = parse_review(path.read_text(encoding="utf-8"), path)
    except EvisynthError as exc:
        return QuestionView(path, {}, "randomised", (), str(exc))
    fields = {k: str(getattr(review, k) or "") for k in QUESTION_FIELDS}
    outcomes = tuple(OutcomeLine(o.name, o.analysis.measure or "", o.importance, o.lower_is_better,
                                 _relative(o.data, path.parent)) for o in review.outcomes)
    return QuestionView(path, fields, review.study_design, outcomes)


def _relative(data: Path, base: Path) -> str:
    try:
        return data.relative_to(base.resolve()).as_posix()
    except ValueError:
        return data.name


def _clean(fields: Mapping[str, Any]) -> dict[str, str]:
    out = {k: " ".join(str(fields.get(k, "") or "").split()) for k in QUESTION_FIELDS}
    missing = [QUESTION_FIELDS[k].lower() for k in REQUIRED if not out[k]]
    if missing:
        raise InputError(f"the review question needs {', '.join(missing)}")
    return out


def _outcome_table(raw: Mapping[str, Any], data: str) -> dict[str, Any]:
    name = " ".join(str(raw.get("name", "") or "").split())
    if not name:
        raise InputError("an outcome needs a name")
    measure = str(raw.get("measure", "") or "").strip().upper()
    if measure not in MEASURES:
        raise InputError(f"outcome {name!r}: measure must be one of {', '.join(MEASURES)}; got {measure!r}")
    importance = str(raw.get("importance", "") or "critical").strip().lower()
    if importance not in IMPORTANCE:
        raise InputError(f"outcome {name!r}: importance must be one of {', '.join(IMPORTANCE)}; got {importance!r}")
    lower = str(raw.get("lower_is_better", "true")).strip().lower() in ("true", "1", "yes", "on")
    return {"name": name, "data": data, "measure": measure, "lower_is_better": lower, "importance": importance}


def review_toml(fields: Mapping[str, Any], outcomes: Sequence[Mapping[str, Any]], data: Mapping[str, str]) -> str:
    """The text of a new review file: the question and one ``[[outcomes]]`` table per outcome, whose
    study table is ``data[name]`` (relative to the review file)."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("evisynth review file, created in the web app; every key is documented in docs/grade.md"))
    review = tomlkit.table()
    for key, value in _clean(fields).items():
        if value:
            review.add(key, value)
    review.add("study_design", "randomised")
    doc.add("review", review)
    tables = tomlkit.aot()
    for raw in outcomes:
        name = " ".join(str(raw.get("name", "") or "").split())
        tables.append(tomlkit.item(_outcome_table(raw, data.get(name, ""))))
    doc.add("outcomes", tables)
    return tomlkit.dumps(doc)


def _starter_grid(folder: Path, name: str, measure: str) -> str:
    path = grid_path(folder, name)
    if not path.exists():
        save_grid(folder, name, Grid(STARTER_COLUMNS[KIND[measure]], ()))
    return path.relative_to(folder).as_posix()


def log_change(folder: Path, who: str, what: str, detail: str, log_file: Path = CHANGES_FILE) -> None:
    """Append one change (when, who, what, detail) to ``log_file`` in ``folder`` (a JSON line, durably)."""
    log = folder / log_file
    log.parent.mkdir(parents=True, exist_ok=True)
    append_line(log, json.dumps({"when": datetime.now(UTC).isoformat(), "who": who, "what": what, "detail": detail},
                                ensure_ascii=False))


def keep_version(folder: Path, path: Path, old: bytes | str, under: str | Path) -> Path:
    """Keep ``old`` (the content of ``path`` a save replaces) as ``history/<under>/<stem>-<UTC time><suffix>``
    in the project ``folder``; return the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept = folder / HISTORY_DIR / under / f"{path.stem}-{stamp}{path.suffix}"
    kept.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes(kept, old.encode("utf-8") if isinstance(old, str) else old)


def _replace(path: Path, text: str, folder: Path) -> Path:
    """Validate ``text`` as a review file at ``path``, keep the old version, write atomically."""
    parse_review(text, path)
    if path.exists():
        keep_version(folder, path, path.read_bytes(), "review")
    return write_text(path, text)


def create_review(project_dir: str | Path, fields: Mapping[str, Any], outcome: Mapping[str, Any], *,
                  who: str = "") -> Path:
    """Write ``review.toml`` for a project without one: the question and a first outcome.

    Raises
    ------
    InputError
        When the project already has a review file, or a field is missing or invalid.
    """
    folder = Path(project_dir)
    with _editing(folder):
        existing = find_review(folder)
        if existing is not None:
            raise InputError(f"this project already has a review file ({existing.name}); edit the question instead")
        title = _clean(fields)["title"]
        table = _outcome_table(outcome, "")
        data = {table["name"]: _starter_grid(folder, table["name"], table["measure"])}
        path = _replace(folder / "review.toml", review_toml(fields, [outcome], data), folder)
        log_change(folder, who, "review created", f"{title}; outcome {table['name']}")
    return path


@contextmanager
def _editing(folder: Path) -> Iterator[None]:
    """One change of the review file at a time: two reviewers saving at once never lose an edit
    (an exclusive lock on the project folder)."""
    with locked(folder):
        yield


def _document(folder: Path) -> tuple[Path, Any]:
    import tomlkit

    path = find_review(folder)
    if path is None:
        raise InputError("this project has no review file yet; create the review first")
    return path, tomlkit.parse(path.read_text(encoding="utf-8"))


def edit_question(project_dir: str | Path, fields: Mapping[str, Any], *, who: str = "") -> list[str]:
    """Change the question's fields in the review file, keeping everything else; return what changed."""
    import tomlkit

    folder = Path(project_dir)
    with _editing(folder):
        path, doc = _document(folder)
        new = _clean(fields)
        review = doc["review"]
        changes = []
        for key, value in new.items():
            old = str(review.get(key, "") or "")
            if value == old:
                continue
            if value:
                review[key] = value
            else:
                del review[key]
            changes.append(f"{key}: {old!r} -> {value!r}")
        if changes:
            _replace(path, tomlkit.dumps(doc), folder)
            for change in changes:
                log_change(folder, who, "question edited", change)
    return changes


def add_outcome(project_dir: str | Path, outcome: Mapping[str, Any], *, who: str = "") -> Path:
    """Append an ``[[outcomes]]`` table (with a starter extraction grid) to the review file."""
    import tomlkit

    folder = Path(project_dir)
    with _editing(folder):
        path, doc = _document(folder)
        table = _outcome_table(outcome, "")
        names = [str(o.get("name", "")) for o in doc.get("outcomes", [])]
        if table["name"] in names:
            raise InputError(f"the review already has an outcome named {table['name']!r}")
        grid = _starter_grid(folder, table["name"], table["measure"])
        table["data"] = Path("../" * (len(path.parent.relative_to(folder).parts)) + grid).as_posix()
        doc.setdefault("outcomes", tomlkit.aot()).append(tomlkit.item(table))
        _replace(path, tomlkit.dumps(doc), folder)
        log_change(folder, who, "outcome added", f"{table['name']} ({table['measure']}, {table['importance']})")
    return path


def set_reviewers_per_record(project_dir: str | Path, n: int, *, who: str = "") -> bool:
    """Write ``[screening] reviewers_per_record`` (1 to 10) into the review file, as :func:`edit_question`
    edits it; return whether it changed. A record's decision is final once that many reviewers agree."""
    import tomlkit

    if isinstance(n, bool) or not 1 <= int(n) <= 10:
        raise InputError(f"reviewers per record must be a whole number from 1 to 10; got {n!r}")
    folder = Path(project_dir)
    with _editing(folder):
        path, doc = _document(folder)
        table = doc.setdefault("screening", tomlkit.table())
        old = table.get("reviewers_per_record", 2)
        if old == int(n):
            return False
        table["reviewers_per_record"] = int(n)
        _replace(path, tomlkit.dumps(doc), folder)
        log_change(folder, who, "screening setting", f"reviewers per record: {old} -> {int(n)}")
    return True


def review_file(project_dir: str | Path) -> Path | None:
    """The project's review file (``review.toml`` or ``data/review.toml``), or ``None``."""
    return find_review(project_dir)


def review_changes(project_dir: str | Path) -> list[ReviewChange]:
    """Changes made to the review file through the app, oldest first (unreadable lines are skipped)."""
    return read_changes(Path(project_dir) / CHANGES_FILE)


def read_changes(log: Path) -> list[ReviewChange]:
    """The changes logged in ``log`` (one JSON object a line), oldest first; unreadable lines are skipped."""
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(line)
            out.append(ReviewChange(datetime.fromisoformat(d["when"]), str(d["who"]), str(d["what"]),
                                    str(d["detail"])))
        except (ValueError, KeyError, TypeError):
            continue
    return out


#: The analysis settings of an outcome the analysis page writes into its ``[[outcomes]]`` table.
ANALYSIS_KEYS = ("measure", "model", "method", "test", "level")


def set_analysis(project_dir: str | Path, outcome: str, settings: Mapping[str, str], *, who: str = "") -> list[str]:
    """Write the analysis page's measure, model, method, test and level into ``outcome``'s table of the
    review file (what the certainty page, the summary-of-findings table and the summary use); return
    what changed (``"method DL → REML"``).

    The file is edited as :func:`edit_question` does: comments and other keys kept, the new text
    validated by the review parser, the old version kept under ``history/review/``, each change logged.
    An empty measure removes the key (the data decide it).

    Raises
    ------
    InputError
        Without a review file, for an outcome it does not name, for settings it cannot hold (the
        multilevel model and robust SE need a cluster column the review file has no key for) or that
        its parser refuses.
    """
    import tomlkit

    from evisynth import options as opt

    if settings.get("model") == "multilevel" or settings.get("robust"):
        raise InputError("the review file cannot hold the multilevel model or robust SE yet (no cluster key); "
                         "choose fixed or random to save the settings")
    folder = Path(project_dir)
    with _editing(folder):
        path, doc = _document(folder)
        table = next((t for t in doc.get("outcomes", []) if str(t.get("name", "")) == outcome), None)
        if table is None:
            raise InputError(f"the review file has no outcome named {outcome!r}; add it on the project page first")
        changes = []
        for key in ANALYSIS_KEYS:
            text = str(settings.get(key, "") or "").strip()
            old = table.get(key)
            if key == "level":
                try:
                    new: Any = float(text) if text else None
                except ValueError:
                    raise InputError(f"level {text!r} is not a number (e.g. 0.95)") from None
                same = (float(old) if old is not None else opt.DEFAULT_LEVEL) == (new or opt.DEFAULT_LEVEL)
            else:
                new = text or None
                default = opt.DEFAULT_TEST if key == "test" else None
                same = (str(old).upper() if old is not None else default) == (new.upper() if new else default)
            if same:
                continue
            if new is None:
                del table[key]
            else:
                table[key] = new
            changes.append(f"{key} {old if old is not None else '(default)'} → {new if new is not None else '(default)'}")
        if changes:
            _replace(path, tomlkit.dumps(doc), folder)
            for change in changes:
                log_change(folder, who, "analysis settings", f"{outcome}: {change}")
    return changes
