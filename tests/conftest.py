"""Shared fixtures: a fresh app per test on a real SQLite file (or PostgreSQL), its client and
CLI runner, seeded members and keys, the ``../shared/data`` folder, and a live server."""
import inspect
import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from consortium import create_app
from consortium.db import new_session
from consortium.db.engine import make_engine
from consortium.db.migrate import upgrade

# Property tests judge behaviour, not speed: on a loaded 2-core CI machine a slow example
# must not fail for its time (speed is measured by `make bench`).
settings.register_profile("daodu", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("daodu")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
PG_ENV = "CONSORTIUM_TEST_POSTGRES_URL"
STRICT = bool(os.environ.get("CONSORTIUM_TEST_STRICT"))


def skip_or_fail(reason: str):
    """Skip where a part is missing on a user's machine; in CI (strict) that is a failure."""
    if STRICT:
        pytest.fail(f"{reason} — CONSORTIUM_TEST_STRICT is set, so this must be available")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template():
    """A PostgreSQL template database migrated to head, or None when no server is configured."""
    url = os.environ.get(PG_ENV)
    if not url:
        yield None
        return
    with migrated_database(url, "daodu_tpl_") as name:
        yield name


@contextmanager
def migrated_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new database migrated to head on the PostgreSQL server of ``server_url`` (its name,
    ``prefix`` and a random part), dropped afterwards. No pool: a test may crash the server,
    and the drop must not find a dead connection."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(server_url).set(database=name).render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# Tests that need a browser or a PostgreSQL server carry its mark even when they reach it only
# through a fixture, so the fast lane (`make test-fast`: -m "not browser and not postgres and not
# slow") leaves them out.
_FIXTURE_MARKS = {"browser": "browser", "page": "browser", "pg_template": "postgres"}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, mark in _FIXTURE_MARKS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(mark)


def pytest_generate_tests(metafunc):
    """Tests that name ``backend`` in their own signature run on SQLite and PostgreSQL."""
    if "backend" in inspect.signature(metafunc.function).parameters:
        metafunc.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def database_url(backend, tmp_path, migrated_sqlite, request):
    """A fresh, migrated database for one test."""
    if backend == "sqlite":
        path = tmp_path / "consortium.sqlite3"
        shutil.copy(migrated_sqlite, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    if template is None:
        skip_or_fail(f"PostgreSQL tests need {PG_ENV} (CI sets it; see .ci/run)")
    url = make_url(os.environ[PG_ENV])
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"daodu_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "CONSORTIUM_DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "CONSORTIUM_BACKGROUND_JOBS": False,
    }


@pytest.fixture
def app(tmp_path, app_config):
    app = create_app(app_config, instance_path=str(tmp_path / "instance"))
    yield app
    from consortium.db import get_engine

    get_engine(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A service-level session; no app context is pushed, so requests keep their own."""
    with new_session(app) as s:
        yield s


@pytest.fixture
def members(session):
    """Three member libraries, A, B and C."""
    from consortium.accounts.service import add_member

    return {
        code: add_member(session, code, name, name_en)
        for code, name, name_en in (
            ("A", "甲大学图书馆", "University A Library"),
            ("B", "乙大学图书馆", "University B Library"),
            ("C", "丙大学图书馆", "University C Library"),
        )
    }


@pytest.fixture
def keys(session, members) -> dict:
    """One API key per member, as ``{code: key}``."""
    from consortium.accounts.service import issue_key

    return {code: issue_key(session, code) for code in members}


@pytest.fixture
def shared_data() -> Path:
    """The real bibliographic data in ../shared/data; absent on a user's fresh clone."""
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"real test data not present at {SHARED_DATA} (only the project's CI and developers have it)")
    return SHARED_DATA


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app served by waitress on a free loopback port, in a thread."""

    def __init__(self, app):
        from waitress.server import create_server

        self.app = app
        self.port = free_port()
        self.server = create_server(app, host="127.0.0.1", port=self.port, threads=4)
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop from inside waitress's own loop once its workers are done.

        Closing from the test thread races a keep-alive client's last response (EBADF on
        waitress's trigger, or the loop left in select() over a closed socket).
        """
        from waitress import wasyncore

        self.server.task_dispatcher.shutdown()
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(10)
        assert not self.thread.is_alive(), "waitress did not stop"


@pytest.fixture
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download: executablePath is Debian's)."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
