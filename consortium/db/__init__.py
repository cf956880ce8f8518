"""The database resource of the Flask app: one engine per app, one session per request.

Flask-free pieces (building engines, sessions for an app handed in, column helpers) live in
``consortium.db.engine`` and ``consortium.db.columns``; the unit of work in ``consortium.db.uow``;
schema migrations in ``consortium.db.migrate`` and ``migrations/``.
"""
import os

from flask import current_app, g
from sqlalchemy.engine import Engine
from sqlmodel import Session

from consortium.db.engine import EXTENSION, engine_of, make_engine, open_session


def init_app(app) -> None:
    url = app.config["CONSORTIUM_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])), exist_ok=True)
    app.extensions[EXTENSION] = make_engine(url)
    app.teardown_appcontext(_close_session)


def get_engine(app=None) -> Engine:
    return engine_of(app or current_app)


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
    return open_session(app or current_app)
