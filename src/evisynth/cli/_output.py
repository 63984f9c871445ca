"""What the command line prints is safe for a terminal.

Labels come from other people's files (titles from search databases, study and outcome names):
an escape sequence in one could recolour the terminal, rewrite its title, hide text or plant a
hyperlink. While a command runs, ``stdout`` and ``stderr`` pass through :class:`SafeStream`,
which removes control sequences and characters (newlines and tabs stay; carriage returns stay
on ``stderr`` for progress bars) and hides the password of any URL.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from evisynth.files.escape import redact_url, terminal_text


class SafeStream:
    """A text stream that writes :func:`~evisynth.files.terminal_text` of everything to ``inner``."""

    def __init__(self, inner: TextIO, *, keep_cr: bool = False) -> None:
        self.inner = inner
        self.keep_cr = keep_cr

    def write(self, text: str) -> int:
        self.inner.write(terminal_text(redact_url(text), keep_cr=self.keep_cr))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding... of the real stream
        return getattr(self.inner, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`SafeStream` for the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = SafeStream(out)
    sys.stderr = SafeStream(err, keep_cr=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def raw_write(text: str) -> None:
    """Write ``text`` to the real standard output (the screener's own screen-clearing sequence)."""
    stream = sys.stdout
    getattr(stream, "inner", stream).write(text)
