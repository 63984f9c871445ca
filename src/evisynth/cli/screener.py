"""Keyboard-driven terminal screener: one record at a time, single keys, resumable.

Keys: ``i`` include, ``e`` exclude, ``m`` maybe, ``q`` quit. At full text, ``e`` asks for the
exclusion reason by number. Each key press is stored at once, so quitting (or a crash) loses
nothing and the next session starts at the first record this reviewer has not screened. Only the
reviewer's own decisions are ever shown.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evisynth.api.records import Citation

KEYS = {"i": "include", "e": "exclude", "m": "maybe"}


def _safe(citation: Any, clean: Callable[[str], str]) -> Any:
    """The citation with ``clean`` applied to every text field and author."""
    from dataclasses import fields, replace

    changes: dict[str, Any] = {}
    for f in fields(citation):
        value = getattr(citation, f.name)
        if isinstance(value, str):
            changes[f.name] = clean(value)
        elif isinstance(value, (tuple, list)) and all(isinstance(a, str) for a in value):
            changes[f.name] = type(value)(clean(a) for a in value)
    return replace(citation, **changes)


def read_key() -> str:
    """One key press from the terminal (raw mode), or the first character of a line when stdin is
    not a terminal; ``"q"`` at end of input."""
    if sys.stdin.isatty():
        import termios
        import tty

        fd = sys.stdin.fileno()
        old = termios.tcgetattr(fd)
        try:
            tty.setraw(fd)
            char = sys.stdin.read(1)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, old)
        return "q" if char in ("\x03", "\x04", "") else char.lower()
    line = sys.stdin.readline()
    return line.strip().lower()[:1] if line else "q"


def render(citation: Citation, record_id: int, done: int, total: int, width: int = 88) -> str:
    """Text shown for one record (control characters and escape sequences of the record removed)."""
    from evisynth.files.escape import terminal_text

    citation = _safe(citation, terminal_text)
    wrap = textwrap.TextWrapper(width=width)
    authors = "; ".join(citation.authors[:6]) + ("; et al." if len(citation.authors) > 6 else "")
    parts = [
        f"── {done}/{total} screened ── record {record_id} " + "─" * max(0, width - 30),
        *wrap.wrap(citation.title),
        "",
        *wrap.wrap(f"{authors} ({citation.year or 'n.d.'}) {citation.journal}".strip()),
        "",
        *(wrap.wrap(citation.abstract) if citation.abstract else ["(no abstract)"]),
        "",
        "[i] include   [e] exclude   [m] maybe   [q] quit",
    ]
    return "\n".join(parts)


def run_screener(
    project: Any,
    reviewer: str,
    stage: str,
    *,
    key: Callable[[], str] = read_key,
    write: Callable[[str], None] = print,
) -> int:
    """Screen until the queue is empty or ``q``; return the number of decisions recorded."""
    from evisynth.api.records import screening

    eligible, exclusion_reasons = screening.eligible, screening.exclusion_reasons
    own_decisions, record_decision = screening.own_decisions, screening.record_decision

    ids = eligible(project, stage)
    done_ids = set(own_decisions(project, reviewer, stage))
    todo = [i for i in ids if i not in done_ids]
    citations = project.citations(todo)
    reasons = exclusion_reasons(project) if stage == "fulltext" else []
    width = min(100, shutil.get_terminal_size((88, 24)).columns)
    recorded = 0
    clear = write is print and sys.stdout.isatty()
    for record_id in todo:
        if clear:
            from evisynth.cli._output import raw_write

            raw_write("\033[2J\033[H")
        write(render(citations[record_id], record_id, len(ids) - len(todo) + recorded, len(ids), width))
        while True:
            pressed = key()
            if pressed == "q":
                write(f"stopped: {recorded} decisions recorded this session; run again to continue")
                return recorded
            if pressed in KEYS:
                break
            write("press i, e, m or q")
        reason = None
        if stage == "fulltext" and KEYS[pressed] == "exclude":
            if not reasons:
                write("the review has no exclusion reasons yet: add them with 'evisynth screen reasons ...'")
                return recorded
            write("\n".join(f"  [{n}] {r}" for n, r in enumerate(reasons, start=1)))
            while reason is None:
                choice = key()
                if choice == "q":
                    return recorded
                if choice.isdigit() and 1 <= int(choice) <= len(reasons):
                    reason = reasons[int(choice) - 1]
                else:
                    write(f"press 1-{len(reasons)}")
        record_decision(project, record_id, stage, reviewer, KEYS[pressed], reason)
        recorded += 1
    write(f"all {len(ids)} records screened at {stage} stage by {reviewer}")
    return recorded
