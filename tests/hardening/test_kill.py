"""SIGKILL at any moment loses nothing committed, leaves no half-written output and no temporary file.

Like ``tests/records/test_kill.py`` (import), for ``dedupe``, ``screen import``, ``batch`` and ``report``.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from evisynth.files import MANIFEST, read_manifest
from evisynth.store.project import Project

SRC = Path(__file__).resolve().parents[2] / "src"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("EVISYNTH_DB_URL", None)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "evisynth", *args]


def _kill_when(command: list[str], ready: Callable[[], bool], timeout: float = 120) -> None:
    """Start ``command`` and SIGKILL it as soon as ``ready()``; fail if it finished first."""
    proc = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    proc.wait(timeout=60)
    assert killed and proc.returncode == -signal.SIGKILL, "finished before it could be killed; make the input larger"


def _stray(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".evisynth-tmp", ".partial"))]


def _ris(path: Path, n: int, doi: str) -> None:
    path.write_text("".join(
        f"TY  - JOUR\nAU  - Author{i % 977}, A\nTI  - Synthetic record number {i} on rTMS\nPY  - {1990 + i % 30}\n"
        f"DO  - 10.9/{doi}.{i}\nER  - \n\n" for i in range(n)), encoding="utf-8")


def _wal_grows(folder: Path, size: int) -> Callable[[], bool]:
    wal = folder / "evisynth.db-wal"
    start = wal.stat().st_size if wal.exists() else 0
    return lambda: wal.exists() and wal.stat().st_size > start + size


def _integrity(folder: Path) -> None:
    with Project(folder) as project, project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_sigkill_during_dedupe(tmp_path: Path) -> None:
    for name in ("a", "b"):  # the same records from two databases: one near-duplicate pair each
        _ris(tmp_path / f"{name}.ris", 6000, name)
        subprocess.run(_cli("import", str(tmp_path / f"{name}.ris"), "--source", name.upper(), "--project",
                            str(tmp_path)), check=True, env=_env(), capture_output=True)
    with Project(tmp_path) as project, project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _kill_when(_cli("dedupe", "--project", str(tmp_path)), _wal_grows(tmp_path, 50_000))
    _integrity(tmp_path)
    with Project(tmp_path) as project:
        assert len(project.merges()) in (0, 6000)  # all of the run's merges or none
        project.dedupe()
        assert len(project.merges()) == 6000


def test_sigkill_during_screen_import(tmp_path: Path) -> None:
    _ris(tmp_path / "a.ris", 15000, "a")
    subprocess.run(_cli("import", str(tmp_path / "a.ris"), "--source", "A", "--project", str(tmp_path)), check=True,
                   env=_env(), capture_output=True)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("record_id,decision\n" + "".join(f"{i},include\n" for i in range(1, 15001)))
    with Project(tmp_path) as project, project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _kill_when(_cli("screen", "import", str(sheet), "--reviewer", "A", "--stage", "title", "--project",
                    str(tmp_path)), _wal_grows(tmp_path, 20_000))
    _integrity(tmp_path)
    from evisynth.store.screening_store import own_decisions

    with Project(tmp_path) as project:
        assert len(own_decisions(project, "A", "title")) in (0, 15000)


def test_sigkill_during_batch_keeps_the_previous_results(tmp_path: Path) -> None:
    src = tmp_path / "long.csv"
    rng = np.random.default_rng(0)
    n = 3_000_000
    groups = np.repeat(np.arange(n // 10), 10)
    with src.open("w") as fh:
        fh.write("g,yi,vi\n")
        np.savetxt(fh, np.column_stack([groups, rng.normal(size=n), rng.uniform(0.01, 0.1, n)]),
                   fmt=["%d", "%.4f", "%.4f"], delimiter=",")
    out = tmp_path / "results.csv"
    small = tmp_path / "small.csv"
    small.write_text("g,yi,vi\na,0.1,0.01\na,0.2,0.02\n")
    subprocess.run(_cli("batch", str(small), "--group", "g", "--out", str(out)), check=True, env=_env())
    before = out.read_bytes()
    started = time.monotonic()
    _kill_when(_cli("batch", str(src), "--group", "g", "--out", str(out), "--method", "DL", "--chunk-rows", "50000"),
               lambda: time.monotonic() - started > 0.5)  # the whole run takes about 2 s on 2 cores
    assert out.read_bytes() == before  # the previous results, whole
    assert not _stray(tmp_path)
    assert read_manifest(tmp_path)["results.csv"]["sha256"] == hashlib.sha256(before).hexdigest()
    subprocess.run(_cli("batch", str(small), "--group", "g", "--out", str(out)), check=True, env=_env())  # still its own


def test_sigkill_during_report_leaves_every_file_whole(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    data = tmp_path / "d.csv"
    data.write_text("study,yi,vi,dose\n" + "".join(
        f"S{i},{rng.normal(0.2, 0.3):.4f},{rng.uniform(0.01, 0.1):.4f},{i % 7}\n" for i in range(300)))
    out = tmp_path / "rep"
    args = ["report", str(data), "--out", str(out), "--dpi", "50", "--sensitivity", "--moderator", "dose"]
    subprocess.run(_cli(*args), check=True, env=_env(), capture_output=True)
    started = time.monotonic()
    _kill_when(_cli(*args, "--method", "DL"), lambda: time.monotonic() - started > 4.0)
    assert not _stray(tmp_path)
    entries = read_manifest(out)
    for p in out.rglob("*"):
        if p.is_file() and p.name != MANIFEST:
            entry = entries[p.relative_to(out).as_posix()]  # every file is listed ...
            digest = hashlib.sha256(p.read_bytes()).hexdigest()  # ... and whole: the old or the new version
            assert digest in {entry["sha256"], *(r["sha256"] for r in entry.get("replaces", []))}
    subprocess.run(_cli(*args), check=True, env=_env(), capture_output=True)  # and can be refreshed
