"""``evisynth batch`` as a process: only what the command needs is imported, and a failing
writer ends the run with the error (the output is written on a background thread)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

from evisynth.batch import batch_file


def _long_csv(path: Path, groups: int = 50, k: int = 4) -> None:
    rng = np.random.default_rng(7)
    ids = np.repeat(np.arange(groups), k)
    pcsv.write_csv(pa.table({"g": ids, "yi": rng.normal(0, 0.4, ids.size), "vi": rng.uniform(0.01, 0.2, ids.size)}),
                   path)


def test_batch_command_imports_neither_pandas_nor_the_analysis_stack(tmp_path: Path) -> None:
    src = tmp_path / "long.csv"
    _long_csv(src)
    code = (
        "import sys\n"
        "from evisynth.cli.main import main\n"
        f"rc = main(['batch', {str(src)!r}, '--group', 'g', '--out', {str(tmp_path / 'out.csv')!r}, '--no-progress'])\n"
        "heavy = sorted(m for m in ('pandas', 'matplotlib', 'jinja2', 'sqlalchemy', 'numpy.ma', 'evisynth.analyses')"
        " if m in sys.modules)\n"
        "print(rc, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0 []"


def test_a_failing_writer_ends_the_run_and_leaves_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "long.csv"
    _long_csv(src, groups=400)

    class FullDisk:
        def __init__(self, sink: object, schema: object) -> None:
            self.tables = 0

        def write_table(self, table: object) -> None:
            self.tables += 1
            if self.tables == 2:
                raise OSError(28, "No space left on device")

        def close(self) -> None:
            pass

    monkeypatch.setattr(pcsv, "CSVWriter", FullDisk)
    with pytest.raises(OSError, match="No space left"):
        batch_file(src, tmp_path / "out.csv", "g", chunk_rows=100)
    assert not (tmp_path / "out.csv").exists()
