"""Atomic writes: the bytes go to a temporary file in the target's folder and are renamed into place.

A reader sees the old file or the new one, never a mix. On Linux the temporary file is anonymous
(``O_TMPFILE``) until the last moment, so even ``SIGKILL`` leaves nothing behind; elsewhere it is
a hidden ``.NAME.PID.evisynth-tmp`` file, removed on any error and swept by the next write into
the same folder once its process is gone.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_text(folder / "a.txt", "one").name
'a.txt'
>>> (folder / "a.txt").read_text()
'one'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

TMP_SUFFIX = ".evisynth-tmp"
_TMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}" + re.escape(TMP_SUFFIX) + "$")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_temporary(folder: str | Path) -> list[Path]:
    """Remove temporary files that killed evisynth processes left in ``folder``; return them."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _TMP.match(entry.name)
            if m and entry.is_file(follow_symlinks=False) and not _pid_alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _anonymous(folder: Path) -> int | None:
    """An unnamed file in ``folder`` (Linux ``O_TMPFILE``), or ``None`` where unsupported."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o666)
    except OSError:
        return None


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "wb", encoding: str | None = None, newline: str | None = None,
                before_replace: Callable[[str, int], None] | None = None) -> Iterator[IO[Any]]:
    """A file object whose content replaces ``path`` atomically when the block ends without error.

    The folder is created if needed. If the block raises (or the process dies), ``path`` is
    unchanged and no temporary file remains. ``before_replace(sha256, size)`` is called with the
    new content's digest just before it replaces ``path``.
    """
    if mode not in ("w", "wb"):
        raise ValueError("atomic_open writes a whole new file: mode must be 'w' or 'wb'")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    sweep_temporary(folder)
    fd = _anonymous(folder)
    named: Path | None = None
    if fd is None:
        named = _tmp_name(target)
        fd = os.open(named, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        text = mode == "w"
        with os.fdopen(fd, mode, encoding=(encoding or "utf-8") if text else None, newline=newline if text else None,
                       closefd=False) as fh:
            yield fh
            fh.flush()
            os.fsync(fd)
        if before_replace is not None:
            before_replace(*_digest(fd))
        if named is None:
            try:
                named = _link_anonymous(fd, target, folder)
            except OSError:  # a file system or sandbox without linkat(AT_SYMLINK_FOLLOW): copy it
                named = _copy_anonymous(fd, target)
        os.replace(named, target)
        named = None
        _fsync_dir(folder)
    finally:
        os.close(fd)
        if named is not None:
            with contextlib.suppress(OSError):
                os.unlink(named)


def _link_anonymous(fd: int, target: Path, folder: Path) -> Path:
    """Give the anonymous file a (hidden, temporary) name beside ``target``."""
    link = _tmp_name(target)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:  # a dir_fd makes Python call linkat(..., AT_SYMLINK_FOLLOW), which links the file behind /proc/self/fd
        os.link(f"/proc/self/fd/{fd}", link, src_dir_fd=dir_fd, follow_symlinks=True)
    finally:
        os.close(dir_fd)
    return link


def _copy_anonymous(fd: int, target: Path) -> Path:
    named = _tmp_name(target)
    out = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        offset = 0
        while block := os.pread(fd, 1 << 20, offset):
            os.write(out, block)
            offset += len(block)
        os.fsync(out)
    except BaseException:
        os.close(out)
        named.unlink(missing_ok=True)
        raise
    os.close(out)
    return named


def _digest(fd: int) -> tuple[str, int]:
    h = hashlib.sha256()
    offset = 0
    while block := os.pread(fd, 1 << 20, offset):
        h.update(block)
        offset += len(block)
    return h.hexdigest(), offset


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``Path(path)``."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (no newline translation)."""
    return write_bytes(path, text.encode(encoding))


def append_line(path: str | Path, line: str) -> None:
    """Append one line to a log (an audit trail) durably: one ``O_APPEND`` write, then ``fsync``, so a
    line that was acknowledged survives a kill and concurrent writers never interleave within a line."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line.rstrip("\n") + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
