"""Load test of the web app (issue #12): simulated reviewers screening concurrently over HTTP.

Starts ``evisynth serve`` on loopback (a separate process, uvicorn) over a fresh copy of the SYNTHETIC demo
search project, then runs N reviewers in threads. Each reviewer signs in under its own name and screens
title/abstract records one after another: a "keypress" is the POST of a decision plus the redirect to the
next record (the round trip a person waits for). When a reviewer has decided every record it revisits
random ones and changes its decision. At the end every acknowledged decision (the last one per reviewer
and record) is compared with the store: none may be lost, changed or duplicated.

    PYTHONPATH=src python benchmarks/bench_web_load.py                   # 20 reviewers, 60 s, SQLite
    PYTHONPATH=src python benchmarks/bench_web_load.py --duration 10
    EVISYNTH_TEST_PG_URL=postgresql+psycopg://... python benchmarks/bench_web_load.py   # also PostgreSQL

The PostgreSQL run uses the database named by ``EVISYNTH_TEST_PG_URL`` (``.ci/postgres.sh`` starts one) and
empties its evisynth tables first: never point it at a real project.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
RECORD = re.compile(r'name="record_id" value="(\d+)"')
DECISIONS = ("include", "exclude", "maybe")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reset_postgres(url: str) -> None:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)
    engine.dispose()


def start_server(folder: Path, port: int, db_url: str | None) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "evisynth", "serve", str(folder), "--port", str(port), "--no-browser"]
    if db_url:
        cmd += ["--db", db_url]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/static/app.css", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


class Reviewer(threading.Thread):
    def __init__(self, base: str, name: str, until: float, seed: int, think: float) -> None:
        super().__init__(daemon=True)
        self.think = think
        self.base, self.name, self.until = base, name, until
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.acked: dict[int, str] = {}
        self.errors: list[str] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base, follow_redirects=True, timeout=30) as client:
            page = client.get("/").text
            token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
            page = client.post("/reviewer", data={"reviewer": self.name, "csrf_token": token, "next": "/screening"}).text
            ids: list[int] = []
            while time.perf_counter() < self.until:
                match = RECORD.search(page)
                if match is None:  # all decided: revisit one and change its decision
                    if not ids:
                        ids = sorted(self.acked)
                    page = client.get(f"/screening?stage=title&id={self.rng.choice(ids)}").text
                    continue
                record = int(match.group(1))
                if self.think:
                    time.sleep(self.rng.uniform(0.5, 1.5) * self.think)  # reading the abstract
                decision = self.rng.choice(DECISIONS)
                t0 = time.perf_counter()
                response = client.post("/screening/decide", data={
                    "csrf_token": token, "stage": "title", "record_id": str(record), "decision": decision})
                self.latencies.append(time.perf_counter() - t0)
                if response.status_code != 200 or "flash-error" in response.text:
                    self.errors.append(f"{record}: HTTP {response.status_code}")
                    page = client.get("/screening?stage=title").text
                    continue
                self.acked[record] = decision
                page = response.text


def run(db_url: str | None, reviewers: int, duration: float, label: str, think: float) -> dict[str, Any]:
    from evisynth.api.records import screening
    from evisynth.api.web import build_demo_project, open_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "project"
        if db_url:
            reset_postgres(db_url)
        build_demo_project(folder, url=db_url).close()
        port = free_port()
        server = start_server(folder, port, db_url)
        try:
            until = time.perf_counter() + duration
            crew = [Reviewer(f"http://127.0.0.1:{port}", f"load-{i:02d}", until, i, think) for i in range(reviewers)]
            for r in crew:
                r.start()
            for r in crew:
                r.join()
        finally:
            server.terminate()
            server.wait(20)
        project = open_store(folder, db_url)
        lost = changed = 0
        stored_total = 0
        for r in crew:
            stored = screening.own_decisions(project, r.name, "title")
            stored_total += len(stored)
            lost += sum(1 for i in r.acked if i not in stored)
            changed += sum(1 for i, d in r.acked.items() if i in stored and stored[i].decision != d)
        from sqlalchemy import text

        with project.engine.connect() as conn:
            duplicated = conn.execute(text(
                "select count(*) from (select record_id, stage, reviewer from screening_decisions "
                "group by record_id, stage, reviewer having count(*) > 1) d")).scalar_one()
        project.close()
    lat = sorted(x for r in crew for x in r.latencies)
    acked = sum(len(r.acked) for r in crew)
    return {
        "store": label, "think": think, "reviewers": reviewers, "seconds": duration, "keypresses": len(lat),
        "per_second": len(lat) / duration, "p50_ms": 1000 * statistics.median(lat) if lat else float("nan"),
        "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
        "max_ms": 1000 * lat[-1] if lat else float("nan"),
        "acknowledged": acked, "stored": stored_total, "lost": lost, "changed": changed, "duplicated": duplicated,
        "errors": sum(len(r.errors) for r in crew),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of screening (default 60)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a reviewer reads before each keypress (0: keypresses back to back)")
    args = parser.parse_args()
    stores: list[tuple[str, str | None]] = [("SQLite", None)]
    if os.environ.get("EVISYNTH_TEST_PG_URL"):
        stores.append(("PostgreSQL", os.environ["EVISYNTH_TEST_PG_URL"]))
    else:
        print("(PostgreSQL skipped: EVISYNTH_TEST_PG_URL is not set; .ci/postgres.sh starts a local server)")
    print("| store | think s | reviewers | s | keypresses | per s | p50 ms | p95 ms | max ms | acknowledged | stored "
          "| lost | changed | duplicated | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    bad = False
    for label, url in stores:
        r = run(url, args.reviewers, args.duration, label, args.think)
        print(f"| {r['store']} | {r['think']:g} | {r['reviewers']} | {r['seconds']:.0f} | {r['keypresses']} | "
              f"{r['per_second']:.1f} | "
              f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} | {r['acknowledged']} | {r['stored']} | "
              f"{r['lost']} | {r['changed']} | {r['duplicated']} | {r['errors']} |", flush=True)
        bad |= bool(r["lost"] or r["changed"] or r["duplicated"] or r["stored"] != r["acknowledged"])
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
