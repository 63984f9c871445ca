"""The review's plain-language summary as the web app edits it: ``<project>/summary/summary.md`` (the
file ``evisynth demo`` and ``evisynth review`` write), replaced atomically.

Saving keeps the version replaced under ``history/summary/`` and appends the change (who, when, how
long the text is, where the old version went) to ``history/summary_changes.jsonl``, which the History
page shows next to the review-file changes. Saves are serialised by an exclusive lock on the
``summary`` folder, so two reviewers saving at once each keep the other's version in the history.
The text is checked by the caller (:func:`evisynth.api.webreview.summary_view`); a summary with
findings may be saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evisynth.api.reviewfile import HISTORY_DIR, ReviewChange, keep_version, log_change, read_changes
from evisynth.api.webreview import SUMMARY_FILE, project_summary
from evisynth.errors import InputError
from evisynth.files import write_text
from evisynth.files.manifest import locked

__all__ = ["MAX_SUMMARY_CHARS", "SUMMARY_FILE", "SavedSummary", "normalise_summary", "project_summary",
           "save_summary", "summary_changes"]

#: Longest summary the app checks or saves (characters).
MAX_SUMMARY_CHARS = 200_000
#: The log of the summary's changes, and the folder keeping the versions replaced.
SUMMARY_LOG = HISTORY_DIR / "summary_changes.jsonl"
KEPT_DIR = HISTORY_DIR / "summary"


@dataclass(frozen=True)
class SavedSummary:
    """What a save did: the file written, the previous version kept (``None`` for the first) and whether
    the text changed at all (an unchanged text writes nothing)."""

    path: Path
    kept: Path | None
    characters: int
    changed: bool


def normalise_summary(text: str) -> str:
    """``text`` with the browser's CRLF line ends as LF and one final newline.

    >>> normalise_summary("Two lines\\r\\nof text")
    'Two lines\\nof text\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n"


def save_summary(project_dir: str | Path, text: str, *, who: str = "") -> SavedSummary:
    """Make ``text`` the review's plain-language summary (``summary/summary.md``).

    Parameters
    ----------
    project_dir : str or Path
        The project folder.
    text : str
        The summary, Markdown; line ends are normalised (:func:`normalise_summary`).
    who : str
        The reviewer saving it (logged).

    Returns
    -------
    SavedSummary
        ``changed`` is ``False`` (and nothing is written or logged) when the text is the stored one.

    Raises
    ------
    InputError
        When the text is empty or longer than :data:`MAX_SUMMARY_CHARS`; nothing is written.
    """
    if not text.strip():
        raise InputError("the summary is empty; nothing saved")
    if len(text) > MAX_SUMMARY_CHARS:
        raise InputError(f"the summary has {len(text):,} characters; at most {MAX_SUMMARY_CHARS:,} can be saved")
    folder = Path(project_dir)
    body = normalise_summary(text)
    target = folder / SUMMARY_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target.parent):
        old = project_summary(folder)
        if old == body:
            return SavedSummary(target, None, len(body), False)
        kept = None
        if old is not None:
            kept = keep_version(folder, target, old, KEPT_DIR.relative_to(HISTORY_DIR))
        write_text(target, body)
        where = f"previous version kept as {kept.relative_to(folder).as_posix()}" if kept else "first version"
        log_change(folder, who, "summary saved",
                   f"{SUMMARY_FILE.as_posix()}: {len(body):,} characters ({where})", SUMMARY_LOG)
    return SavedSummary(target, kept, len(body), True)


def summary_changes(project_dir: str | Path) -> list[ReviewChange]:
    """The summary's changes made through the app, oldest first."""
    return read_changes(Path(project_dir) / SUMMARY_LOG)
