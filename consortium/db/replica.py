"""Reads from a PostgreSQL streaming replica, and the primary whenever the replica cannot serve
them: it does not answer (back-off before it is tried again) or is too far behind. No Flask:
``consortium.db`` decides which requests may read here (views marked ``reads_replica``).

The router is a small circuit breaker with one probe at a time: while the replica is down
every read goes to the primary at once, so a dead replica costs readers no errors and no
repeated connect timeouts; after ``retry_after`` seconds one request tries it again (the
others keep reading the primary meanwhile), and its success closes the circuit.
"""
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

REPLICA_EXTENSION = "consortium.db.replica"
APPLICATION_NAME = "daodu-replica-reads"
# How far behind the replica is. pg_last_xact_replay_timestamp() is the commit time of the
# last transaction replayed; its age overstates the lag (safe: the primary is read instead) and
# on a quiet primary grows though nothing is missing. So a standby whose live WAL receiver has
# nothing unreplayed is 0 behind, and one that replays what it just received within SETTLE
# seconds is too (WAL without commits, a checkpoint record, arrives on quiet primaries as well).
# A server not in recovery (a promoted replica, or the primary itself) is never behind.
POSITIONS_SQL = text("""
    SELECT pg_is_in_recovery() AS recovering,
           EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL) AS receiving,
           pg_last_wal_receive_lsn()::text AS received,
           COALESCE(pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn(), false) AS replayed_all,
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) AS commit_age""")
REPLAYED_SQL = text("SELECT pg_last_wal_replay_lsn() >= CAST(:received AS pg_lsn)")
SETTLE = 0.1


def replica_lag(connection, max_lag: float) -> float | None:
    """Seconds the replica is behind the primary (None: unknown, it has replayed nothing yet)."""
    row = connection.execute(POSITIONS_SQL).one()
    if not row.recovering or (row.receiving and row.replayed_all):
        return 0.0
    age = None if row.commit_age is None else float(row.commit_age)
    if row.receiving and row.received and (age is None or age > max_lag):
        time.sleep(SETTLE)  # only when the answer would be "too far behind": a rare, short wait
        if connection.execute(REPLAYED_SQL, {"received": row.received}).scalar():
            return 0.0
    return age


@dataclass(frozen=True)
class ReplicaSettings:
    """From the ``CONSORTIUM_DATABASE_REPLICA_*`` settings (documented in ``consortium.db``)."""

    url: str
    connect_timeout: int = 2
    retry_after: float = 30.0
    max_lag: float = 5.0
    lag_check: float = 5.0


def make_replica_engine(settings: ReplicaSettings) -> Engine:
    """The replica's engine: every transaction read-only (a page that writes fails loudly,
    even where the URL names a server that is not a standby), short connect and send timeouts
    (a replica that is gone is noticed in seconds, not in TCP's minutes)."""
    url = make_url(settings.url)
    options = " ".join(filter(None, [url.query.get("options"), "-c default_transaction_read_only=on"]))
    connect_args = {"connect_timeout": int(settings.connect_timeout), "options": options,
                    "tcp_user_timeout": int(settings.connect_timeout * 1000)}
    if "application_name" not in url.query:
        connect_args["application_name"] = APPLICATION_NAME
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def router_of(app) -> "ReplicaRouter | None":
    """The replica router ``consortium.db.init_app`` put on ``app``; None without a replica."""
    return app.extensions.get(REPLICA_EXTENSION)


