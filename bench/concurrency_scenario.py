"""Issue #15's production-shape scenario, repeated: does the union catalogue stay right?

``python -m bench.concurrency_scenario [--records 20000] [--members 5] [--readers 20] [--kills 4]``
(needs ``CONSORTIUM_TEST_POSTGRES_URL``, e.g. ``eval "$(bash .ci/postgres.sh)"``; not part of
``make bench``).

On a fresh PostgreSQL database it runs ``consortium serve`` with
``CONSORTIUM_BACKGROUND_JOBS=false`` and a separate ``consortium worker``; five members run
``member-sync push`` of their CSV exports at once (``--records`` each, 30% of them books every
member holds, in each member's own order, from ``consortium.demo.synthetic``); twenty readers
search all the while; and a member-sync, the worker and the web server are each killed with
SIGKILL ``--kills`` times (and started again: a member-sync resumes from its checkpoint). At
the end it reports the records pushed, holdings lost or duplicated, ISBNs on more than one live
work, the web's empty-query total against the database, ``catalogue check``, the 5xx answers
(readers and pushes) and the readers' p50/p95, and prints them as JSON.
"""
import argparse
import csv
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from consortium.demo.synthetic import EN_WORDS, ZH_WORDS, synthetic_record

BIN = Path(sys.executable).parent
CSV_FIELDS = ("local_id", "title", "authors", "isbns", "publisher", "year", "language", "format", "clc", "subjects",
              "call_number", "copies", "available", "acquired_on")


def exports(folder: Path, members: list[str], count: int, share: float = 0.3) -> dict[str, Path]:
    """One CSV per member: ``share`` of its records are books every member holds."""
    shared = int(count * share)
    paths = {}
    for index, code in enumerate(members):
        numbers = list(range(shared)) + [1_000_000 * (index + 1) + n for n in range(count - shared)]
        random.Random(index).shuffle(numbers)
        path = folder / f"{code}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_FIELDS)
            for n in numbers:
                record = synthetic_record(n, random.Random(n))
                record["local_id"] = f"{code}-{n}"
                writer.writerow([";".join(v) if isinstance(v, list) else v for v in
                                 (record.get(name) for name in CSV_FIELDS)])
        paths[code] = path
    return paths


