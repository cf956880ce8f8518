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

from member_sites.retry import TRANSIENT_STATUSES, RetryPolicy, parse_retry_after, wait_message

OnRetry = Callable[[str], None]


class PolicyRetry(Retry):
    """urllib3's ``Retry`` waiting as a ``RetryPolicy`` says; ``on_retry`` hears of each wait.

    urllib3 makes a new ``Retry`` after every failure (``new``); ``started``, the ``clock``
    time of the first failure, is handed on so the policy's time budget counts from there."""

    # Retried statuses are exactly the policy's: urllib3 would also retry a 413 that carries
    # Retry-After, which the policy calls final.
    RETRY_AFTER_STATUS_CODES = frozenset()

    def __init__(self, *, policy: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                 on_retry: OnRetry | None = None, clock: Callable[[], float] = time.monotonic,
                 started: float | None = None, **kwargs):
        policy = policy or RetryPolicy()
        kwargs.setdefault("total", policy.max_retries)
        kwargs.setdefault("allowed_methods", None)
        kwargs.setdefault("status_forcelist", TRANSIENT_STATUSES)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(**kwargs)
        self.policy, self.sleeper, self.on_retry, self.clock = policy, sleep, on_retry, clock
        self.started = started if started is not None or not self.history else clock()

    def new(self, **kw) -> "PolicyRetry":
        return super().new(policy=self.policy, sleep=self.sleeper, on_retry=self.on_retry, clock=self.clock,
                           started=self.started, **kw)

    def elapsed(self) -> float:
        """Seconds since the first failure of this request (0 before any)."""
        return 0.0 if self.started is None else self.clock() - self.started

    def is_exhausted(self) -> bool:
        return super().is_exhausted() or not self.policy.should_retry(len(self.history), self.elapsed())

    def sleep(self, response=None) -> None:
        """Wait before the next try: the policy's backoff, or the server's Retry-After if longer."""
        failed = len(self.history)
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
        elapsed = self.elapsed()
        wait = self.policy.delay(failed, retry_after, elapsed=elapsed)
        if self.on_retry is not None:
            self.on_retry(wait_message(describe(self.history[-1]), wait, failed + 1, self.policy, elapsed))
        self.sleeper(wait)


def describe(attempt: RequestHistory) -> str:
    """Why one try failed, as a person reads it: "server unavailable (HTTP 503)", "server busy
    (HTTP 429)", "server unavailable (connection refused)"."""
    if attempt.status:
        return f"server {'busy' if attempt.status == 429 else 'unavailable'} (HTTP {attempt.status})"
    text = str(attempt.error)
    if "refused" in text.lower():
        reason = "connection refused"
    elif "timed out" in text.lower() or "timeout" in type(attempt.error).__name__.lower():
        reason = "no answer in time"
    else:
        reason = type(attempt.error).__name__
    return f"server unavailable ({reason})"


def retrying_session(policy: RetryPolicy, *, session: requests.Session | None = None,
                     sleep: Callable[[float], None] = time.sleep, on_retry: OnRetry | None = None,
                     clock: Callable[[], float] = time.monotonic) -> requests.Session:
    """``session`` (or a new one) with every http(s) request retried by ``policy``."""
    session = session if session is not None else requests.Session()
    adapter = HTTPAdapter(max_retries=PolicyRetry(policy=policy, sleep=sleep, on_retry=on_retry, clock=clock))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def failure_cause(exc: requests.RequestException) -> str:
    """What finally went wrong, for a message: the last try's error, not urllib3's wrapper."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    cause = reason if isinstance(reason, Exception) else exc
    return f"{type(cause).__name__}: {cause}"
