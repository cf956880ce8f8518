"""``consortium init`` on a PostgreSQL server whose database does not exist yet: it says
exactly what to run, creates the database when asked, and explains a missing privilege."""
import os
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from consortium.cli import main
from consortium.db.engine import make_engine
from consortium.db.migrate import current_revision, head_revision
from tests.conftest import PG_ENV, skip_or_fail

pytestmark = pytest.mark.postgres


@pytest.fixture
def server():
    """The test server's URL and an admin engine; databases and roles made here are dropped."""
    if not os.environ.get(PG_ENV):
        skip_or_fail(f"PostgreSQL tests need {PG_ENV}")
    url = make_url(os.environ[PG_ENV])
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    made = {"databases": [], "roles": []}
    yield url, admin, made
    with admin.connect() as conn:
        for name in made["databases"]:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in made["roles"]:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def _init(tmp_path, url, *args):
    env = {"CONSORTIUM_DATABASE_URL": url.render_as_string(hide_password=False)}
    return CliRunner().invoke(main, ["--instance", str(tmp_path / "instance"), "init", *args], env=env)


def _exists(admin, name) -> bool:
    with admin.connect() as conn:
        return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None


def test_init_without_the_flag_says_exactly_what_to_run(server, tmp_path):
    """Exit 1 naming the flag and the superuser's createdb / CREATE DATABASE; nothing created."""
    url, admin, made = server
    name = f"daodu_init_{uuid.uuid4().hex[:8]}"
    made["databases"].append(name)
    result = _init(tmp_path, url.set(database=name))
    assert result.exit_code == 1, result.output
    assert "--create-database" in result.output and f"--template=template0 {name}" in result.output
    assert f'CREATE DATABASE "{name}" OWNER "postgres"' in result.output and "Traceback" not in result.output
    assert not _exists(admin, name)


def test_init_with_the_flag_creates_the_database_and_migrates_it(server, tmp_path):
    """The database is created (UTF-8) and brought to the newest schema; a second run just upgrades."""
    url, admin, made = server
    name = f"daodu_init_{uuid.uuid4().hex[:8]}"
    made["databases"].append(name)
    first = _init(tmp_path, url.set(database=name), "--create-database")
    assert first.exit_code == 0, first.output
    assert f"Created the database '{name}'" in first.output
    again = _init(tmp_path, url.set(database=name), "--create-database")
    assert again.exit_code == 0 and "Created" not in again.output
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SHOW server_encoding")).scalar() == "UTF8"
    engine.dispose()


def test_a_user_without_createdb_is_told_what_the_superuser_must_run(server, tmp_path):
    """The role may log in but not create databases: exit 1 with the superuser's command."""
    url, admin, made = server
    role, name = f"daodu_r_{uuid.uuid4().hex[:6]}", f"daodu_init_{uuid.uuid4().hex[:8]}"
    made["roles"].append(role)
    made["databases"].append(name)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOCREATEDB'))
    result = _init(tmp_path, url.set(database=name, username=role, password=None), "--create-database")
    assert result.exit_code == 1, result.output
    assert f"The user '{role}' may not create databases" in result.output
    assert f"--owner={role}" in result.output and not _exists(admin, name)
