"""The PostgreSQL database an instance names: does it exist, and creating it when asked
(``consortium init --create-database``) through the server's maintenance database.

A database is created with the URL's own user (who then owns it), UTF-8 from ``template0``
so that the encoding never depends on the server's default. When that user may not create
databases, the error says exactly what a PostgreSQL superuser has to run instead.
"""
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from consortium.errors import ConsortiumError

# Tried in this order to reach the server when the instance's database does not exist yet.
MAINTENANCE_DATABASES = ("postgres", "template1")


class DatabaseError(ConsortiumError):
    """Root of the errors of setting up an instance's database."""


class DatabaseMissing(DatabaseError):
    """The database the instance names does not exist (the message says how to create it)."""


class DatabaseUnreachable(DatabaseError):
    """The server cannot be reached or refuses the login."""


class CannotCreateDatabase(DatabaseError):
    """The user may not create the database (the message names the superuser's command)."""


def ensure_database(url: str, create: bool = False) -> bool:
    """Check that the PostgreSQL database of ``url`` exists; create it when ``create``.

    Returns whether it was created. SQLite (a file made on first use) is always there.
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return False
    if database_exists(parsed):
        return False
    if not create:
        raise DatabaseMissing(f"The database {parsed.database!r} does not exist on {_server(parsed)}. "
                              f"{_how_to_create(parsed)}")
    create_database(parsed)
    return True


def database_exists(url: URL) -> bool:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect():
            return True
    except OperationalError as exc:
        if f'database "{url.database}" does not exist' in str(exc.orig):
            return False
        raise DatabaseUnreachable(f"Cannot connect to PostgreSQL at {_server(url)}: {_first_line(exc)}") from exc
    finally:
        engine.dispose()


def create_database(url: URL) -> None:
    """``CREATE DATABASE`` through the first maintenance database the user can reach."""
    last: Exception | None = None
    for maintenance in MAINTENANCE_DATABASES:
        engine = create_engine(url.set(database=maintenance), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with engine.connect() as conn:
                name = conn.dialect.identifier_preparer.quote(url.database)
                conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
                return
        except OperationalError as exc:
            last = exc
            continue  # this maintenance database is not there or not open to the user
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
                raise CannotCreateDatabase(f"The user {url.username!r} may not create databases on "
                                           f"{_server(url)}. As PostgreSQL's superuser run: {_superuser_command(url)}") from exc
            raise DatabaseError(f"Could not create the database {url.database!r}: {_first_line(exc)}") from exc
        finally:
            engine.dispose()
    raise DatabaseUnreachable(f"Cannot reach a maintenance database ({', '.join(MAINTENANCE_DATABASES)}) on "
                              f"{_server(url)} to create {url.database!r}: {_first_line(last)}. "
                              f"As PostgreSQL's superuser run: {_superuser_command(url)}")


def _how_to_create(url: URL) -> str:
    return (f"Run `consortium init --create-database` (the user {url.username!r} needs the CREATEDB privilege), "
            f"or, as PostgreSQL's superuser: {_superuser_command(url)}")


def _superuser_command(url: URL) -> str:
    owner = url.username or "postgres"
    return (f"sudo -u postgres createdb --host={url.host or 'localhost'} "
            f"--port={url.port or 5432} --owner={owner} --encoding=UTF8 --template=template0 {url.database} "
            f"(in psql: CREATE DATABASE \"{url.database}\" OWNER \"{owner}\" ENCODING 'UTF8' TEMPLATE template0;), "
            f"then run `consortium init` again.")


def _server(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _first_line(exc) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[-1].strip() if text.strip() else type(exc).__name__
