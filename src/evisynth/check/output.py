"""Writing what ``evisynth check`` produces: atomically, never over an input or a user's file.

* No output may be one of the inputs (the summary, the source, a file in a checked folder)
  or another output of the same run.
* An existing file is replaced only when evisynth check wrote it (recognised by its content:
  a findings JSON, the HTML view's generator tag, the text report's first line, the folder
  table's header) or when ``force`` is given.
* The content goes to a temporary file in the same folder, which is then renamed into place
  (``os.replace``), so an interrupted run never leaves a half-written output.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from evisynth.errors import InputError

HTML_GENERATOR = '<meta name="generator" content="evisynth check">'
TEXT_FIRST_LINE = "evisynth check: "
TABLE_HEADER = "summary,source,status,claims,errors,warnings,kinds,first_error"

_ESCAPES_RE = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Text safe for a terminal: ESC/CSI/OSC sequences and other control characters removed.

    >>> strip_controls("P = 0.03\\x1b]8;;http://x\\x07 link\\x1b[31m red\\x07")
    'P = 0.03 link red'
    """
    return _CONTROL_RE.sub("", _ESCAPES_RE.sub("", text))


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def written_by_evisynth(path: Path) -> bool:
    """Whether ``path`` is an output of evisynth check (so it may be refreshed)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if head.startswith(TEXT_FIRST_LINE) or head.startswith(TABLE_HEADER) or HTML_GENERATOR in head:
        return True
    if head.lstrip().startswith("{"):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return False
        return isinstance(value, dict) and list(value)[:2] == ["claims", "findings"]
    return False


def check_outputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path], *, force: bool = False) -> None:
    """Refuse, before anything is computed, outputs that would replace an input or a user's file."""
    ins = [Path(p) for p in inputs]
    seen: list[Path] = []
    for out in outputs:
        path = Path(out)
        for src in ins:
            if _same(path, src) or (src.is_dir() and path.resolve().parent == src.resolve() and _is_summary(path)):
                raise InputError(f"output {path} is an input of this check; choose another file name")
        for other in seen:
            if _same(path, other):
                raise InputError(f"output {path} is given twice; each output needs its own file")
        if path.is_dir():
            raise InputError(f"output {path} is a directory; give a file name")
        if path.exists() and not force and not written_by_evisynth(path):
            raise InputError(f"output {path} exists and was not written by evisynth check; use --force to replace it")
        if not path.resolve().parent.is_dir():
            raise InputError(f"cannot write {path}: folder {path.parent} does not exist")
        seen.append(path)


def _is_summary(path: Path) -> bool:
    return ".summary." in path.name or ".source." in path.name


def write_atomic(path: str | Path, content: str) -> None:
    """Write ``content`` to a temporary file beside ``path`` and rename it into place."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.resolve().parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