class Scenario:
    """The processes of one run, started and killed by their own ids."""

    def __init__(self, options, work: Path, database_url: str):
        self.options = options
        self.work = work
        self.port = options.port
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CONSORTIUM_DATABASE_URL": database_url, "CONSORTIUM_INSTANCE": str(work / "instance"),
                    "CONSORTIUM_BACKGROUND_JOBS": "false", "CONSORTIUM_SECRET_KEY": "scenario", "PYTHONUNBUFFERED": "1"}
        self.logs = work / "logs"
        self.logs.mkdir()
        self.web = self.worker = None
        self.syncs: dict[str, subprocess.Popen] = {}
        self.sync_runs: Counter = Counter()
        self.kills: Counter = Counter()

    def consortium(self, *args, check=True) -> str:
        done = subprocess.run([str(BIN / "consortium"), *args], env=self.env, capture_output=True, text=True)
        if check and done.returncode not in (0, 1):
            raise RuntimeError(f"consortium {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def start_web(self) -> None:
        log = open(self.logs / "web.log", "a")
        self.web = subprocess.Popen([str(BIN / "consortium"), "serve", "--port", str(self.port), "--threads", "8"],
                                    env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_up()

    def start_worker(self) -> None:
        log = open(self.logs / "worker.log", "a")
        self.worker = subprocess.Popen([str(BIN / "consortium"), "worker"], env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT)

    def start_sync(self, code: str, key: str, path: Path) -> None:
        self.sync_runs[code] += 1
        log = open(self.logs / f"sync-{code}.log", "a")
        env = {**self.env, "DAODU_URL": self.url, "DAODU_MEMBER": code, "DAODU_KEY": key}
        self.syncs[code] = subprocess.Popen(
            [str(BIN / "member-sync"), "--retries", "40", "push", str(path), "--format", "csv",
             "--state-dir", str(self.work / "state")], env=env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self, process: subprocess.Popen, kind: str) -> None:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            self.kills[kind] += 1

    def _wait_up(self, seconds: float = 60) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/search?per_page=1", timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("the web server did not come up")

    def stop_all(self) -> None:
        for process in [self.web, self.worker, *self.syncs.values()]:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()


class Readers:
    """Readers searching a word at a time until stopped; latencies of the answers that came."""

    def __init__(self, url: str, count: int):
        self.url, self.count = url, count
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(count)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _run(self, seed: int) -> None:
        rng, http = random.Random(seed), requests.Session()
        while not self.stop.is_set():
            query = rng.choice(ZH_WORDS + EN_WORDS)
            started = time.perf_counter()
            try:
                status = http.get(f"{self.url}/api/v1/search", params={"q": query}, timeout=30).status_code
            except requests.RequestException:
                self.statuses["no answer (server down)"] += 1
                time.sleep(0.5)
                continue
            self.statuses[status] += 1
            if status == 200:
                self.latencies.append(time.perf_counter() - started)
            time.sleep(rng.uniform(0.05, 0.3))

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(40)


def run(options) -> dict:
    admin_url = os.environ.get("CONSORTIUM_TEST_POSTGRES_URL")
    if not admin_url:
        raise SystemExit("set CONSORTIUM_TEST_POSTGRES_URL (eval \"$(bash .ci/postgres.sh)\")")
    name = f"daodu_scenario_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    members = [f"M{i}" for i in range(1, options.members + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scenario = Scenario(options, work, database_url)
        try:
            return _run(options, scenario, members, work, database_url)
        finally:
            scenario.stop_all()
            if not options.keep:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _run(options, scenario: Scenario, members: list[str], work: Path, database_url: str) -> dict:
    scenario.consortium("init")
    keys = {}
    for code in members:
        scenario.consortium("members", "add", code, "--name", f"{code} 馆")
        keys[code] = scenario.consortium("keys", "issue", code).strip().splitlines()[-1]
    paths = exports(work, members, options.records)
    started = time.time()
    scenario.start_web()
    scenario.start_worker()
    readers = Readers(scenario.url, options.readers)
    readers.start()
    for code in members:
        scenario.start_sync(code, keys[code], paths[code])
    rng = random.Random(4)
    schedule = [kind for _ in range(options.kills) for kind in ("member-sync", "worker", "web")]
    for kind in schedule:
        time.sleep(options.kill_every)
        if kind == "member-sync":
            running = [c for c, p in scenario.syncs.items() if p.poll() is None]
            if running:
                code = rng.choice(running)
                scenario.kill(scenario.syncs[code], kind)
                scenario.start_sync(code, keys[code], paths[code])
        elif kind == "worker":
            scenario.kill(scenario.worker, kind)
            scenario.start_worker()
        else:
            scenario.kill(scenario.web, kind)
            scenario.start_web()
    exits = _finish_syncs(scenario, keys, paths)
    pushed_at = time.time()
    _wait_indexed(scenario)
    readers.finish()
    return _measure(options, scenario, readers, database_url, members, exits, started, pushed_at)


def _finish_syncs(scenario: Scenario, keys, paths) -> dict:
    """Wait for every member-sync; one that failed (exit 2: gave up) is run again, as a member would."""
    exits = {}
    while len(exits) < len(scenario.syncs):
        for code, process in list(scenario.syncs.items()):
            if code in exits or process.poll() is None:
                continue
            if process.returncode == 2 and scenario.sync_runs[code] < 20:
                scenario.start_sync(code, keys[code], paths[code])
            else:
                exits[code] = process.returncode
        time.sleep(1)
    return exits


def _wait_indexed(scenario: Scenario, seconds: float = 1800) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = json.loads(scenario.consortium("index", "status", "--json"))
        if status.get("lag") == 0:
            return
        time.sleep(3)


def _measure(options, scenario, readers, database_url, members, exits, started, pushed_at) -> dict:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        holdings = dict(conn.execute(text("SELECT m.code, count(*) FROM holding h JOIN member m ON m.id = h.member_id "
                                          "GROUP BY m.code")).all())
        duplicated = conn.execute(text("SELECT count(*) FROM (SELECT member_id, local_id FROM holding "
                                       "GROUP BY member_id, local_id HAVING count(*) > 1) d")).scalar()
        multi = conn.execute(text(
            "SELECT count(*) FROM (SELECT wi.value FROM work_identifier wi JOIN work w ON w.id = wi.work_id "
            "WHERE w.merged_into_id IS NULL AND wi.kind = 'isbn' GROUP BY wi.value, w.carrier "
            "HAVING count(DISTINCT wi.work_id) > 1) m")).scalar()
        stranded = conn.execute(text("SELECT count(*) FROM holding h JOIN work w ON w.id = h.work_id "
                                     "WHERE w.merged_into_id IS NOT NULL")).scalar()
        live_held = conn.execute(text("SELECT count(*) FROM work w WHERE w.merged_into_id IS NULL AND EXISTS "
                                      "(SELECT 1 FROM holding h WHERE h.work_id = w.id)")).scalar()
    engine.dispose()
    web_totals = [requests.get(f"{scenario.url}/api/v1/search", params={"per_page": 1}, timeout=60).json()["total"]
                  for _ in range(5)]
    check = json.loads(scenario.consortium("catalogue", "check", "--json", check=False) or "{}")
    web_log = (scenario.logs / "web.log").read_text(errors="replace")
    sync_logs = "".join((scenario.logs / f"sync-{c}.log").read_text(errors="replace") for c in members)
    latencies = sorted(readers.latencies)
    expected = options.records
    return {
        "records_per_member": expected, "members": len(members),
        "records_pushed": sum(holdings.values()),
        "holdings_lost": sum(max(0, expected - holdings.get(c, 0)) for c in members),
        "holdings_duplicated": duplicated,
        "isbns_on_more_than_one_live_work": multi,
        "holdings_on_merged_away_works": stranded,
        "web_empty_query_totals": web_totals, "database_live_held_works": live_held,
        "catalogue_check_clean": check.get("clean"),
        "reader_statuses": {str(k): v for k, v in readers.statuses.items()},
        "reader_5xx": sum(v for k, v in readers.statuses.items() if isinstance(k, int) and k >= 500),
        "push_5xx_answers": dict(Counter(re.findall(r"HTTP (5\d\d)", sync_logs))),
        "push_connection_failures": len(re.findall(r"(?:ConnectionError|NewConnectionError|RemoteDisconnected)", sync_logs)),
        "web_unhandled_errors": web_log.count("unhandled error"),
        "reader_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "reader_p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
        "reader_searches": len(latencies),
        "kills": dict(scenario.kills), "member_sync_runs": dict(scenario.sync_runs), "member_sync_exits": exits,
        "push_seconds": round(pushed_at - started, 1), "total_seconds": round(time.time() - started, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000, help="records per member")
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--kills", type=int, default=4, help="SIGKILLs of each process kind")
    parser.add_argument("--kill-every", type=float, default=12.0, help="seconds between kills")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--keep", action="store_true", help="keep the scenario's database")
    options = parser.parse_args(argv)
    report = run(options)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
