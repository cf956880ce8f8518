"""One indexer leader at a time across worker processes and machines.

On PostgreSQL the indexer takes a session-level advisory lock on a connection of its own for
the length of a pass (a catch-up or a rebuild) and gives it back after; a worker that finds
it taken skips the pass (``IndexBusy``: the job logs it and tries again at its next
interval), so two workers never index at once, and when the leader's process or machine
dies its connection closes and the lock is free for the next worker. SQLite is one machine's
database: there the backend's own writer lock keeps the single writer, as before.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine

from consortium.search.errors import IndexBusy

# The advisory lock's key (advisory locks are per database): "daodu" and 1, the indexer.
LOCK_KEY = 0x64616F647501


@contextmanager
def leadership(engine: Engine) -> Iterator[None]:
    """Lead the indexing while the block runs; ``IndexBusy`` when another worker leads."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar():
            conn.rollback()
            raise IndexBusy("Another worker is indexing the catalogue (it holds the indexer lock); "
                            "this one will try again later.")
        conn.commit()
        try:
            yield
        finally:
            _release(conn)


def _release(conn) -> None:
    """Give the lock back before the connection returns to the pool (a session lock would
    outlive the pass otherwise); a connection that broke has lost the lock already."""
    try:
        conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        conn.commit()
    except Exception:  # the connection is gone, and the lock with it: never reuse it
        conn.invalidate()


def leader_pid(engine: Engine) -> int | None:
    """The PostgreSQL backend pid holding the indexer lock (None: nobody, or SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = :key"), {"key": LOCK_KEY}).scalar()
