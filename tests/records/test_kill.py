"""An import killed with SIGKILL midway loses nothing committed and leaves nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evisynth.io.detect import read_export
from evisynth.store.project import Project

SRC = Path(__file__).resolve().parents[2] / "src"


def _big_ris(path: Path, n: int) -> None:
    lines = []
    for i in range(n):
        lines += [
            "TY  - JOUR",
            f"AU  - Author{i % 977}, A",
            f"TI  - Synthetic record number {i} on rTMS",
            f"PY  - {1990 + i % 30}",
            f"AB  - {'Synthetic abstract text. ' * 24}",
            f"DO  - 10.99999/kill.{i}",
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_during_import(tmp_path: Path) -> None:
    small = tmp_path / "small.ris"
    _big_ris(small, 20)
    big = tmp_path / "big.ris"
    _big_ris(big, 15000)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("EVISYNTH_DB_URL", None)
    command = [sys.executable, "-m", "evisynth", "import", "--source", "Embase", "--project", str(tmp_path)]
    subprocess.run([*command, str(small)], check=True, env=env, capture_output=True)

    proc = subprocess.Popen(
        [*command, str(big)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wal = tmp_path / "evisynth.db-wal"
    deadline = time.monotonic() + 60
    killed_midway = False
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 3_000_000:  # the big transaction is being written
            proc.send_signal(signal.SIGKILL)
            killed_midway = True
            break
        time.sleep(0.002)
    proc.wait(timeout=60)
    assert killed_midway, "the import finished before it could be killed; make the file larger"
    assert proc.returncode == -signal.SIGKILL

    with Project(tmp_path) as project:
        with project.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        batches = project.batches()
        assert [(b.file_name, b.record_count) for b in batches] == [("small.ris", 20)]  # nothing half-written
        assert len(project.citations()) == 20  # nothing committed lost
    # the killed file can simply be imported again
    export = read_export(big)
    with Project(tmp_path) as project:
        outcome = project.import_records(
            export.result, database="Embase", file_name="big.ris", sha256=export.sha256
        )
        assert outcome.duplicate_of is None
        assert [b.record_count for b in project.batches()] == [20, 15000]
