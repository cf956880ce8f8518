"""How catalogue transactions stay correct when several run at once (PostgreSQL and SQLite).

1. **A lock per match key**, taken first: every ISBN, ISSN and title key a transaction may
   create a work for or attach to a work, and every (member, local id) it writes, hashed into
   ``STRIPES`` PostgreSQL advisory transaction locks taken in sorted order (so two
   transactions never wait on each other in a circle). Two pushes that share a key run one
   after the other, and the second one's candidate query sees the first one's work: at most
   one live work per identifier. Hashing bounds a 1,000-record batch to ``STRIPES`` locks
   (one lock per key would be thousands, past PostgreSQL's shared lock table of
   ``max_locks_per_transaction`` × connections, 6,400 by default).
   SQLite has one writer at a time: the transaction takes the write lock at once instead, so
   its reads and writes see one state of the catalogue.
2. **Row locks on the existing works it changes**, in id order, after deciding and before
   writing (``SELECT … ORDER BY id FOR UPDATE``); a work found merged away by then means a
   concurrent merge won (``RaceLost``). A merge moves holdings only under the absorbed work's
   lock, and a push writes a holding only under its work's lock, so a merge moves every
   holding, including one a concurrent push wrote.
3. **Bounded retry**: a transaction that lost a deadlock, a lock wait (``lock_timeout``), a
   serialisation check, a unique-key race or ``RaceLost`` is rolled back and run again, up to
   ``tries`` times with jittered back-off; then ``CatalogueBusy`` (503 with ``Retry-After``).
"""
import logging
import random
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from consortium.catalogue.errors import CatalogueBusy, RaceLost
from consortium.catalogue.models import Work

log = logging.getLogger(__name__)
T = TypeVar("T")
W = Work.__table__
STRIPES = 256
# the first key of PostgreSQL's two-key advisory locks: "daod", so no other feature's lock collides
NAMESPACE = 0x64616F64
# SQLSTATEs a retry can cure: serialization_failure, deadlock_detected, lock_not_available
# (lock_timeout), unique_violation (two transactions inserting the same holding or pair)
RETRYABLE_STATES = frozenset({"40001", "40P01", "55P03", "23505"})


@dataclass(frozen=True)
class Concurrency:
    """How a catalogue transaction waits and retries (``CATALOGUE_*`` settings)."""

    tries: int = 3
    lock_timeout: float = 20.0
    retry_after: int = 5
    backoff: float = 0.1


DEFAULT_CONCURRENCY = Concurrency()
BUSY = "The catalogue is busy with other changes; nothing of this request was kept. Send it again in a few seconds."


def stripes_of(keys: Iterable[tuple]) -> list[int]:
    """The sorted lock stripes of match keys such as ``("isbn", "978…")``."""
    return sorted({zlib.crc32(repr(key).encode()) % STRIPES for key in keys})


def lock_keys(conn: Connection, keys: Iterable[tuple], lock_timeout: float) -> None:
    """Take the locks of these keys for the rest of the transaction: its first statement (on
    SQLite the database's write lock, whatever the keys)."""
    if conn.dialect.name == "sqlite":
        # a write statement takes SQLite's write lock (waiting up to the busy timeout)
        conn.execute(W.update().where(W.c.id == -1).values(id=W.c.id))
        return
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text(f"SET LOCAL lock_timeout = '{int(lock_timeout * 1000)}ms'"))
    stripes = stripes_of(keys)
    if stripes:
        conn.execute(text("SELECT count(pg_advisory_xact_lock(:ns, s)) FROM "
                          "(SELECT unnest(CAST(:stripes AS integer[])) AS s ORDER BY 1) AS sorted"),
                     {"ns": NAMESPACE, "stripes": stripes})


def lock_works(conn: Connection, work_ids: Iterable[int]) -> None:
    """Lock these existing works in id order; ``RaceLost`` when one is merged away or gone."""
    ids = sorted(set(work_ids))
    if not ids:
        return
    found = {}
    for start in range(0, len(ids), 500):
        query = select(W.c.id, W.c.merged_into_id).where(W.c.id.in_(ids[start:start + 500])).order_by(W.c.id)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        found.update(conn.execute(query).all())
    lost = [i for i in ids if i not in found or found[i] is not None]
    if lost:
        raise RaceLost(f"Works {lost[:5]} were merged or removed by a concurrent transaction.")


def is_retryable(exc: BaseException) -> bool:
    """A transaction failure that running it again can cure."""
    if isinstance(exc, RaceLost):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in RETRYABLE_STATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message


def with_retry(session: Session, attempt: Callable[[], T], settings: Concurrency, what: str) -> T:
    """Run one transaction (``attempt`` commits or rolls back itself), again after a lost race."""
    for n in range(1, settings.tries + 1):
        try:
            return attempt()
        except Exception as exc:
            if not is_retryable(exc):
                raise
            session.rollback()
            log.info("%s lost to a concurrent transaction (try %d of %d): %s", what, n, settings.tries,
                     str(exc).splitlines()[0][:200])
            if n == settings.tries:
                raise CatalogueBusy(BUSY, settings.retry_after) from exc
            time.sleep(random.uniform(0.5, 1.5) * settings.backoff * 2 ** (n - 1))
    raise AssertionError("unreachable")
