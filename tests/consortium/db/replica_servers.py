"""The PostgreSQL streaming replica as tests reach it: the shared one of
``.ci/postgres-replica.sh`` (its URL from the environment), a private primary and replica pair
for tests that stop servers, and waiting for the replica to replay what the primary wrote."""
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from consortium.db.replica import replica_lag
from tests.conftest import PG_ENV, skip_or_fail

REPLICA_ENV = "CONSORTIUM_TEST_POSTGRES_REPLICA_URL"
CI = Path(__file__).resolve().parents[3] / ".ci"
PGBIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=None, key=lambda p: int(p.parent.name))


def replica_server_url() -> str:
    """The shared replica's URL (its ``postgres`` database); skipped (failed in CI) without one."""
    url = os.environ.get(REPLICA_ENV)
    if not url or not os.environ.get(PG_ENV):
        skip_or_fail(f"replica tests need {PG_ENV} and {REPLICA_ENV} "
                     "(eval \"$(bash .ci/postgres.sh)\" && eval \"$(bash .ci/postgres-replica.sh)\"; CI sets them)")
    return url


def on_database(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


def scalar(url: str, sql: str, **params):
    """One value read on its own connection (autocommit, so nothing is held open)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def wait_for_replay(primary_url: str, replica_url: str, timeout: float = 60) -> None:
    """Until the replica has replayed everything the primary had written when this was called."""
    # the insert position: the test servers commit asynchronously (synchronous_commit=off), so
    # a commit may still sit in the WAL buffers, past pg_current_wal_lsn()
    target = scalar(primary_url, "SELECT pg_current_wal_insert_lsn()::text")
    server = on_database(replica_url, "postgres")  # a new database is not there to connect to yet
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scalar(server, "SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)", lsn=target):
            return
        time.sleep(0.1)
    raise AssertionError(f"the replica did not replay up to {target} in {timeout} s")


def lag_of(replica_url: str, max_lag: float) -> float | None:
    """The replica's lag as the app measures it, on a connection of its own."""
    engine = create_engine(replica_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return replica_lag(conn, max_lag)
    finally:
        engine.dispose()


def pause_replay(replica_url: str) -> None:
    """Stop applying WAL on the replica (it keeps receiving): from now on it shows older data."""
    scalar(replica_url, "SELECT pg_wal_replay_pause()::text")


def resume_replay(replica_url: str) -> None:
    scalar(replica_url, "SELECT pg_wal_replay_resume()::text")


def replica_connections(replica_url: str, database: str) -> int:
    """Connections of the app's replica engine to ``database``, as the replica lists them."""
    return scalar(replica_url, "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                               "AND application_name = 'daodu-replica-reads'", db=database)


class PrivatePair:
    """A primary and its streaming replica of a test's own (.ci/postgres.sh and
    .ci/postgres-replica.sh with their own ports and folders), for tests that stop the replica
    without disturbing the shared servers."""

    def __init__(self, primary_port: int, replica_port: int):
        if PGBIN is None or not (PGBIN / "pg_basebackup").exists():
            skip_or_fail("a private replica needs PostgreSQL's server binaries (apt-get install postgresql)")
        # under /tmp itself: the servers run as the postgres user, who cannot enter pytest's 0700 folders
        self.root = Path("/tmp") / f"daodu-pg-pair-{uuid.uuid4().hex[:8]}"
        self.env = dict(os.environ, PGDATA_DIR=str(self.root / "primary"), PGPORT_TEST=str(primary_port),
                        PGREPLICA_DIR=str(self.root / "replica"), PGREPLICA_PORT=str(replica_port))
        self.primary_url = f"postgresql+psycopg://postgres@127.0.0.1:{primary_port}/postgres"
        self.replica_url = f"postgresql+psycopg://postgres@127.0.0.1:{replica_port}/postgres"

    def run(self, script: str, *args: str) -> str:
        proc = subprocess.run(["bash", str(CI / script), *args], env=self.env, capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f".ci/{script} {' '.join(args)} failed: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def up(self) -> None:
        self.root.mkdir(mode=0o755)
        self.run("postgres.sh")
        self.run("postgres-replica.sh")

    def stop_replica(self, mode: str = "immediate") -> None:
        self.run("postgres-replica.sh", "stop", mode)

    def start_replica(self) -> None:
        self.run("postgres-replica.sh", "start")

    def stop_primary(self, mode: str = "immediate") -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D", self.env["PGDATA_DIR"],
                        "-m", mode, "-w", "stop"], capture_output=True, timeout=120)

    def start_primary(self) -> None:
        self.run("postgres.sh")

    def down(self) -> None:
        """Stop both servers and remove their folders."""
        self.stop_replica("fast")
        self.stop_primary("fast")
        shutil.rmtree(self.root, ignore_errors=True)
