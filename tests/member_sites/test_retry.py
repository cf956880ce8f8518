"""The push client's retry policy: which failures are transient, and how long to wait."""
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st

from member_sites.retry import RetryPolicy, is_transient_status, parse_retry_after


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
    policy = RetryPolicy(base=0.1, cap=1.0, max_retry_after=600)
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
