"""HTTP sessions whose every request retries by the one policy (``member_sites.retry``).

urllib3's ``Retry``, mounted through a requests ``HTTPAdapter``, does the retrying: it retries
connection errors, timeouts and the policy's transient statuses for every method (a push is an
idempotent upsert), and hands back the last answer when the tries run out. ``PolicyRetry``
only decides how long to wait, with the policy's backoff and ``Retry-After`` handling, through
an injectable ``sleep`` (tests pass ``list.append``).
"""
import time
from collections.abc import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import RequestHistory, Retry

from member_sites.retry import TRANSIENT_STATUSES, RetryPolicy, parse_retry_after

OnRetry = Callable[[str], None]


class PolicyRetry(Retry):
    """urllib3's ``Retry`` waiting as a ``RetryPolicy`` says; ``on_retry`` hears of each wait."""

    # Retried statuses are exactly the policy's: urllib3 would also retry a 413 that carries
    # Retry-After, which the policy calls final.
    RETRY_AFTER_STATUS_CODES = frozenset()

    def __init__(self, *, policy: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                 on_retry: OnRetry | None = None, **kwargs):
        policy = policy or RetryPolicy()
        kwargs.setdefault("total", policy.attempts - 1)
        kwargs.setdefault("allowed_methods", None)
        kwargs.setdefault("status_forcelist", TRANSIENT_STATUSES)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(**kwargs)
        self.policy, self.sleeper, self.on_retry = policy, sleep, on_retry

    def new(self, **kw) -> "PolicyRetry":
        return super().new(policy=self.policy, sleep=self.sleeper, on_retry=self.on_retry, **kw)

    def sleep(self, response=None) -> None:
        """Wait before the next try: the policy's backoff, or the server's Retry-After if longer."""
        failed = len(self.history)
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
        wait = self.policy.delay(failed, retry_after)
        if self.on_retry is not None:
            self.on_retry(f"{describe(self.history[-1])}; retry {failed}/{self.policy.attempts - 1} in {wait:.1f}s")
        self.sleeper(wait)


def describe(attempt: RequestHistory) -> str:
    """``POST /path: HTTP 503`` or ``GET /path: NewConnectionError: …`` for one failed try."""
    cause = f"HTTP {attempt.status}" if attempt.status else f"{type(attempt.error).__name__}: {attempt.error}"
    return f"{attempt.method} {attempt.url}: {cause}"


def retrying_session(policy: RetryPolicy, *, session: requests.Session | None = None,
                     sleep: Callable[[float], None] = time.sleep, on_retry: OnRetry | None = None) -> requests.Session:
    """``session`` (or a new one) with every http(s) request retried by ``policy``."""
    session = session if session is not None else requests.Session()
    adapter = HTTPAdapter(max_retries=PolicyRetry(policy=policy, sleep=sleep, on_retry=on_retry))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def failure_cause(exc: requests.RequestException) -> str:
    """What finally went wrong, for a message: the last try's error, not urllib3's wrapper."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    cause = reason if isinstance(reason, Exception) else exc
    return f"{type(cause).__name__}: {cause}"