class ReplicaRouter:
    """Hands out replica sessions while the replica answers and keeps up; counts the rest."""

    def __init__(self, engine: Engine, settings: ReplicaSettings):
        self.engine, self.settings = engine, settings
        self.state = "unknown"  # "ok" | "unreachable" | "lagging" (unknown until first used)
        self.lag: float | None = None  # seconds, as last measured
        self.fallbacks: Counter = Counter()  # reads the primary served instead, by reason
        self.outages: Counter = Counter()  # times the replica stopped serving, by reason
        self._lock = threading.Lock()
        self._closed_until = 0.0  # no replica reads before this (clock seconds)
        self._next_lag_check = 0.0
        self._since = time.monotonic()
        self._thread = threading.local()  # a replica failure seen by this thread's request
        event.listen(engine, "handle_error", self._on_error)

    def open(self) -> Session | None:
        """A session on the replica, connected and not too far behind; None: read the primary."""
        check, reason = self._admit()
        if reason is not None:
            return self._fallback(reason)
        session = Session(self.engine, expire_on_commit=False)
        session.info["replica"] = True
        try:
            # connected now, not at the view's first query: a replica that died since the
            # last request is found here, before anything was read
            connection = session.connection()
            lag = replica_lag(connection, self.settings.max_lag) if check else None
        except DBAPIError:  # _on_error has opened the circuit
            session.close()
            return self._fallback("unreachable")
        if check and not self._judge(lag):
            session.close()
            return self._fallback("lagging")
        return session

    def _fallback(self, reason: str) -> None:
        with self._lock:
            self.fallbacks[reason] += 1
        return None

    def failed_here(self) -> bool:
        """Whether the replica failed a statement of this thread since the last ``begin_request``."""
        return getattr(self._thread, "failed", False)

    def begin_request(self) -> None:
        self._thread.failed = False

    def _admit(self) -> tuple[bool, str | None]:
        """(check the lag now?, why not the replica or None). While the circuit is open every
        caller is refused; when it may close, the first caller probes and the others wait for
        its verdict on the primary."""
        now = time.monotonic()
        with self._lock:
            if now < self._closed_until:
                return False, self.state
            if self.state != "ok":  # this caller probes; the others read the primary meanwhile
                self._closed_until = now + (self.settings.retry_after if self.state == "unreachable"
                                            else self.settings.lag_check)
                self._next_lag_check = now + self.settings.lag_check
                return True, None
            if now >= self._next_lag_check:
                self._next_lag_check = now + self.settings.lag_check
                return True, None
            return False, None

    def _judge(self, lag) -> bool:
        """Record a measured lag; True when the replica may serve."""
        lag = None if lag is None else float(lag)
        keeping_up = lag is not None and lag <= self.settings.max_lag
        with self._lock:
            self.lag = lag
            if keeping_up:
                self._close()
            else:
                self._open("lagging", self.settings.lag_check,
                           f"{'unknown' if lag is None else f'{lag:.1f} s'} behind the primary "
                           f"(limit {self.settings.max_lag} s)")
        return keeping_up

    def _on_error(self, ctx) -> None:
        """Any driver error on the replica: this request falls back; a lost or refused
        connection opens the circuit (a failed pre-ping is not yet one: the pool reconnects)."""
        if ctx.is_pre_ping:
            return
        self._thread.failed = True
        if ctx.is_disconnect or ctx.connection is None:
            message = str(ctx.original_exception).strip()
            detail = f"{type(ctx.original_exception).__name__}: {message.splitlines()[0][:200] if message else ''}"
            with self._lock:
                self._open("unreachable", self.settings.retry_after, detail)

    def _open(self, reason: str, seconds: float, detail: str) -> None:
        """Stop reading the replica for ``seconds``; logged once per outage (lock held)."""
        self._closed_until = time.monotonic() + seconds
        if self.state != reason:
            self.outages[reason] += 1
            self._since = time.monotonic()
            self.state = reason
            log.warning("database replica %s (%s): read-only pages read the primary; next try in %s s",
                        reason, detail, seconds)

    def _close(self) -> None:
        """The replica serves again (lock held)."""
        self._closed_until = 0.0
        if self.state not in ("ok", "unknown"):
            log.warning("database replica serves again (%s for %.0f s)", self.state, time.monotonic() - self._since)
        self.state = "ok"
