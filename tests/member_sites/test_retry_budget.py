"""member-sync rides out minutes of server restarts: the retry budget is time, not a handful of
tries, and a person waiting is told what happens (pure policy, urllib3 with a fake clock, and a
real member-sync process against a real server stopped and restarted twice)."""
import os
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import func, select
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.response import HTTPResponse

from consortium.catalogue.models import Holding, PushBatch
from member_sites.retry import RetryPolicy, duration_text, wait_message
from member_sites.transport import PolicyRetry
from tests.conftest import free_port


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def fail_until_given_up(policy: RetryPolicy, clock: FakeClock, per_try: float = 0.0) -> tuple[int, float]:
    """Connection errors until urllib3 gives up: (tries made, seconds from the first failure)."""
    retry = PolicyRetry(policy=policy, sleep=clock.sleep, clock=clock)
    tries, first = 0, None
    while True:
        clock.now += per_try  # the failed try itself takes a moment
        tries += 1
        first = first if first is not None else clock.now
        try:
            retry = retry.increment(method="POST", url="/records", error=NewConnectionError(None, "refused"))
        except MaxRetryError:
            return tries, clock.now - first
        retry.sleep()


def test_the_default_budget_rides_out_five_minutes_not_half_a_minute():
    """Defaults: retrying goes on for 300 s after the first failure (the old 8 tries gave up in ~30 s)."""
    tries, seconds = fail_until_given_up(RetryPolicy(), FakeClock())
    assert 299.99 <= seconds <= 300.001 and tries > 12


@settings(max_examples=40)
@given(st.floats(min_value=1, max_value=400), st.floats(min_value=0.05, max_value=2), st.floats(min_value=2, max_value=60),
       st.floats(min_value=0, max_value=3))
def test_waits_never_run_past_the_budget_and_retrying_lasts_until_it_ends(retry_for, base, cap, per_try):
    """Whatever the backoff, giving up comes once the time budget is spent, never before and
    never more than one try's duration after."""
    tries, seconds = fail_until_given_up(RetryPolicy(retry_for=retry_for, base=base, cap=cap), FakeClock(), per_try)
    assert retry_for - 0.01 <= seconds <= retry_for + per_try + 1e-6
    assert tries >= 2


@given(st.integers(min_value=1, max_value=30))
def test_a_count_budget_still_applies_when_given(attempts):
    """--retries N: at most N+1 tries, even inside the time budget."""
    tries, _ = fail_until_given_up(RetryPolicy(attempts=attempts, retry_for=10_000, base=0.01, cap=0.02), FakeClock())
    assert tries == attempts


def test_retry_after_is_cut_to_what_is_left_of_the_budget():
    """A Retry-After of 10 minutes 20 s before the end waits 20 s, then one last try."""
    clock = FakeClock()
    retry = PolicyRetry(policy=RetryPolicy(retry_for=60), sleep=clock.sleep, clock=clock)
    retry = retry.increment(method="POST", url="/r", response=HTTPResponse(status=503, headers={}))
    clock.now += 40
    response = HTTPResponse(status=503, headers={"Retry-After": "600"})
    retry = retry.increment(method="POST", url="/r", response=response)
    before = clock.now
    retry.sleep(response)
    assert clock.now - before == pytest.approx(20)


def test_the_waiting_message_says_why_when_and_until_when():
    """The words a person sees while member-sync waits."""
    message = wait_message("server unavailable (connection refused)", 8.2, 3, RetryPolicy(), 55)
    assert message == "server unavailable (connection refused), retrying in 8 s (attempt 3, giving up in 5 min)"
    assert wait_message("server busy (HTTP 429)", 0.4, 2, RetryPolicy(attempts=4, retry_for=None), 1) == \
        "server busy (HTTP 429), retrying in 0 s (attempt 2 of 4)"
    assert [duration_text(s) for s in (8.4, 59.6, 61, 240, 3900)] == ["8 s", "1 min", "2 min", "4 min", "1 h 5 min"]


class RestartingServer:
    """The app served by waitress on one fixed loopback port, which can be stopped and started again."""

    def __init__(self, app):
        self.app, self.port, self.server, self.thread = app, free_port(), None, None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from waitress.server import create_server

        self.server = create_server(self.app, host="127.0.0.1", port=self.port, threads=2)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown()
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(10)


@pytest.mark.slow
def test_member_sync_rides_out_two_server_restarts_and_says_it_is_waiting(app, keys, members, session, export_file):
    """Two outages of 4 s in the middle of a push: every record arrives once, exit 0, the waits shown."""
    path, ids = export_file(3000)
    server = RestartingServer(app)
    server.start()
    env = {**os.environ, "DAODU_URL": server.url, "DAODU_MEMBER": "A", "DAODU_KEY": keys["A"]}
    process = subprocess.Popen([sys.executable, "-m", "member_sites.sync_cli", "--retry-for", "60", "push",
                                str(path), "--format", "csv", "--batch-size", "100"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_batches(session, 2)
        for _ in range(2):
            server.stop()
            time.sleep(4)
            server.start()
            _wait_for_batches(session, _batches(session) + 2)
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
        server.stop()
    assert process.returncode == 0, out + err
    assert "read 3000 · pushed 3000" in out
    assert err.count("server unavailable (connection refused), retrying in") >= 2
    assert "giving up in" in err
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Holding)).one() == 3000


def _batches(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(PushBatch)).one()


def _wait_for_batches(session, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while _batches(session) < count:
        assert time.monotonic() < deadline, "the push made no progress"
        time.sleep(0.1)
