"""The one retry policy of the push client and the harvester: which failures are transient,
how long to wait, and urllib3 retrying by it."""
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.response import HTTPResponse

from member_sites.client import ConsortiumClient
from member_sites.harvester import Harvester
from member_sites.retry import RetryPolicy, is_transient_status, parse_retry_after
from member_sites.transport import PolicyRetry


@given(st.integers(min_value=100, max_value=599))
def test_only_429_and_5xx_are_transient(status):
    """Every 4xx but 429 is final; every 5xx and 429 is retried."""
    assert is_transient_status(status) == (status == 429 or status >= 500)


@given(st.integers(min_value=1, max_value=60), st.floats(min_value=0.01, max_value=5),
       st.floats(min_value=0.1, max_value=120), st.integers(min_value=0, max_value=2**32))
def test_delay_stays_within_the_exponential_ceiling(failed, base, cap, seed):
    """Full jitter: the wait is between zero and min(cap, base * 2^(n-1))."""
    policy = RetryPolicy(base=base, cap=cap)
    wait = policy.delay(failed, rng=random.Random(seed))
    assert 0 <= wait <= min(cap, base * 2 ** (failed - 1)) + 1e-9


@given(st.integers(min_value=1, max_value=20), st.floats(min_value=0, max_value=10_000))
def test_retry_after_is_honoured_up_to_its_own_cap(failed, retry_after):
    """A server's Retry-After is waited out (never less), but never more than max_retry_after."""
    policy = RetryPolicy(base=0.1, cap=1.0, max_retry_after=600, retry_for=None)
    wait = policy.delay(failed, retry_after, rng=random.Random(1))
    assert wait >= min(retry_after, 600) and wait <= max(1.0, min(retry_after, 600))


def test_attempts_count_the_first_try():
    """With 3 attempts the client retries after the first and second failure, not the third."""
    policy = RetryPolicy(attempts=3)
    assert [policy.should_retry(n) for n in (1, 2, 3)] == [True, True, False]


def test_retry_after_reads_seconds_and_http_dates():
    """Both forms of Retry-After parse; garbage and absence give None."""
    now = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def _failed(retry, status=None, headers=None, error=None):
    """One more failed try of ``retry`` (an answer with ``status``, or ``error``)."""
    response = HTTPResponse(body=b"", status=status, headers=headers or {}) if status else None
    return retry.increment(method="POST", url="/records", response=response, error=error), response


def test_urllib3_waits_as_the_policy_says_and_stops_after_its_attempts():
    """Each failure sleeps max(jittered backoff, Retry-After) through the injected sleep; the
    policy's attempts count every try, so the third failure of three is the last."""
    sleeps, heard = [], []
    retry = PolicyRetry(policy=RetryPolicy(attempts=3, base=0.01, cap=0.05), sleep=sleeps.append,
                        on_retry=heard.append)
    retry, response = _failed(retry, 503, {"Retry-After": "2"})
    retry.sleep(response)
    retry, _ = _failed(retry, error=NewConnectionError(None, "refused"))
    retry.sleep()
    assert sleeps[0] == 2.0 and 0 <= sleeps[1] <= 0.02
    assert heard[0] == "server unavailable (HTTP 503), retrying in 2 s (attempt 2 of 3, giving up in 5 min)"
    assert heard[1].startswith("server unavailable (connection refused), retrying in 0 s (attempt 3 of 3")
    with pytest.raises(MaxRetryError):
        _failed(retry, 503)


@pytest.mark.parametrize("status", [400, 401, 404, 409, 413, 422])
def test_only_the_policys_statuses_are_retried_even_with_retry_after(status):
    """urllib3 alone would retry a 413 that carries Retry-After; the policy calls it final."""
    retry = PolicyRetry(policy=RetryPolicy())
    assert not retry.is_retry("POST", status, has_retry_after=True)
    assert all(retry.is_retry(method, code) for method in ("GET", "POST", "DELETE") for code in (429, 500, 503))


def test_the_push_client_and_the_harvester_retry_by_the_one_policy(tmp_path):
    """Both clients' sessions carry a PolicyRetry with their RetryPolicy's attempts."""
    client = ConsortiumClient("http://127.0.0.1:9", "A", "key", policy=RetryPolicy(attempts=5))
    harvester = Harvester("http://127.0.0.1:9/oai", state_path=tmp_path / "state.json", retries=2)
    for session, attempts in ((client.http, 5), (harvester.session, 3)):
        for scheme in ("http://x", "https://x"):
            retry = session.get_adapter(scheme).max_retries
            assert isinstance(retry, PolicyRetry) and retry.total == attempts - 1
            assert retry.policy.attempts == attempts
