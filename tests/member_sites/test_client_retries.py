"""The push client's retries against real loopback servers that fail transiently."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sqlmodel import select
from waitress.server import create_server

from consortium.catalogue.models import Holding
from member_sites.client import ConsortiumClient, Refused, Unreachable
from member_sites.retry import RetryPolicy
from tests.conftest import free_port

RECORDS = [{"local_id": "r1", "title": "重试之书"}, {"local_id": "r2", "title": "再试之书"}]


class FlakyProxy:
    """A loopback HTTP proxy that answers ``failures`` requests with ``status`` before forwarding."""

    def __init__(self, upstream: str, failures: int, status: int = 503, retry_after: str | None = "3"):
        self.upstream, self.failures, self.status, self.retry_after = upstream, failures, status, retry_after
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append(self.command)
                if len(proxy.seen) <= proxy.failures:
                    self.send_response(proxy.status)
                    if proxy.retry_after:
                        self.send_header("Retry-After", proxy.retry_after)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
                answer = requests.request(self.command, proxy.upstream + self.path, data=body, headers=headers)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def client_for(url, key, sleeps, attempts=5):
    return ConsortiumClient(url, "A", key, policy=RetryPolicy(attempts=attempts, base=0.01, cap=0.05),
                            sleep=sleeps.append, on_retry=lambda m: None, timeout=30)


def test_two_503s_are_retried_honouring_retry_after_then_the_batch_goes_in(live_server, keys, members, session):
    """503 twice (Retry-After: 3) then forwarded: the batch is stored once, after two waits of 3 s."""
    sleeps = []
    with FlakyProxy(live_server.url, failures=2) as proxy:
        answer = client_for(proxy.url, keys["A"], sleeps).push(RECORDS)
    assert proxy.seen == ["POST", "POST", "POST"]
    assert sleeps == [3.0, 3.0]
    assert answer["accepted"] == 2
    assert sorted(session.exec(select(Holding.local_id)).all()) == ["r1", "r2"]


def test_429_is_retried_but_persistent_failure_gives_up(live_server, keys):
    """A server that keeps answering 429 is given up on after the configured attempts."""
    sleeps = []
    with FlakyProxy(live_server.url, failures=100, status=429, retry_after=None) as proxy:
        with pytest.raises(Unreachable, match="gave up after 3 tries"):
            client_for(proxy.url, keys["A"], sleeps, attempts=3).push(RECORDS)
    assert len(proxy.seen) == 3 and len(sleeps) == 2
    assert all(0 <= s <= 0.05 for s in sleeps)


@pytest.mark.parametrize("status", [400, 403, 404, 413, 422])
def test_other_4xx_are_never_retried(live_server, keys, status):
    """A 4xx other than 429 is final: one request, no sleep, the error raised."""
    sleeps = []
    with FlakyProxy(live_server.url, failures=1, status=status, retry_after=None) as proxy:
        with pytest.raises(Refused) as info:
            client_for(proxy.url, keys["A"], sleeps).push(RECORDS)
    assert info.value.status == status and proxy.seen == ["POST"] and sleeps == []


def test_refused_connections_are_retried_until_the_server_starts(app, keys, members, session):
    """Nothing listens at first; the server starts during the backoff and the push succeeds."""
    port = free_port()
    started = {}

    def start_server(_seconds):
        time.sleep(0.05)
        if "server" not in started and len(sleeps) >= 2:
            server = create_server(app, host="127.0.0.1", port=port, threads=2)
            threading.Thread(target=server.run, daemon=True).start()
            started["server"] = server

    sleeps = []
    client = ConsortiumClient(f"http://127.0.0.1:{port}", "A", keys["A"],
                              policy=RetryPolicy(attempts=8, base=0.01, cap=0.05),
                              sleep=lambda s: (sleeps.append(s), start_server(s)), on_retry=lambda m: None)
    try:
        answer = client.push(RECORDS)
    finally:
        if "server" in started:
            # the handler threads first: closing under a thread still answering broke its trigger
            started["server"].task_dispatcher.shutdown(timeout=5)
            started["server"].close()
    assert len(sleeps) == 2 and answer["accepted"] == 2
    assert sorted(session.exec(select(Holding.local_id)).all()) == ["r1", "r2"]
