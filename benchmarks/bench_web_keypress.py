"""One screening keypress in process (issue #12): the POST of a decision plus the page of the next record,
through the ASGI app with Starlette's TestClient (no network, no server process), over a fresh copy of the
SYNTHETIC demo search project. Reports the round-trip percentiles and the SQL statements per keypress; with
``--profile`` the top of a cProfile of the loop.

    PYTHONPATH=src python benchmarks/bench_web_keypress.py [--keypresses 200] [--stage title] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import statistics
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="Using `httpx` with")

RECORD = re.compile(r'name="record_id" value="(\d+)"')
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keypresses", type=int, default=200)
    parser.add_argument("--stage", choices=("title", "fulltext"), default="title")
    parser.add_argument("--profile", action="store_true", help="print the 25 most expensive calls (cumulative)")
    args = parser.parse_args()

    from sqlalchemy import event
    from starlette.testclient import TestClient

    from evisynth.api.web import build_demo_project
    from evisynth.web.app import create_app

    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "project"
        build_demo_project(folder).close()
        app = create_app(folder)
        statements = [0]
        event.listen(app.state.project.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0,
                                                                                                     statements[0] + 1))
        latencies: list[float] = []
        per_key: list[int] = []
        profiler = cProfile.Profile() if args.profile else None
        with TestClient(app, base_url="http://127.0.0.1") as client:
            token = TOKEN.search(client.get("/").text).group(1)  # type: ignore[union-attr]
            client.post("/reviewer", data={"reviewer": "bench", "csrf_token": token, "next": "/"})
            page = client.get(f"/screening?stage={args.stage}").text
            for _ in range(args.keypresses):
                match = RECORD.search(page)
                if match is None:
                    page = client.get(f"/screening?stage={args.stage}&id=1").text
                    match = RECORD.search(page)
                    if match is None:
                        raise SystemExit(f"no record up for {args.stage} screening")
                before = statements[0]
                t0 = time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.post("/screening/decide", data={
                    "csrf_token": token, "stage": args.stage, "record_id": match.group(1),
                    "decision": rng.choice(("include", "maybe")), "reason": ""})
                if profiler:
                    profiler.disable()
                latencies.append(time.perf_counter() - t0)
                per_key.append(statements[0] - before)
                assert response.status_code == 200 and "flash-error" not in response.text, response.text[-500:]
                page = response.text
        app.state.project.close()
    lat = sorted(latencies)
    print(f"| stage | keypresses | p50 ms | p95 ms | max ms | SQL statements per keypress |\n|---|---|---|---|---|---|\n"
          f"| {args.stage} | {len(lat)} | {1000 * statistics.median(lat):.1f} | "
          f"{1000 * lat[int(0.95 * (len(lat) - 1))]:.1f} | {1000 * lat[-1]:.1f} | {statistics.median(per_key):g} |")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
