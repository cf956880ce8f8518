"""The database resource: one SQLAlchemy engine per app, one session per request."""
import json
import os

from flask import current_app, g
from sqlalchemy import Text, event, type_coerce
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

EXTENSION = "consortium.db"


def make_engine(url: str) -> Engine:
    """Build an engine; SQLite files get WAL mode, a busy timeout and foreign keys."""
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
    cur.close()


def init_app(app) -> None:
    url = app.config["CONSORTIUM_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])), exist_ok=True)
    app.extensions[EXTENSION] = make_engine(url)
    app.teardown_appcontext(_close_session)


def get_engine(app=None) -> Engine:
    return (app or current_app).extensions[EXTENSION]


def get_session() -> Session:
    """The session of the current request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def new_session(app=None) -> Session:
    """A session for work outside a request (CLI, background jobs); the caller closes it."""
    return Session(get_engine(app), expire_on_commit=False)


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
