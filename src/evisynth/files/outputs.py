"""Where a command may write: never over one of its inputs, never over a file it did not write.

* :func:`check_output` refuses a target that is one of the command's inputs (compared as resolved
  paths and as files, so another path, a symlink or a hard link to the input is caught too, and
  ``force`` does not help), a folder, or an existing file evisynth did not write (unless ``force``).
* :func:`open_output` streams one file (``evisynth batch``, a screening sheet) atomically and
  records it in the folder's manifest.
* :class:`OutputSet` collects every file of a folder output (``report``, ``summarize``,
  ``prisma``...), checks them all before writing any, writes each atomically and records them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from evisynth.errors import InputError
from evisynth.files.atomic import atomic_open, write_bytes
from evisynth.files.manifest import MANIFEST, file_digest, locked, read_manifest, write_manifest, written_by_evisynth

PathLike = str | os.PathLike[str]


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether two paths name the same file (resolved paths, or the same inode for links)."""
    pa, pb = Path(a), Path(b)
    with contextlib.suppress(OSError):
        if pa.resolve() == pb.resolve():
            return True
    with contextlib.suppress(OSError):
        return os.path.samefile(pa, pb)
    return False


def check_output(path: PathLike, *, inputs: Iterable[PathLike] = (), force: bool = False,
                 option: str = "the output") -> Path:
    """Check that ``path`` may be written; return it as a :class:`~pathlib.Path`.

    Raises
    ------
    InputError
        When ``path`` is one of ``inputs`` (whatever ``force`` says), a folder, or an existing
        file that evisynth did not write or that was changed since (unless ``force``).
    """
    target = Path(path)
    for item in inputs:
        if item is not None and same_file(target, item):
            raise InputError(f"{option} {str(target)!r} is an input of this command ({str(item)!r}); "
                             "refusing to overwrite it: choose another output")
    if target.is_dir():
        raise InputError(f"{option} {str(target)!r} is a folder; expected a file name")
    if target.name == MANIFEST:
        raise InputError(f"{option} {str(target)!r} is evisynth's record of its outputs; choose another name")
    if (target.exists() or target.is_symlink()) and not force and not written_by_evisynth(target):
        raise InputError(f"{str(target)!r} already exists and was not written by evisynth (or was changed since); "
                         "use --force (force=True) to replace it")
    return target


