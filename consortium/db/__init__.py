"""The database resource of the Flask app: one engine per app, one session per request, and
optionally a streaming replica that read-only pages read.

Flask-free pieces (building engines, sessions for an app handed in, column helpers) live in
``consortium.db.engine`` and ``consortium.db.columns``; the replica's engine and its router in
``consortium.db.replica``; the unit of work in ``consortium.db.uow``; schema migrations in
``consortium.db.migrate`` and ``migrations/``.

Which requests read the replica is declared on the view: ``@reads_replica`` (under the route
decorator) says the view only reads and tolerates a lag of seconds, and such a view hands
``get_read_session()`` to its service. Everywhere else ``get_read_session()`` is
``get_session()``: the primary. A replica-read session refuses writes.
"""
import functools
import logging
import os

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import Session

from consortium.config import apply_defaults
from consortium.db.engine import EXTENSION, engine_of, make_engine, open_session
from consortium.db.replica import REPLICA_EXTENSION, ReplicaRouter, ReplicaSettings, make_replica_engine, router_of

DEFAULTS = {
    # A PostgreSQL streaming replica (hot standby) of CONSORTIUM_DATABASE_URL, as a SQLAlchemy
    # URL of the same database on the standby. Views marked @reads_replica read it (the OAI-PMH
    # provider, feeds, OPML and the embed kit's lists, the new-arrivals page, record pages, the
    # work API and citation exports, the public knowledge base, statistics and CSV exports);
    # everything else reads and writes the primary. None: every page reads the primary.
    "CONSORTIUM_DATABASE_REPLICA_URL": None,
    # Seconds to wait for a connection to the replica before the primary answers instead
    # (libpq's connect_timeout, whole seconds, at least 2); also how long sent data may go
    # unacknowledged (tcp_user_timeout) before a connection counts as lost.
    "CONSORTIUM_DATABASE_REPLICA_CONNECT_TIMEOUT": 2,
    # After the replica failed to answer, read the primary for this many seconds before one
    # request tries the replica again: a dead replica costs readers one connect timeout per
    # back-off, not one per request.
    "CONSORTIUM_DATABASE_REPLICA_RETRY_AFTER": 30,
    # A replica more than this many seconds behind the primary is not read (the primary is
    # until it catches up). The pages above are built to tolerate a second or two.
    "CONSORTIUM_DATABASE_REPLICA_MAX_LAG": 5,
    # Ask the replica how far behind it is at most every this many seconds (one request asks,
    # on the connection it reads with).
    "CONSORTIUM_DATABASE_REPLICA_LAG_CHECK": 5,
}
READ_ONLY = "reads_replica"  # the attribute @reads_replica sets on a view
log = logging.getLogger(__name__)


def init_app(app) -> None:
    apply_defaults(app, DEFAULTS)
    url = app.config["CONSORTIUM_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])), exist_ok=True)
    app.extensions[EXTENSION] = make_engine(url)
    replica = app.config["CONSORTIUM_DATABASE_REPLICA_URL"]
    if replica:
        if not (url.startswith("postgresql") and replica.startswith("postgresql")):
            raise ValueError("CONSORTIUM_DATABASE_REPLICA_URL is a PostgreSQL streaming replica of a PostgreSQL "
                             f"CONSORTIUM_DATABASE_URL; got {_shown(replica)} for {_shown(url)}")
        settings = replica_settings(app.config)
        app.extensions[REPLICA_EXTENSION] = ReplicaRouter(make_replica_engine(settings), settings)
    app.teardown_appcontext(_close_session)


def replica_settings(config) -> ReplicaSettings:
    return ReplicaSettings(url=config["CONSORTIUM_DATABASE_REPLICA_URL"],
                           connect_timeout=int(config["CONSORTIUM_DATABASE_REPLICA_CONNECT_TIMEOUT"]),
                           retry_after=float(config["CONSORTIUM_DATABASE_REPLICA_RETRY_AFTER"]),
                           max_lag=float(config["CONSORTIUM_DATABASE_REPLICA_MAX_LAG"]),
                           lag_check=float(config["CONSORTIUM_DATABASE_REPLICA_LAG_CHECK"]))


def _shown(url: str) -> str:
    """A URL fit for an error message: no password."""
    return make_url(url).render_as_string(hide_password=True)


def get_engine(app=None) -> Engine:
    return engine_of(app or current_app)


def get_session() -> Session:
    """The session of the current request (or app context) on the primary, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def reads_replica(view):
    """Mark a view as one that only reads and may see data a few seconds old: its
    ``get_read_session()`` is then the replica's when one is configured and serving. Place it
    under the route decorator. Should the replica fail while the view runs, the view runs once
    more on the primary (it only reads, so running it twice changes nothing)."""
    @functools.wraps(view)
    def replica_view(*args, **kwargs):
        router = router_of(current_app)
        if router is None:
            return view(*args, **kwargs)
        router.begin_request()
        try:
            return view(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if not (_on_replica() and router.failed_here()):
                raise
            _read_primary_instead()
            return view(*args, **kwargs)

    setattr(replica_view, READ_ONLY, True)
    return replica_view


def marked_read_only(app, endpoint: str | None) -> bool:
    """Whether the view of ``endpoint`` is marked ``@reads_replica``."""
    return getattr(app.view_functions.get(endpoint), READ_ONLY, False)


def get_read_session() -> Session:
    """The session a view marked ``@reads_replica`` reads with: the replica's while it serves,
    otherwise a read-only one on the primary. In any other view (or without a replica
    configured) it is ``get_session()``."""
    router = router_of(current_app)
    if router is None or not has_request_context() or not marked_read_only(current_app, request.endpoint):
        return get_session()
    if "db_read_session" not in g:
        g.db_read_session = router.open() or _primary_read_only()
    return g.db_read_session


def _on_replica() -> bool:
    session = g.get("db_read_session")
    return session is not None and session.info.get("replica", False)


def _read_primary_instead() -> None:
    _close_read_session(g.pop("db_read_session"))
    g.db_read_session = _primary_read_only()


def _close_read_session(session: Session) -> None:
    """Close a read session; a replica that died after the page was built (its rollback fails)
    must not turn the answer into an error: the session wrote nothing, and the pool drops the
    dead connection."""
    try:
        session.close()
    except DBAPIError:
        log.info("database replica: a read session's connection was lost at its end", exc_info=True)


def _primary_read_only() -> Session:
    """A session on the primary whose transactions are read-only, so a marked view behaves
    the same whichever server answers it."""
    session = Session(get_engine(), expire_on_commit=False)
    event.listen(session, "after_begin", _read_only_transaction)
    return session


def _read_only_transaction(_session, _transaction, connection) -> None:
    connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def _close_session(_exc) -> None:
    read_session = g.pop("db_read_session", None)
    if read_session is not None:
        _close_read_session(read_session)
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def new_session(app=None) -> Session:
    """A session for work outside a request (CLI, background jobs); the caller closes it."""
    return open_session(app or current_app)
