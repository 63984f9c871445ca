"""The record of what evisynth wrote in a folder: ``.evisynth-manifest.json``.

Each entry names a file (relative to the folder), its SHA-256 and size, which command wrote it
(``by``) and, when known, the provenance of its content. A file counts as evisynth's own only
while its bytes still match the entry: a file the user edited after evisynth wrote it is theirs
again, and is protected like any other file of theirs.

Updates are atomic and, where the platform has ``flock``, serialised between processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evisynth.files.atomic import write_text

MANIFEST = ".evisynth-manifest.json"
FORMAT = 1
#: How many folders above a file are searched for a manifest that lists it.
ANCESTORS = 4


def file_digest(path: str | os.PathLike[str]) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of a file, read in blocks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def read_manifest(folder: str | Path) -> dict[str, dict[str, Any]]:
    """The entries of ``folder``'s manifest (empty when there is none or it is unreadable)."""
    path = Path(folder) / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): v for k, v in files.items() if isinstance(v, dict) and isinstance(v.get("sha256"), str)}


def write_manifest(folder: str | Path, entries: dict[str, dict[str, Any]]) -> None:
    """Replace ``folder``'s manifest with ``entries`` (atomically; removed when empty)."""
    path = Path(folder) / MANIFEST
    if not entries:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    doc = {"evisynth_manifest": FORMAT,
           "about": "files evisynth wrote here; a file whose bytes no longer match is treated as yours",
           "files": dict(sorted(entries.items()))}
    write_text(path, json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


@contextlib.contextmanager
def locked(folder: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock`` on the folder itself; no lock file)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _matches(entry: dict[str, Any], digest: tuple[str, int] | None, path: Path) -> tuple[bool, tuple[str, int] | None]:
    sizes = {entry.get("bytes"), *(r.get("bytes") for r in entry.get("replaces", []) if isinstance(r, dict))}
    try:
        size = path.stat().st_size
    except OSError:
        return False, digest
    if size not in sizes:
        return False, digest
    digest = digest or file_digest(path)
    hashes = {entry.get("sha256"), *(r.get("sha256") for r in entry.get("replaces", []) if isinstance(r, dict))}
    return digest[0] in hashes, digest


def written_by_evisynth(path: str | Path) -> bool:
    """Whether ``path`` is a file evisynth wrote and nobody changed since.

    Looks for a manifest listing the file in its folder and up to :data:`ANCESTORS` folders above.
    """
    p = Path(path)
    if not p.is_file():
        return False
    folder = p.absolute().parent
    rel = Path(p.name)
    digest: tuple[str, int] | None = None
    for _ in range(ANCESTORS + 1):
        entry = read_manifest(folder).get(rel.as_posix())
        if entry is not None:
            ok, digest = _matches(entry, digest, p)
            if ok:
                return True
        if folder.parent == folder:
            break
        rel = Path(folder.name) / rel
        folder = folder.parent
    return False
