"""The retry policy of every HTTP client of member_sites (the push client, the harvester):
which failures are transient and how long to wait before the next try.

Transient: connection errors and timeouts, 429 and 5xx; any other 4xx is final at once.
Waits grow exponentially with full jitter, and a server's ``Retry-After`` is honoured (up to
``max_retry_after``). Pure decisions over plain values (no HTTP, no clock), so they are tested
exhaustively; ``member_sites.transport`` makes requests follow them.
"""
import email.utils
import random
from dataclasses import dataclass
from datetime import datetime, timezone

TRANSIENT_STATUSES = frozenset({429, *range(500, 600)})


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

    ``attempts`` counts every try, the first included.
    """

    attempts: int = 8
    base: float = 0.5
    cap: float = 60.0
    # never wait longer than this for a server's Retry-After (a bad header must not hang us)
    max_retry_after: float = 600.0

    def delay(self, failed_tries: int, retry_after: float | None = None,
              rng: random.Random | None = None) -> float:
        """Seconds to sleep after ``failed_tries`` (>= 1) consecutive failures."""
        ceiling = min(self.cap, self.base * (2 ** (failed_tries - 1)))
        wait = (rng or random).uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait

    def should_retry(self, failed_tries: int) -> bool:
        """Whether a request that failed ``failed_tries`` times in a row gets another try."""
        return failed_tries < self.attempts
