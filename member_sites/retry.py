"""The retry policy of every HTTP client of member_sites (the push client, the harvester):
which failures are transient and how long to wait before the next try.

Transient: connection errors and timeouts, 429 and 5xx; any other 4xx is final at once.
Waits grow exponentially with full jitter, and a server's ``Retry-After`` is honoured (up to
``max_retry_after``). Retrying ends when a time budget (default five minutes from the first
failure, enough to ride out a few server restarts) or a count of tries runs out. Pure decisions over plain values (no HTTP, no clock), so they are tested
exhaustively; ``member_sites.transport`` makes requests follow them.
"""
import email.utils
import math
import random
from dataclasses import dataclass
from datetime import datetime, timezone

TRANSIENT_STATUSES = frozenset({429, *range(500, 600)})
_LAST_MOMENT = 0.01  # seconds: less budget than this left is none


def is_transient_status(status: int) -> bool:
    """429 and 5xx are worth retrying; every other 4xx means the request itself is wrong."""
    return status in TRANSIENT_STATUSES


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; ``Retry-After`` wins when it is longer.

    Two budgets, either of which ends the retrying: ``retry_for`` seconds from the first
    failure (so a few minutes of server restarts are ridden out whatever their rhythm), and
    ``attempts``, every try counted, the first included (None: no count limit). A wait never
    runs past the time budget: the last try comes when it ends.
    """

    attempts: int | None = None
    retry_for: float | None = 300.0
    base: float = 0.5
    cap: float = 30.0
    # never wait longer than this for a server's Retry-After (a bad header must not hang us)
    max_retry_after: float = 600.0

    def delay(self, failed_tries: int, retry_after: float | None = None,
              rng: random.Random | None = None, elapsed: float = 0.0) -> float:
        """Seconds to sleep after ``failed_tries`` (>= 1) consecutive failures, ``elapsed``
        seconds after the first of them."""
        ceiling = min(self.cap, self.base * (2 ** min(failed_tries - 1, 64)))
        wait = (rng or random).uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        remaining = self.remaining(elapsed)
        return wait if remaining is None else max(0.0, min(wait, remaining))

    def should_retry(self, failed_tries: int, elapsed: float = 0.0) -> bool:
        """Whether a request that failed ``failed_tries`` times in a row, the first of them
        ``elapsed`` seconds ago, gets another try."""
        if self.attempts is not None and failed_tries >= self.attempts:
            return False
        # what is left must be worth a try (and a wait of nearly nothing never ends a loop)
        return self.retry_for is None or elapsed + _LAST_MOMENT < self.retry_for

    def remaining(self, elapsed: float) -> float | None:
        """Seconds of the time budget left (None without one)."""
        return None if self.retry_for is None else max(0.0, self.retry_for - elapsed)

    @property
    def max_retries(self) -> int:
        """Retries the count budget allows (a large number when only time limits them)."""
        return self.attempts - 1 if self.attempts is not None else 1_000_000


def duration_text(seconds: float) -> str:
    """"8 s", "4 min", "1 h 5 min": how long, as a person reads it."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min".replace(" 0 min", "")


def wait_message(cause: str, wait: float, next_attempt: int, policy: RetryPolicy, elapsed: float) -> str:
    """What a person waiting sees: "server unavailable (HTTP 503), retrying in 8 s (attempt 3,
    giving up in 4 min)"."""
    limits = [f"attempt {next_attempt}" + (f" of {policy.attempts}" if policy.attempts else "")]
    remaining = policy.remaining(elapsed)
    if remaining is not None:
        limits.append(f"giving up in {duration_text(remaining)}")
    return f"{cause}, retrying in {duration_text(wait)} ({', '.join(limits)})"
