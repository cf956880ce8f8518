"""Soak: the production shape under a consortium's day, with processes killed at random.

``python -m bench.soak [--minutes 10]`` (``make soak``; loopback only, PostgreSQL, not part of
``make test``). Five members push batches (about 30 % of ISBNs shared between members, now and
then a batch sent again), 50 readers search, open records and read feeds with think time,
some readers ask questions and each member's liaison claims and answers them. At random
moments the worker or web process 2 is killed with SIGKILL and restarted. Clients spread
requests over both web processes and, like nginx's ``proxy_next_upstream``, send a failed
push or question again to the other one.

At the end: every acknowledged record is a holding exactly once (none lost, none duplicated),
the index equals the database (``index check``, and each web process's empty-query total),
every question is in a valid state (answered ones carry their answer), every mail went out
once (no Message-ID received twice), and no 5xx except while its process was down (counted
apart). The table gives p50/p95/p99 per route; the JSON goes to ``bench-results/``.
"""
import argparse
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench.shape import Shape, staff_session

MEMBERS = ["M1", "M2", "M3", "M4", "M5"]
WORDS = ["红楼梦", "历史", "中国", "数据", "算法", "建筑", "诗词", "经济", "哲学", "物理", "history", "science",
         "design", "library", "计算机", "文学", "化学", "地理", "教育", "艺术"]
STATES = {"new", "claimed", "waiting", "answered", "closed"}


def isbn13(n: int) -> str:
    body = f"978{n:09d}"
    check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


