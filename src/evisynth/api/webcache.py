"""The web app's cache of the review run: page 6 (Certainty & summary) is loaded again and again while
nothing it depends on changes, and running the review (and checking its plain-language summary) is
most of a load.

:class:`ReviewCache` keeps, per project folder, the last :class:`~evisynth.review.runner.ReviewResult`
with the fingerprint of every file it was computed from (:func:`review_inputs`): the review file (both
places it may be, so creating ``review.toml`` next to ``data/review.toml`` counts), each outcome's study
table and the app's extraction grid that replaces it, the risk-of-bias file and the app's GRADE
overrides (``grade/overrides.json``). A file's fingerprint is its path, ``st_mtime_ns``, size and a
BLAKE2 digest of its content, so an edit that keeps the size and lands within the clock's resolution
is still seen; a missing file is part of the fingerprint too. Any change means a new run; a reload with
nothing changed returns the stored result. The checked summary of a result is kept with it (a few
texts per result), so it goes when the result goes.

The cache is safe under the app's concurrent requests: a lock guards the stored entries, and a second
lock per folder makes concurrent misses run the review once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evisynth.api.extraction import grid_path
from evisynth.api.webreview import OVERRIDES_FILE, SummaryView, review_result, summary_view
from evisynth.review.file import REVIEW_LOCATIONS, find_review, load_review
from evisynth.review.runner import ReviewResult

__all__ = ["CacheStats", "ReviewCache", "fingerprint", "review_inputs"]

#: One file's fingerprint: (path, mtime_ns, size, digest), or (path, None, None, None) when missing.
Fingerprint = tuple[str, int | None, int | None, str | None]
#: Checked summaries kept per result (the stored or generated one, and a few pasted texts).
SUMMARIES_KEPT = 8


def fingerprint(path: Path) -> Fingerprint:
    """The fingerprint of one file: path, ``st_mtime_ns``, size and content digest (``None`` if missing)."""
    try:
        stat = path.stat()
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return (str(path), None, None, None)
    return (str(path), stat.st_mtime_ns, stat.st_size, digest)


def review_inputs(project_dir: str | Path) -> tuple[Path, ...]:
    """Every file :func:`evisynth.api.webreview.review_result` reads for ``project_dir`` (without a review
    file: the places where one may appear, the overrides file and the app's risk-of-bias table).

    Raises
    ------
    EvisynthError
        When the review file does not validate (nothing to cache; the page shows the parser's one line).
    """
    from evisynth.api.webrob import ROB_FILE

    folder = Path(project_dir)
    candidates = tuple(folder / name for name in REVIEW_LOCATIONS)
    path = find_review(folder)
    if path is None:
        return (*candidates, folder / OVERRIDES_FILE, folder / ROB_FILE)
    review = load_review(path)
    files: list[Path] = [*candidates, folder / OVERRIDES_FILE, folder / ROB_FILE]
    if review.risk_of_bias is not None:
        files.append(review.risk_of_bias)
    for spec in review.outcomes:
        files += [grid_path(folder, spec.name), spec.data]
    return tuple(files)


@dataclass(frozen=True)
class CacheStats:
    """How often the cache answered (``hits``) and how often the review was run (``misses``)."""

    hits: int
    misses: int


@dataclass
class _Entry:
    key: tuple[Fingerprint, ...]
    result: ReviewResult
    summaries: OrderedDict[str | None, SummaryView] = field(default_factory=OrderedDict)


class ReviewCache:
    """The last review result per project folder, recomputed only when a file it was computed from changes.

    Parameters
    ----------
    compute : callable, optional
        Runs the review of a folder (default :func:`evisynth.api.webreview.review_result`).

    Examples
    --------
    >>> from evisynth.examples.data import RTMS_DIR
    >>> cache = ReviewCache()
    >>> cache.result(RTMS_DIR) is cache.result(RTMS_DIR)
    True
    >>> cache.stats
    CacheStats(hits=1, misses=1)
    """

    def __init__(self, compute: Callable[[Path], ReviewResult] = review_result) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._running: dict[Path, threading.Lock] = {}
        self._entries: dict[Path, _Entry] = {}
        self._hits = 0
        self._misses = 0

    @property
    def stats(self) -> CacheStats:
        """Hits and misses so far."""
        with self._lock:
            return CacheStats(self._hits, self._misses)

    def clear(self) -> None:
        """Forget every stored result."""
        with self._lock:
            self._entries.clear()

    def _key(self, folder: Path) -> tuple[Fingerprint, ...]:
        return tuple(fingerprint(p) for p in review_inputs(folder))

    def _entry(self, project_dir: str | Path) -> _Entry:
        folder = Path(project_dir).resolve()
        with self._lock:
            running = self._running.setdefault(folder, threading.Lock())
        with running:  # one run of the review per folder at a time; the others wait and then hit
            key = self._key(folder)
            with self._lock:
                entry = self._entries.get(folder)
                if entry is not None and entry.key == key:
                    self._hits += 1
                    return entry
                self._misses += 1
            # the key is read before the run: a file changed during the run gives a new key next time
            entry = _Entry(key, self._compute(folder))
            with self._lock:
                self._entries[folder] = entry
            return entry

    def result(self, project_dir: str | Path) -> ReviewResult:
        """The review run over ``project_dir`` (see :func:`evisynth.api.webreview.review_result`),
        from the cache when no file it depends on changed.

        Raises
        ------
        EvisynthError
            As :func:`~evisynth.api.webreview.review_result` (errors are not cached).
        """
        return self._entry(project_dir).result

    def summary(self, project_dir: str | Path, text: str | None = None) -> tuple[ReviewResult, SummaryView]:
        """The review result and ``text`` (default: the generated summary) checked against it, as
        :func:`~evisynth.api.webreview.summary_view`; both from the cache when nothing changed."""
        entry = self._entry(project_dir)
        with self._lock:
            view = entry.summaries.get(text)
            if view is not None:
                entry.summaries.move_to_end(text)
                return entry.result, view
        view = summary_view(entry.result, text)
        with self._lock:
            entry.summaries[text] = view
            while len(entry.summaries) > SUMMARIES_KEPT:
                entry.summaries.popitem(last=False)
        return entry.result, view
