"""The database engine and sessions without Flask: what services, jobs and ports use when
they are handed the app (or an engine) explicitly."""
import json

from sqlalchemy import Text, event, type_coerce
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

EXTENSION = "consortium.db"


def make_engine(url: str) -> Engine:
    """Build an engine; SQLite files get WAL mode, a busy timeout, foreign keys and secure delete."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # Deleted and overwritten content is zeroed in the file, not left in free space: after a
    # retention scrub no reader's address may be readable in the database file.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def flush_erased(engine: Engine) -> None:
    """Make data erased by committed transactions leave the files now: on SQLite, copy the
    write-ahead log into the database and truncate it (the log still holds the pages as they
    were before). PostgreSQL keeps dead row versions until VACUUM reuses their space; its
    tables no longer show them, which is what this guarantees there."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def engine_of(app) -> Engine:
    """The engine ``consortium.db.init_app`` put on ``app``."""
    return app.extensions[EXTENSION]


def open_session(app) -> Session:
    """A session on ``app``'s database for work outside a request; the caller closes it."""
    return Session(engine_of(app), expire_on_commit=False)


def as_stored_text(column):
    """A column selected as the text the database stores, without its type's conversion
    (a JSON column, see ``decode_json_texts``; a date on SQLite, already ISO text)."""
    return type_coerce(column, Text).label(column.name)


def decode_json_texts(values: list) -> list:
    """JSON column values selected with ``as_stored_text``, decoded in one ``json.loads`` (a
    per-value call costs more than the parsing); a driver that decodes JSON itself (psycopg)
    hands back the objects, which are kept."""
    if all(isinstance(value, str) for value in values):
        return json.loads("[" + ",".join(values) + "]")
    return [json.loads(value) if isinstance(value, str) else value for value in values]
