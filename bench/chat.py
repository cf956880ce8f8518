"""Live chat under load: N concurrent chats, each exchanging a message per second, while
readers search; search-page p95 without and with the chats, side by side in one run.

``python -m bench.chat [--chats 200] [--seconds 60] [--search-clients 4]`` (loopback only,
PostgreSQL; not part of ``make test``). The server setup is the one README "Live help"
recommends: web process(es) for pages (``consortium serve``, 8 threads), and one chat
process (``consortium serve --threads 400``) that serves the chat requests — the server-sent
event streams and the chats' POSTs (nginx routes ``/api/v1/chats/`` and ``/staff/chats/``
there). A waiting stream is a thread blocked on a condition variable; the chat process's
``ChatBus`` polls ``chat_event`` once per ``CHAT_POLL_SECONDS`` for all of them and is woken at
once by a message posted to the same process, so the chats cost the page process nothing.

The five demo members' liaisons go on duty; every chat rings at the reader's home member and
that liaison accepts it (40 chats each at 200). Then each chat sends one message a second,
alternately from the reader and the liaison, stamped with the send time; the reader's stream
(reconnecting with ``Last-Event-ID`` every ``CHAT_STREAM_SECONDS``) records when each
arrives. Meanwhile ``--search-clients`` loops fetch ``/search?q=…`` pages. The same search
loop runs first for ``--seconds`` without chats: the baseline.
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
from pathlib import Path

import requests

from bench.shape import Shape, free_port, staff_session

MEMBERS = ["NJU", "SEU", "NJAU", "NJNU", "NUAA"]
PASSWORD = "daodu-demo-2026"  # the demo's staff password (consortium.demo.loader)
WORDS = ["红楼梦", "历史", "中国", "数据", "算法", "建筑", "诗词", "经济", "哲学", "物理", "history", "design"]
SETTINGS = {
    "REFERENCE_RATE_LIMIT_PER_IP": 100000, "REFERENCE_RATE_LIMIT_PER_EMAIL": 100000,
    "CHAT_RATE_LIMIT_MESSAGES": "100000 per minute", "CHAT_RING_SECONDS": 3600, "CHAT_STREAM_SECONDS": 25,
    "CHAT_POLL_SECONDS": 0.25, "CHAT_PRESENCE_TTL_SECONDS": 120,
}


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Searcher:
    """Search-page loops; keeps each page's seconds."""

    def __init__(self, url: str, clients: int):
        self.url, self.clients, self.times, self.errors = url, clients, [], 0

    def run(self, seconds: float) -> list[float]:
        self.times, stop = [], time.monotonic() + seconds
        threads = [threading.Thread(target=self._loop, args=(stop,)) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.times

    def _loop(self, stop: float) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            started = time.perf_counter()
            answer = session.get(f"{self.url}/search", params={"q": random.choice(WORDS)}, timeout=60)
            self.times.append(time.perf_counter() - started)
            self.errors += answer.status_code != 200


class Reader:
    """One chat's reader: its event stream (resumed after each end) and when messages arrive."""

    def __init__(self, events_url: str, token: str, latencies: list, lock: threading.Lock):
        self.events_url, self.token, self.latencies, self.lock = events_url, token, latencies, lock
        self.last_id, self.stop, self.received = 0, False, 0

    def run(self) -> None:
        session = requests.Session()
        while not self.stop:
            try:
                with session.get(f"{self.events_url}/api/v1/chats/{self.token}/events", stream=True, timeout=60,
                                 headers={"Last-Event-ID": str(self.last_id)}) as answer:
                    self._read(answer)
            except requests.RequestException:
                time.sleep(0.5)

    def _read(self, answer) -> None:
        event_id = None
        for line in answer.iter_lines(decode_unicode=True):
            if self.stop:
                return
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: ") and event_id is not None:
                self.last_id = event_id
                data = json.loads(line[6:])
                if data.get("kind") == "message" and "t=" in (data.get("html") or ""):
                    sent = float(data["html"].split("t=", 1)[1].split(" ", 1)[0].split("<", 1)[0])
                    with self.lock:
                        self.latencies.append(time.time() - sent)
                        self.received += 1


def setup(shape: Shape, events_port: int, chats: int) -> tuple[list[dict], dict]:
    """Demo data, liaisons on duty around the clock, ``chats`` chats accepted by their home liaison."""
    shape.cli("demo", "--no-serve")
    shape.wait_indexed()
    base = shape.urls[0]
    desks = {}
    for code in MEMBERS:
        desk = staff_session(base, f"liaison@{code.lower()}.demo.daodu.example", PASSWORD)
        desk.headers["Accept"] = "application/json"
        form = {"csrf_token": desk.headers["X-CSRFToken"]}
        desk.post(f"{base}/staff/chats/rota", data={**form, "hours": "mon-sun 00:00-23:59"}, timeout=30)
        desk.post(f"{base}/staff/chats/duty", data={**form, "on": "1"}, timeout=30)
        desks[code] = desk
    made = []
    for i in range(chats):
        home = MEMBERS[i % len(MEMBERS)]
        answer = requests.post(f"{base}/api/v1/chats", timeout=60, json={
            "question": f"第 {i} 位读者：请问馆际互借怎么办理？", "name": f"读者{i}",
            "email": f"reader{i}@bench.example", "home_member": home, "language": "zh"}).json()
        if answer.get("state") != "waiting":
            raise RuntimeError(f"chat {i} was not routed to a liaison on duty: {answer}")
        accepted = desks[home].post(f"{base}/staff/chats/{answer['id']}/accept", timeout=60)
        if accepted.status_code != 200:
            raise RuntimeError(f"accepting chat {i} failed: {accepted.status_code} {accepted.text[:200]}")
        made.append({"id": answer["id"], "token": answer["token"], "home": home})
    return made, desks


def heartbeat(base: str, desks: dict, stop: threading.Event) -> None:
    while not stop.wait(10):
        for desk in desks.values():
            desk.post(f"{base}/staff/chats/poll", timeout=60)


def send_loop(base: str, desks: dict, chats: list[dict], stop: threading.Event, counts: dict, lock) -> None:
    """Each chat sends one message a second (spread over the second), alternately from each side."""
    session = requests.Session()
    for second in itertools.count():
        tick = time.monotonic()
        for index, chat in enumerate(chats):
            if stop.is_set():
                return
            delay = tick + index / len(chats) - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            text = f"t={time.time():.6f} n={second}"
            try:
                if (second + index) % 2:
                    answer = session.post(f"{base}/api/v1/chats/{chat['token']}/messages", json={"text": text},
                                          timeout=60)
                    ok = answer.status_code == 201
                else:
                    answer = desks[chat["home"]].post(f"{base}/staff/chats/{chat['id']}/messages",
                                                      json={"text": text}, timeout=60)
                    ok = answer.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                counts["sent" if ok else "failed"] += 1


def run_load(shape: Shape, events_url: str, chats: list[dict], desks: dict, seconds: float, searcher: Searcher,
             senders: int) -> dict:
    latencies, lock, counts = [], threading.Lock(), {"sent": 0, "failed": 0}
    readers = [Reader(events_url, c["token"], latencies, lock) for c in chats]
    reader_threads = [threading.Thread(target=r.run, daemon=True) for r in readers]
    for thread in reader_threads:
        thread.start()
    time.sleep(3)  # every stream open before the first message
    stop = threading.Event()
    groups = [chats[i::senders] for i in range(senders)]
    # the chat POSTs go to the chat process too: nginx routes /api/v1/chats/ and /staff/chats/ there
    threads = [threading.Thread(target=send_loop, args=(events_url, desks, g, stop, counts, lock), daemon=True)
               for g in groups]
    threads.append(threading.Thread(target=heartbeat, args=(shape.urls[0], desks, stop), daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(2)
    with lock:
        latencies.clear()  # the first second's connection set-up is not delivery
    began = time.monotonic()
    with lock:
        counts["sent"] = counts["failed"] = 0  # counted over the measured window only
    search_times = searcher.run(seconds)
    with lock:
        counts["send_seconds"] = time.monotonic() - began
    stop.set()
    time.sleep(3)  # the last messages arrive
    for reader in readers:
        reader.stop = True
    with lock:
        return {"latencies": list(latencies), "search": search_times, **counts,
                "delivered": sum(r.received for r in readers)}


def rows_for(baseline: list[float], loaded: dict, chats: int, seconds: float, load: str) -> list[dict]:
    lat = loaded["latencies"]
    row = lambda metric, value, unit, note="": {"suite": "bench.chat", "metric": metric, "value": value,  # noqa: E731
                                                "unit": unit, "note": note}
    return [
        row("chats", chats, "chats", f"{seconds:.0f} s, one message per chat per second"),
        row("messages sent", loaded["sent"], "messages", f"{loaded['failed']} failed"),
        row("message rate achieved", loaded["sent"] / loaded["send_seconds"], "msg/s", f"offered {chats}/s"),
        row("messages delivered to readers' streams", len(lat), "messages"),
        row("delivery latency p50", 1000 * (statistics.median(lat) if lat else float("nan")), "ms"),
        row("delivery latency p95", 1000 * (percentile(lat, 95) or float("nan")), "ms"),
        row("delivery latency p99", 1000 * (percentile(lat, 99) or float("nan")), "ms"),
        row("search page p95 without chats", 1000 * percentile(baseline, 95), "ms", f"{len(baseline)} pages"),
        row("search page p95 with chats", 1000 * (percentile(loaded["search"], 95) or float("nan")), "ms",
            f"{len(loaded['search'])} pages"),
        row("search page p50 without / with chats", f"{1000 * statistics.median(baseline):.0f} / "
            f"{1000 * statistics.median(loaded['search']):.0f}", "ms"),
        row("machine load", load, "uptime"),
    ]


def run(options) -> list[dict]:
    chats = 200 if getattr(options, "size", "full") == "full" else 20
    return measure(chats=chats, seconds=60 if chats == 200 else 15, search_clients=4, senders=32)


def measure(chats: int, seconds: float, search_clients: int, senders: int) -> list[dict]:
    root = Path(tempfile.mkdtemp(prefix="daodu-chat-bench-"))
    shape = Shape(root, webs=1, settings=SETTINGS)
    events_port = free_port()
    try:
        shape.start()
        shape._spawn("events", ["serve", "--port", str(events_port), "--threads", str(chats * 2)],
                     {"CONSORTIUM_BACKGROUND_JOBS": "false"})
        events_url = f"http://127.0.0.1:{events_port}"
        shape.wait_ready(events_url)
        made, desks = setup(shape, events_port, chats)
        searcher = Searcher(shape.urls[0], search_clients)
        baseline = searcher.run(seconds)
        loaded = run_load(shape, events_url, made, desks, seconds, searcher, senders)
        return rows_for(baseline, loaded, chats, seconds, os.getloadavg().__repr__())
    finally:
        shape.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--search-clients", type=int, default=4)
    parser.add_argument("--senders", type=int, default=32)
    options = parser.parse_args(argv)
    rows = measure(options.chats, options.seconds, options.search_clients, options.senders)
    for row in rows:
        print(f"{row['metric']:<42} {row['value']!s:>14} {row['unit']:<9} {row.get('note', '')}")
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / f"chat-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
