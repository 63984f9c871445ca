"""Helpers shared by the benchmark scripts (not a test module: nothing here is timed by pytest)."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
if importlib.util.find_spec("evisynth") is None:  # not installed and no PYTHONPATH: use this checkout
    sys.path.insert(0, str(SRC))

SEED = 20261124


def simulate(m: int, k: int = 10, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``m`` meta-analyses of ``k`` studies: true tau2 ~ U(0, 0.2), v ~ U(0.01, 0.2)."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.2, (m, k))
    tau2 = rng.uniform(0.0, 0.2, (m, 1))
    mu = rng.normal(0.0, 0.3, (m, 1))
    y = mu + rng.normal(0.0, 1.0, (m, k)) * np.sqrt(v + tau2)
    return y, v


def best_time(func: Any, repeat: int = 5, number: int = 1, cpu: bool = False) -> float:
    """Best time of ``number`` calls, over ``repeat`` runs, per call (seconds).

    ``cpu=True`` measures process CPU time (less sensitive to other jobs on a shared machine;
    the R side of the comparisons then uses CPU time too).
    """
    clock = time.process_time if cpu else time.perf_counter
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        for _ in range(number):
            func()
        best = min(best, (clock() - t0) / number)
    return best


def peak_traced(func: Any) -> int:
    """Peak memory traced by tracemalloc (numpy allocations included) during one call, in bytes."""
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def load_average() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def timed_process(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB, -1 if unknown) and stdout of one process run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({proc.returncode}): {err[-2000:]}")
    return wall, int(usage.ru_maxrss), out


def evisynth_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def have_r_metafor() -> bool:
    if shutil.which("Rscript") is None:
        return False
    res = subprocess.run(["Rscript", "-e", "suppressMessages(library(metafor)); cat(1)"], capture_output=True,
                         text=True)
    return res.returncode == 0 and res.stdout.strip().endswith("1")


def r_json(script: str, *args: str) -> dict[str, Any]:
    """Run an R script whose last output line is JSON."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(script)
        path = fh.name
    try:
        res = subprocess.run(["Rscript", path, *args], capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"Rscript failed: {res.stderr[-2000:]}")
    finally:
        os.unlink(path)
    return json.loads(res.stdout.strip().splitlines()[-1])


def write_matrix_csv(path: Path, y: np.ndarray, v: np.ndarray) -> None:
    """Long CSV (id, yi, vi) of the rows of ``y``/``v`` for R."""
    m, k = y.shape
    ids = np.repeat(np.arange(m), k)
    data = np.column_stack([ids, y.ravel(), v.ravel()])
    np.savetxt(path, data, delimiter=",", header="id,yi,vi", comments="", fmt=["%d", "%.17g", "%.17g"])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}, numpy {np.__version__}, "
            f"{platform.system()} {platform.release()}")


def table(rows: list[list[Any]], header: list[str]) -> str:
    """A plain-text table."""
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def fmt_time(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def ratio(slow: float, fast: float) -> str:
    if not (slow == slow and fast == fast) or fast <= 0:
        return "-"
    return f"{slow / fast:,.1f}x"
