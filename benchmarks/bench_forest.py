"""Time rendering an 18-study forest plot with two subgroups (layout + draw + 300 dpi PNG).

Run: ``PYTHONPATH=src python benchmarks/bench_forest.py [--repeat N]``. The first render pays
for font loading and is reported separately; the figure of merit is the median of the warm runs
(wall time, and the process's CPU time, which stays meaningful on a loaded machine).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import pandas as pd

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.plots import forest
from evisynth.plots.export import figure_bytes


def eighteen_studies() -> pd.DataFrame:
    rng = np.random.default_rng(18)
    k = 18
    m2 = np.round(rng.normal(3.0, 0.5, k), 2)
    return pd.DataFrame({
        "study": [f"Trial {i + 1} {1995 + i}" for i in range(k)],
        "m1": np.round(m2 - 0.25 + rng.normal(0, 0.35, k), 2), "sd1": np.round(rng.uniform(0.5, 1.5, k), 2),
        "n1": rng.integers(8, 60, k), "m2": m2, "sd2": np.round(rng.uniform(0.5, 1.5, k), 2),
        "n2": rng.integers(8, 60, k), "frequency": ["high" if i % 3 else "low" for i in range(k)],
    })


def render(doc: AnalysisBundle, fmt: str) -> tuple[float, float, float, float]:
    c0 = time.process_time()
    t0 = time.perf_counter()
    lay = forest.forest_layout(doc, prediction=True)
    t1 = time.perf_counter()
    fig = forest.draw(lay)
    t2 = time.perf_counter()
    figure_bytes(fig, fmt)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--format", default="png", choices=("png", "svg", "pdf"))
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = run_analysis(eighteen_studies(), AnalysisSpec(subgroup="frequency"), source="bench")
    cold = sum(render(doc, args.format)[:3])
    runs = [render(doc, args.format) for _ in range(args.repeat)]
    total = [sum(r[:3]) for r in runs]
    print(f"18-study forest plot with 2 subgroups, {args.format} at 300 dpi")
    print(f"  cold (first render, loads fonts): {cold * 1000:.0f} ms")
    print(f"  warm median over {args.repeat}: {statistics.median(total) * 1000:.0f} ms "
          f"(layout {statistics.median(r[0] for r in runs) * 1000:.1f} ms, "
          f"draw {statistics.median(r[1] for r in runs) * 1000:.0f} ms, "
          f"encode {statistics.median(r[2] for r in runs) * 1000:.0f} ms)")
    print(f"  warm median CPU time of this process: {statistics.median(r[3] for r in runs) * 1000:.0f} ms "
          "(wall time above also counts waiting for the CPU on a busy machine)")


if __name__ == "__main__":
    main()
