"""Load time of page 6, Certainty & summary (``GET /certainty``), in process: the ASGI app with Starlette's
TestClient (no network, no server process) over a copy of the bundled SYNTHETIC rTMS review
(``review.toml``, study tables and risk-of-bias file under ``data/``, as the web tests use it).

Three cases, each timed ``--repeat`` times (median and best wall-clock time per request, and the median
process CPU time, which a busy machine disturbs less):

* **first load**: a new app per request (nothing cached: the whole review is run);
* **reload, nothing changed**: the same app, the page loaded again;
* **reload after a change**: a study table touched (new content) before every request, so the review
  must be run again.

With ``--breakdown`` it also times the pieces of a load apart: running the review
(:func:`evisynth.api.webreview.review_result`), the checked plain-language summary and the
summary-of-findings fragment.

    PYTHONPATH=src python benchmarks/bench_web_pages.py [--repeat 15] [--breakdown]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

warnings.filterwarnings("ignore", message="Using `httpx` with")


def _timed(func: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and process CPU times (all threads: the app runs in TestClient's thread) of each call."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def _row(label: str, times: tuple[list[float], list[float]]) -> str:
    wall, cpu = times
    return (f"| {label} | {statistics.median(wall) * 1000:.1f} ms | {min(wall) * 1000:.1f} ms | "
            f"{statistics.median(cpu) * 1000:.1f} ms | {len(wall)} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--breakdown", action="store_true", help="also time the review run, summary and SoF apart")
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from evisynth.examples.data import RTMS_DIR
    from evisynth.web.app import create_app

    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "review"
        shutil.copytree(RTMS_DIR, folder / "data")

        def first_load() -> None:
            app = create_app(folder)
            try:
                with TestClient(app, base_url="http://127.0.0.1") as client:
                    assert client.get("/certainty").status_code == 200
            finally:
                app.state.project.close()

        first_load()  # imports and template compilation out of the way
        rows.append(_row("first load (new app, nothing cached)", _timed(first_load, args.repeat)))
        app = create_app(folder)
        try:
            with TestClient(app, base_url="http://127.0.0.1") as client:
                assert client.get("/certainty").status_code == 200
                rows.append(_row("reload, nothing changed", _timed(lambda: client.get("/certainty"), args.repeat)))
                table = sorted((folder / "data").glob("*.csv"))[0]
                original = table.read_text(encoding="utf-8")
                counter = [0]

                def changed() -> None:
                    counter[0] += 1
                    table.write_text(original + "\n" * (counter[0] % 2), encoding="utf-8")
                    client.get("/certainty")

                rows.append(_row(f"reload after a change ({table.name} rewritten)", _timed(changed, args.repeat)))
                table.write_text(original, encoding="utf-8")
        finally:
            app.state.project.close()
        if args.breakdown:
            from evisynth.api.webreview import review_result, sof_fragment, summary_view

            result = review_result(folder)
            rows.append(_row("  review_result() alone", _timed(lambda: review_result(folder), args.repeat)))
            rows.append(_row("  summary_view() alone", _timed(lambda: summary_view(result), args.repeat)))
            rows.append(_row("  sof_fragment() alone", _timed(lambda: sof_fragment(result), args.repeat)))
    print("| GET /certainty (bundled rTMS review) | median | best | median CPU | n |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
