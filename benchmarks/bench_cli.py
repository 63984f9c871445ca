"""Whole processes: ``import evisynth``, ``evisynth analyze`` on 18 studies vs Rscript + metafor,
and ``evisynth batch`` streaming a large long table from Parquet.

    PYTHONPATH=src python benchmarks/bench_cli.py [--batch-rows 10000000] [--repeat 5]

Each command is a fresh process (start-up and imports included); wall time is the best of
``--repeat`` runs, peak memory the child's maximum resident set size (``wait4``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import HERE, evisynth_env, fmt_time, have_r_metafor, load_average, machine, ratio, table, timed_process

DATA = HERE / "data" / "eighteen_studies.csv"
R_ANALYZE = HERE / "analyze_metafor.R"


def best_process(cmd: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    runs = [timed_process(cmd, env) for _ in range(repeat)]
    wall = min(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    return wall, rss, runs[0][2]


def write_long_parquet(path: Path, rows: int, k: int = 10) -> None:
    """``rows // k`` meta-analyses of ``k`` studies, grouped, written in row groups of 1M rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(20261124)
    step = 1_000_000
    with pq.ParquetWriter(path, pa.schema([("review", pa.int64()), ("yi", pa.float64()), ("vi", pa.float64())])) as w:
        for lo in range(0, rows, step):
            n = min(step, rows - lo)
            ids = (np.arange(lo, lo + n) // k).astype(np.int64)
            v = rng.uniform(0.01, 0.2, n)
            tau2 = rng.uniform(0.0, 0.2, n // k + 1)[(ids - ids[0])]
            y = rng.normal(0, 0.3) + rng.normal(0.0, 1.0, n) * np.sqrt(v + tau2)
            w.write_table(pa.table({"review": ids, "yi": y, "vi": v}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch-rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    env = evisynth_env()
    py = sys.executable
    print(f"machine: {machine()}; {load_average()}")

    rows = []
    base, base_rss, _ = best_process([py, "-c", "pass"], 10, env)
    imp, imp_rss, _ = best_process([py, "-c", "import evisynth"], 10, env)
    imp_np, _, _ = best_process([py, "-c", "import numpy"], 10, env)
    rows.append(["python -c pass", fmt_time(base), f"{base_rss / 1024:.0f} MiB", "", ""])
    rows.append(["python -c 'import evisynth'", fmt_time(imp), f"{imp_rss / 1024:.0f} MiB",
                 f"import itself: {fmt_time(imp - base)}", ""])
    rows.append(["python -c 'import numpy' (for scale)", fmt_time(imp_np), "", "", ""])
    cmd = [py, "-m", "evisynth", "analyze", str(DATA), "--measure", "OR", "--method", "REML"]
    ana, ana_rss, _ = best_process(cmd, args.repeat, env)
    r_wall = float("nan")
    r_rss = 0
    if have_r_metafor():
        r_wall, r_rss, _ = best_process(["Rscript", str(R_ANALYZE), str(DATA)], args.repeat)
    rows.append(["evisynth analyze (18 studies, OR, REML)", fmt_time(ana), f"{ana_rss / 1024:.0f} MiB", "",
                 ratio(r_wall, ana)])
    if r_wall == r_wall:
        rows.append(["Rscript + metafor, same analysis", fmt_time(r_wall), f"{r_rss / 1024:.0f} MiB", "", ""])
    else:
        rows.append(["Rscript + metafor", "skipped (not installed)", "", "", ""])

    if args.batch_rows > 0:
        tmp = Path(tempfile.mkdtemp(prefix="evisynth-bench-"))
        try:
            src = tmp / "long.parquet"
            write_long_parquet(src, args.batch_rows)
            size = src.stat().st_size
            for method in ("DL", "REML"):
                out_file = tmp / f"out-{method}.parquet"
                cmd = [py, "-m", "evisynth", "batch", str(src), "--group", "review", "--method", method,
                       "--out", str(out_file), "--no-progress"]
                wall, rss, _ = timed_process(cmd, env)
                groups = args.batch_rows // 10
                rows.append([f"evisynth batch {args.batch_rows:,} rows ({groups:,} meta-analyses), {method}",
                             fmt_time(wall), f"{rss / 1024:.0f} MiB", f"input Parquet {size / 2**20:.0f} MiB", ""])
            import pyarrow.csv as pcsv
            import pyarrow.parquet as pq

            csv_src = tmp / "long.csv"
            with pcsv.CSVWriter(csv_src, pq.ParquetFile(src).schema_arrow) as w:
                for batch in pq.ParquetFile(src, pre_buffer=False).iter_batches(batch_size=500_000):
                    w.write_batch(batch)
            cmd = [py, "-m", "evisynth", "batch", str(csv_src), "--group", "review", "--method", "DL",
                   "--out", str(tmp / "out.csv"), "--no-progress"]
            wall, rss, _ = timed_process(cmd, env)
            rows.append(["evisynth batch, same rows from CSV to CSV, DL", fmt_time(wall), f"{rss / 1024:.0f} MiB",
                         f"input CSV {csv_src.stat().st_size / 2**20:.0f} MiB", ""])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(table(rows, ["process", "wall (best)", "peak RSS", "note", "speed-up vs R"]))


if __name__ == "__main__":
    main()