def _entry(digest: str, size: int, by: str, provenance: Mapping[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"sha256": digest, "bytes": size, "by": by}
    if provenance:
        entry["provenance"] = dict(provenance)
    return entry


def record(path: PathLike, *, by: str, provenance: Mapping[str, Any] | None = None,
           digest: tuple[str, int] | None = None, replaces: Iterable[dict[str, Any]] = ()) -> None:
    """Record ``path`` in its folder's manifest (its current content, or ``digest``)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    sha, size = digest or file_digest(p)
    with locked(folder):
        entries = read_manifest(folder)
        entry = _entry(sha, size, by, provenance)
        pending = list(replaces)
        if pending:
            entry["replaces"] = pending
        entries[p.name] = entry
        write_manifest(folder, entries)


def _own_state(path: Path) -> list[dict[str, Any]]:
    """The hash of ``path`` if it is evisynth's own, so that an interrupted rewrite keeps it owned."""
    if path.is_file() and written_by_evisynth(path):
        digest, size = file_digest(path)
        return [{"sha256": digest, "bytes": size}]
    return []


@contextlib.contextmanager
def open_output(path: PathLike, mode: str = "wb", *, inputs: Iterable[PathLike] = (), force: bool = False,
                by: str = "evisynth", provenance: Mapping[str, Any] | None = None, option: str = "the output",
                encoding: str | None = None, newline: str | None = None) -> Iterator[IO[Any]]:
    """Write one output file atomically after :func:`check_output`, and record it in the manifest.

    The new content is recorded (with the old one, if it was evisynth's) just before it replaces
    the file, so a process killed at any moment leaves the file owned either way.
    """
    target = check_output(path, inputs=inputs, force=force, option=option)
    previous = _own_state(target)
    new: list[tuple[str, int]] = []

    def before(digest: str, size: int) -> None:
        new.append((digest, size))
        record(target, by=by, provenance=provenance, digest=(digest, size), replaces=previous)

    with atomic_open(target, mode, encoding=encoding, newline=newline, before_replace=before) as fh:
        yield fh
    if previous:  # the rename is done: only the new content is evisynth's now
        record(target, by=by, provenance=provenance, digest=new[0])


def write_output(path: PathLike, data: bytes | str, **options: Any) -> Path:
    """:func:`open_output` for content already in memory (text is written as UTF-8)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open_output(path, "wb", **options) as fh:
        fh.write(payload)
    return Path(path)


class OutputSet:
    """The files one command writes under ``root``, checked together and written together.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()) / "out"
    >>> with OutputSet(root, by="example") as out:
    ...     _ = out.add("a.txt", "hello")
    >>> (root / "a.txt").read_text(), sorted(p.name for p in root.iterdir())
    ('hello', ['.evisynth-manifest.json', 'a.txt'])

    Parameters
    ----------
    root : path
        The output folder (created on commit). A file there is refused.
    inputs : paths
        Files the command reads: never overwritten, even with ``force``.
    force : bool
        Replace existing files evisynth did not write.
    by : str
        Which command writes (recorded in the manifest; files this command wrote before and does
        not write this time are removed when ``prune``).
    provenance : mapping, optional
        Recorded with every file in the manifest.
    """

    def __init__(self, root: PathLike, *, inputs: Iterable[PathLike] = (), force: bool = False, by: str = "evisynth",
                 provenance: Mapping[str, Any] | None = None, prune: bool = True, option: str = "--out") -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise InputError(f"{option} {str(self.root)!r} is a file; expected a folder (it is created if needed)")
        self.inputs = [Path(p) for p in inputs if p is not None]
        self.force = force
        self.by = by
        self.provenance = dict(provenance) if provenance else None
        self.prune = prune
        self.option = option
        self.staged: dict[str, bytes] = {}

    def path(self, name: str) -> Path:
        """Where ``name`` (a path relative to the root) will be written."""
        return self.root / name

    def add(self, name: str, data: bytes | str) -> Path:
        """Stage ``name`` (relative to the root) with its content; it is checked now, written on commit."""
        rel = Path(name)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise InputError(f"output name {name!r} must be a path inside {str(self.root)!r}")
        key = rel.as_posix()
        check_output(self.root / rel, inputs=self.inputs, force=self.force, option=f"{self.option} file")
        self.staged[key] = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return self.root / rel

    def add_json(self, name: str, doc: Any, **dump: Any) -> Path:
        """Stage a JSON document (``indent=2``, no NaN, a final newline)."""
        options: dict[str, Any] = {"indent": 2, "allow_nan": False, **dump}
        return self.add(name, json.dumps(doc, **options) + "\n")

    def commit(self) -> list[Path]:
        """Write every staged file atomically and record them; return their paths in staging order."""
        self.root.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        with locked(self.root):
            entries = read_manifest(self.root)
            for key, data in self.staged.items():  # checked again: another process may have written meanwhile
                target = check_output(self.root / key, inputs=self.inputs, force=self.force, option=f"{self.option} file")
                entry = _entry(hashlib.sha256(data).hexdigest(), len(data), self.by, self.provenance)
                old = _own_state(target)
                if old:
                    entry["replaces"] = old
                entries[key] = entry
            write_manifest(self.root, entries)  # an interrupted commit leaves old and new versions owned
            for key, data in self.staged.items():
                written.append(write_bytes(self.root / key, data))
            if self.prune:
                for key in [k for k, e in entries.items() if e.get("by") == self.by and k not in self.staged]:
                    stale = self.root / key
                    if not stale.exists() or written_by_evisynth(stale):
                        with contextlib.suppress(OSError):
                            stale.unlink()
                        del entries[key]
            for key in self.staged:
                entries[key].pop("replaces", None)
            write_manifest(self.root, entries)
        self.staged.clear()
        return written

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.staged.clear()
