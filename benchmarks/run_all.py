"""Run every benchmark in turn and print their tables (see README.md in this folder).

    PYTHONPATH=src python benchmarks/run_all.py [--quick]

``--quick`` uses smaller sizes (100,000 meta-analyses, 2,000,000 streamed rows).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from _common import HERE, evisynth_env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs = [
        ["bench_single.py"],
        ["bench_batch.py"] + (["--sizes", "100000"] if args.quick else []),
        ["bench_cli.py"] + (["--batch-rows", "2000000", "--repeat", "3"] if args.quick else []),
        ["bench_permutation.py"] + (["--permutations", "1000"] if args.quick else []),
        ["bench_bayes.py"] + (["--sizes", "1000", "--loop", "30", "--repeat", "1"] if args.quick else []),
        ["bench_dependent.py"] + (["--repeat", "2"] if args.quick else []),
    ]
    for cmd in runs:
        print(f"\n### {' '.join(cmd)}\n", flush=True)
        subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]], env=evisynth_env(), check=False)


if __name__ == "__main__":
    main()