class Ledger:
    """Every request's outcome, and the windows in which a process was down."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.failures: list[tuple[str, int, str, float]] = []  # (route, web index, status, time)
        self.down: dict[int, list[list[float]]] = defaultdict(list)  # web index → [[from, to]]

    def record(self, route: str, web: int, status: str, seconds: float) -> None:
        with self.lock:
            self.statuses[route][status] += 1
            if status.isdigit() and int(status) < 500:
                self.samples[route].append(seconds)
            else:
                self.failures.append((route, web, status, time.time()))

    def while_down(self, web: int, at: float) -> bool:
        return any(start - 1 <= at <= (end if end else time.time()) + 2 for start, end in self.down.get(web, []))


class Soak:
    def __init__(self, shape: Shape, minutes: float, seed: int):
        self.shape, self.ledger = shape, Ledger()
        self.minutes = minutes
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.keys: dict[str, str] = {}
        self.pushed: dict[str, set[str]] = defaultdict(set)
        self.titles: list[str] = []
        self.questions: list[int] = []
        self.kills: list[dict] = []
        self.crashed: list[str] = []
        self.open_fds: dict[str, int] = {}
        self.up = [True] * len(shape.urls)
        self.lock = threading.Lock()

    # -- HTTP with failover -----------------------------------------------------------
    def call(self, route: str, method: str, path: str, *, session=None, retries: int = 0, **kwargs):
        """One request to a web process (round robin over the ones up); ``retries`` more on
        the other process after a connection error or a 5xx (for idempotent pushes)."""
        http = session or requests
        start_index = self.rng.randrange(len(self.shape.urls))
        for attempt in range(retries + 1):
            web = (start_index + attempt) % len(self.shape.urls)
            started = time.perf_counter()
            try:
                response = http.request(method, self.shape.urls[web] + path, timeout=120, **kwargs)
                status = str(response.status_code)
            except requests.RequestException:
                response, status = None, "conn"
            self.ledger.record(route, web, status, time.perf_counter() - started)
            if response is not None and response.status_code < 500:
                return response
            time.sleep(0.5 + attempt)
        return None

    # -- the actors -------------------------------------------------------------------
    def pusher(self, member: str, index: int) -> None:
        rng = random.Random(index)
        serial = itertools.count()
        sent: list[list[dict]] = []
        while not self.stop.is_set():
            if sent and rng.random() < 0.1:
                batch = rng.choice(sent)  # sent again: an idempotent upsert
            else:
                batch = [self.record(member, next(serial), rng) for _ in range(100)]
            answer = self.call("push", "POST", f"/api/v1/members/{member}/records", retries=6, json={"records": batch},
                               headers={"Authorization": f"Bearer {self.keys[member]}"})
            if answer is not None and answer.status_code == 200:
                rejected = {r["local_id"] for r in answer.json()["rejected"]}
                with self.lock:
                    self.pushed[member].update(r["local_id"] for r in batch if r["local_id"] not in rejected)
                sent.append(batch)
            self.stop.wait(rng.uniform(0.5, 2.0))

    def record(self, member: str, n: int, rng: random.Random) -> dict:
        shared = rng.random() < 0.3
        isbn = isbn13(rng.randrange(3000)) if shared else isbn13(100000 + MEMBERS.index(member) * 10 ** 6 + n)
        title = f"{rng.choice(WORDS)}{rng.choice(WORDS)} {isbn[-6:]}"
        with self.lock:
            if len(self.titles) < 5000:
                self.titles.append(title)
        return {"local_id": f"{member.lower()}-{n}", "title": title, "authors": [f"作者{rng.randrange(500)}"],
                "isbns": [isbn], "year": 1990 + rng.randrange(36), "clc": rng.choice(["I242", "TP311", "K20", "O4"]),
                "acquired_on": "2026-12-01", "copies": 1, "available": rng.randrange(2)}

    def reader(self, index: int) -> None:
        rng = random.Random(1000 + index)
        while not self.stop.is_set():
            roll = rng.random()
            if roll < 0.6:
                query = rng.choice(self.titles).split()[0] if self.titles and rng.random() < 0.7 else rng.choice(WORDS)
                answer = self.call("search", "GET", "/api/v1/search", params={"q": query})
                if answer is not None and answer.status_code == 200 and answer.json()["results"] and rng.random() < 0.5:
                    work = rng.choice(answer.json()["results"])["id"]
                    self.call("work", "GET", f"/api/v1/works/{work}", allow_redirects=True)
            elif roll < 0.9:
                fmt = rng.choice(["atom", "rss", "json"])
                self.call(f"feed.{fmt}", "GET", f"/feeds/new.{fmt}", params={"member": rng.choice(MEMBERS)})
            elif roll < 0.93:
                asked = self.call("ask", "POST", "/api/v1/questions", retries=4, json={
                    "question": f"请问有没有关于{rng.choice(WORDS)}的书？", "name": f"读者{index}",
                    "email": f"reader{index}@reader.example", "home_member": rng.choice(MEMBERS)})
                if asked is not None and asked.status_code == 201:
                    with self.lock:
                        self.questions.append(asked.json()["id"])
            else:
                self.call("home", "GET", "/", headers={"Accept-Language": rng.choice(["zh-CN", "en"])})
            self.stop.wait(rng.uniform(0.5, 2.0))

    def liaison(self, member: str) -> None:
        session = None
        while not self.stop.is_set():
            try:
                session = session or staff_session(self.shape.urls[0] if self.up[0] else self.shape.urls[1],
                                                   f"liaison@{member.lower()}.example", "liaison-pass-1")
            except (requests.RequestException, RuntimeError):
                self.stop.wait(2)
                continue
            queue = self.call("staff.queue", "GET", "/api/v1/staff/questions", session=session,
                              params={"tab": "new"})
            for item in (queue.json()["questions"] if queue is not None and queue.status_code == 200 else [])[:3]:
                claimed = self.call("staff.claim", "POST", f"/api/v1/staff/questions/{item['id']}/claim", session=session,
                                    json={})
                if claimed is not None and claimed.status_code == 200:
                    self.call("staff.answer", "POST", f"/api/v1/staff/questions/{item['id']}/answer", session=session,
                              retries=2, json={"body": f"<p>{member} 馆藏可借，请到总馆二楼。</p>"})
            self.stop.wait(3)

    def killer(self) -> None:
        rng, victims = random.Random(7), itertools.cycle(["worker", "web2"])
        while not self.stop.wait(rng.uniform(30, 70)):
            victim = next(victims)
            killed_at = time.time()
            web = 1 if victim == "web2" else None
            if web is not None:
                self.up[web] = False
                self.ledger.down[web].append([killed_at, 0.0])
            self.shape.kill(victim)
            self.stop.wait(rng.uniform(1, 5))
            self.shape.restart(victim)
            back = time.time()
            if web is not None:
                self.ledger.down[web][-1][1] = back
                self.up[web] = True
            self.kills.append({"process": victim, "at": killed_at, "down_seconds": round(back - killed_at, 1)})
            print(f"  killed {victim} at {datetime.fromtimestamp(killed_at, timezone.utc):%H:%M:%S}, back after "
                  f"{back - killed_at:.1f} s", flush=True)

    # -- the run ----------------------------------------------------------------------
    def seed(self) -> None:
        for member in MEMBERS:
            self.keys[member] = self.shape.add_member(member, f"成员馆{member}")
            self.shape.add_staff(f"liaison@{member.lower()}.example", "liaison-pass-1", "liaison", member)

    def run(self) -> None:
        deadline = time.monotonic() + self.minutes * 60
        threads = [threading.Thread(target=self.pusher, args=(m, i), daemon=True) for i, m in enumerate(MEMBERS)]
        threads += [threading.Thread(target=self.reader, args=(i,), daemon=True) for i in range(50)]
        threads += [threading.Thread(target=self.liaison, args=(m,), daemon=True) for m in MEMBERS]
        killer = threading.Thread(target=self.killer, daemon=True)
        for thread in threads + [killer]:
            thread.start()
        while time.monotonic() < deadline:
            time.sleep(5)
        self.stop.set()
        killer.join(120)
        for thread in threads:
            thread.join(180)
        self.open_fds = {name: len(os.listdir(f"/proc/{proc.pid}/fd")) for name, proc in self.shape.procs.items()
                         if proc.poll() is None}
        # a process that died by itself (not by the killer) is a failure; it is restarted to verify
        self.crashed = [name for name, proc in self.shape.procs.items() if proc.poll() is not None]
        for name in self.crashed:
            print(f"  {name} died by itself (see its log); restarting it to verify", flush=True)
            self.shape.restart(name)


def verify(soak: Soak) -> dict:
    """The end-of-run invariants, read from the database, the index and the SMTP server."""
    shape = soak.shape
    status = shape.wait_indexed(600)
    engine = create_engine(shape.env["CONSORTIUM_DATABASE_URL"])
    _wait_for_mail(engine)
    with engine.connect() as conn:
        holdings = conn.execute(text("SELECT m.code, h.local_id, h.work_id, w.merged_into_id FROM holding h "
                                     "JOIN member m ON m.id = h.member_id JOIN work w ON w.id = h.work_id")).all()
        isbn_split = conn.execute(text(
            "SELECT count(*) FROM (SELECT value FROM work_identifier i JOIN work w ON w.id = i.work_id "
            "WHERE w.merged_into_id IS NULL AND i.kind = 'isbn' GROUP BY value HAVING count(DISTINCT work_id) > 1) s")
        ).scalar()
        questions = dict(conn.execute(text("SELECT id, status FROM question")).all())
        unanswered = conn.execute(text(
            "SELECT count(*) FROM question q WHERE q.status = 'answered' AND NOT EXISTS "
            "(SELECT 1 FROM question_message m WHERE m.question_id = q.id AND m.kind = 'answer')")).scalar()
        outbox = dict(conn.execute(text("SELECT status, count(*) FROM mail_outbox GROUP BY status")).all())
        sent_keys = {k for (k,) in conn.execute(text("SELECT message_key FROM mail_outbox WHERE status = 'sent'"))}
    engine.dispose()
    in_db = defaultdict(list)
    for code, local_id, _work, _merged in holdings:
        in_db[code].append(local_id)
    lost = sum(len(soak.pushed[m] - set(in_db[m])) for m in MEMBERS)
    duplicated = sum(len(ids) - len(set(ids)) for ids in in_db.values())
    received = [m["Message-ID"].strip("<>").split("@")[0] for _to, m in shape.smtp.received()]
    checked = shape.cli("index", "check")
    live = int(checked.split("Checked ", 1)[1].split(" works", 1)[0].replace(",", ""))
    totals = [requests.get(f"{url}/api/v1/search", params={"q": ""}, timeout=60).json()["total"] for url in shape.urls]
    return {
        "records_pushed": sum(len(ids) for ids in soak.pushed.values()), "holdings": len(holdings),
        "holdings_lost": lost, "holdings_duplicated": duplicated,
        "holdings_on_merged_works": sum(1 for h in holdings if h[3] is not None),
        "isbns_on_more_than_one_live_work": isbn_split,
        "index_check_clean": "NOT clean" not in checked, "index_lag": status["lag"], "live_works": live,
        "web_totals": totals,
        "questions_asked": len(soak.questions), "questions_missing": len(set(soak.questions) - set(questions)),
        "questions_by_state": dict(sorted(defaultdict(int, {s: list(questions.values()).count(s)
                                                            for s in set(questions.values())}).items())),
        "questions_invalid_state": sum(1 for s in questions.values() if s not in STATES),
        "answered_without_answer": unanswered,
        "mail_outbox": outbox, "mails_received": len(received),
        "mails_received_twice": len(received) - len(set(received)),
        "mails_sent_not_received": len(sent_keys - set(received)),
        "processes_died_by_themselves": soak.crashed, "open_file_descriptors_at_end": soak.open_fds,
    }


def _wait_for_mail(engine, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            pending = conn.execute(text("SELECT count(*) FROM mail_outbox WHERE status IN "
                                        "('queued', 'claimed', 'sending')")).scalar()
        if not pending:
            return
        time.sleep(2)


def report(soak: Soak, result: dict, minutes: float) -> tuple[list[dict], bool]:
    ledger = soak.ledger
    rows = []
    for route in sorted(ledger.statuses):
        samples = sorted(ledger.samples[route])
        fails = [f for f in ledger.failures if f[0] == route]
        during = sum(1 for f in fails if ledger.while_down(f[1], f[3]))
        rows.append({"route": route, "requests": sum(ledger.statuses[route].values()),
                     "5xx_or_refused_while_up": len(fails) - during, "while_down": during,
                     "p50_ms": _pct(samples, 50), "p95_ms": _pct(samples, 95), "p99_ms": _pct(samples, 99)})
    print(f"\nSoak: {minutes:g} minutes, {len(soak.kills)} kills "
          f"({sum(k['process'] == 'worker' for k in soak.kills)} worker, "
          f"{sum(k['process'] == 'web2' for k in soak.kills)} web2)")
    header = ("route", "requests", "5xx_or_refused_while_up", "while_down", "p50_ms", "p95_ms", "p99_ms")
    widths = [max(len(str(r[h])) for r in rows + [dict(zip(header, header))]) for h in header]
    for row in [dict(zip(header, header))] + rows:
        print("  ".join(str(row[h]).rjust(w) for h, w in zip(header, widths)))
    print()
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = (result["holdings_lost"] == 0 and result["holdings_duplicated"] == 0 and result["index_check_clean"]
          and result["web_totals"] == [result["live_works"]] * len(result["web_totals"])
          and result["questions_invalid_state"] == 0 and result["questions_missing"] == 0
          and result["answered_without_answer"] == 0 and result["mails_received_twice"] == 0
          and not result["processes_died_by_themselves"]
          and all(r["5xx_or_refused_while_up"] == 0 for r in rows))
    return rows, ok


def _pct(samples: list[float], q: int):
    if not samples:
        return "-"
    if len(samples) == 1:
        return round(samples[0] * 1000, 1)
    return round(statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", metavar="DIR", help="run in DIR and keep its logs")
    parser.add_argument("--out", default="bench-results")
    options = parser.parse_args(argv)
    root = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="daodu-soak-"))
    shape = Shape(root, settings={"REFERENCE_RATE_LIMIT_PER_IP": 10 ** 6, "REFERENCE_RATE_LIMIT_PER_EMAIL": 10 ** 6,
                                  "MAIL_CLAIM_TIMEOUT_SECONDS": 30, "SEARCH_INDEX_GAP_TTL": 30})
    print(f"Soak in {root} for {options.minutes:g} minutes", flush=True)
    try:
        shape.start()
        soak = Soak(shape, options.minutes, options.seed)
        soak.seed()
        soak.run()
        result = verify(soak)
        rows, ok = report(soak, result, options.minutes)
    finally:
        shape.stop()
    Path(options.out).mkdir(exist_ok=True)
    out = Path(options.out) / f"soak-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"minutes": options.minutes, "kills": soak.kills, "routes": rows, "result": result,
                               "passed": ok}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n{'PASSED' if ok else 'FAILED'} (details in {out}; logs in {root / 'logs'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
