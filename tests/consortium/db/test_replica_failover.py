"""Failover of reads on a real primary and streaming replica of the test's own: readers keep
getting answers while the replica is stopped (crash: ``pg_ctl stop -m immediate``) and started
again, the primary answers meanwhile, the replica is retried after the back-off only, and once
it is back the pages read it again."""
import logging
import threading
import time

import pytest
import requests
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from consortium.db.replica import router_of
from tests.conftest import migrated_database
from tests.consortium.db.replica_servers import (
    PrivatePair,
    lag_of,
    on_database,
    pause_replay,
    resume_replay,
    scalar,
    wait_for_replay,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
# Ports of this module's own servers: below Linux's ephemeral range (32768–60999), so no
# outgoing connection holds one while the replica is down, and apart from the shared 54329/54330.
PRIMARY_PORT, REPLICA_PORT = 54347, 54348
RETRY_AFTER = 2
CONNECT_TIMEOUT = 2
# A replica restarted after a crash replays its own WAL from a restart point first, showing
# older states on the way: it may not be read until it is within MAX_LAG of the primary again.
# The replica stays down for longer than that, so a page read from such a state would show
# the work missing (404).
MAX_LAG = 5
DOWN_FOR = 4 * RETRY_AFTER
PAGES = ["/works/{id}", "/api/v1/works/{id}", "/works/{id}/cite.bib", "/feeds/new.atom", "/oai?verb=Identify"]


@pytest.fixture(scope="module")
def pair():
    pair = PrivatePair(PRIMARY_PORT, REPLICA_PORT)
    try:
        pair.up()
        yield pair
    finally:
        pair.down()


@pytest.fixture
def backend():
    return "postgresql"


@pytest.fixture
def database_url(pair):
    """A migrated database on this module's primary."""
    with migrated_database(pair.primary_url, "daodu_f_") as name:
        yield on_database(pair.primary_url, name)


@pytest.fixture
def replica_url(pair, database_url):
    url = on_database(pair.replica_url, make_url(database_url).database)
    wait_for_replay(database_url, url)
    return url


@pytest.fixture
def app_config(app_config, replica_url):
    return {**app_config, "CONSORTIUM_DATABASE_REPLICA_URL": replica_url,
            "CONSORTIUM_DATABASE_REPLICA_CONNECT_TIMEOUT": CONNECT_TIMEOUT,
            "CONSORTIUM_DATABASE_REPLICA_RETRY_AFTER": RETRY_AFTER,
            "CONSORTIUM_DATABASE_REPLICA_LAG_CHECK": 1, "CONSORTIUM_DATABASE_REPLICA_MAX_LAG": MAX_LAG}


@pytest.fixture
def app(app):
    yield app
    router_of(app).engine.dispose()


class Readers(threading.Thread):
    """Two readers' worth of requests over the replica-served pages, each one timed."""

    def __init__(self, base: str, work_id: int):
        super().__init__(daemon=True)
        self.urls = [base + page.format(id=work_id) for page in PAGES]
        self.answers: list[tuple[float, float, int, str]] = []  # (started, seconds, status, url)
        self.done = threading.Event()

    def run(self):
        with requests.Session() as http:
            while not self.done.is_set():
                for url in self.urls:
                    started = time.monotonic()
                    try:
                        status = http.get(url, timeout=30).status_code
                    except requests.RequestException:
                        status = 0
                    self.answers.append((started, time.monotonic() - started, status, url))

    def wait_for(self, n: int, timeout: float = 60) -> None:
        """Until ``n`` more answers came in."""
        target, deadline = len(self.answers) + n, time.monotonic() + timeout
        while len(self.answers) < target:
            assert time.monotonic() < deadline, "the readers stopped getting answers"
            time.sleep(0.05)


def push(live_server, key, record) -> int:
    response = requests.post(f"{live_server.url}/api/v1/members/A/records", json={"records": [record]},
                             headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["works"][0]["work_id"]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_reads_survive_the_replica_crashing_and_return_to_it(app, live_server, keys, pair, database_url,
                                                             replica_url, caplog):
    """Every request answers 200 while the replica is down and back; it is tried once per
    back-off, not once per request; the outage is logged and counted once; then it serves again."""
    router = router_of(app)
    refused: list[float] = []
    event.listen(router.engine, "handle_error", lambda ctx: ctx.connection is None and refused.append(time.monotonic()))
    work_id = push(live_server, keys["A"], {"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"]})
    wait_for_replay(database_url, replica_url)
    readers = Readers(live_server.url, work_id)
    caplog.set_level(logging.WARNING, logger="consortium.db.replica")
    readers.start()
    try:
        readers.wait_for(10)
        assert router.state == "ok"
        pair.stop_replica("immediate")
        stopped = time.monotonic()
        readers.wait_for(10)
        time.sleep(DOWN_FOR)  # four back-offs with the replica gone
        down_for = time.monotonic() - stopped
        pair.start_replica()
        wait_until(lambda: router.state == "ok", 90, "the replica never served again after it was started")
        readers.wait_for(10)
    finally:
        readers.done.set()
        readers.join(60)
    assert [a for a in readers.answers if a[2] != 200] == []
    slow = [(round(started - stopped, 1), round(seconds, 1), url) for started, seconds, _status, url in readers.answers
            if seconds >= CONNECT_TIMEOUT + 2.0]  # 2 s: what else a page takes on a loaded machine
    assert slow == [], f"readers waited (s after the stop, s waited, page): {slow}"
    during = [t for t in refused if t >= stopped]
    assert 1 <= len(during) <= down_for / RETRY_AFTER + 2, f"{len(during)} tries in {down_for:.1f} s"
    assert all(b - a >= RETRY_AFTER - 0.2 for a, b in zip(during, during[1:])), during
    assert router.outages["unreachable"] == 1 and router.fallbacks["unreachable"] >= 10, (router.outages,
                                                                                         router.fallbacks)
    logged = [r.getMessage() for r in caplog.records if r.name == "consortium.db.replica"]
    # one outage, one warning; a replica restarted after a crash may first replay older states
    # (lagging) before it has caught up and serves again
    events = [m.split(" (")[0] for m in logged]
    assert events[0] == "database replica unreachable" and events[-1] == "database replica serves again", logged
    assert set(events[1:-1]) <= {"database replica lagging"} and len(events) <= 3, logged
    metrics = requests.get(f"{live_server.url}/metrics", timeout=30).text
    assert 'daodu_db_replica_outages_total{reason="unreachable"} 1.0' in metrics
    assert "daodu_db_replica_serving 1.0" in metrics
    # back on the replica: with its replay paused, a new work is not on the pages yet (a fresh
    # commit replayed first, so the paused replica is well within MAX_LAG)
    push(live_server, keys["A"], {"local_id": "a1", "title": "红楼梦（修订本）", "authors": ["曹雪芹"]})
    wait_for_replay(database_url, replica_url)
    pause_replay(pair.replica_url)
    try:
        later = push(live_server, keys["A"], {"local_id": "a2", "title": "儒林外史", "authors": ["吴敬梓"]})
        assert requests.get(f"{live_server.url}/works/{later}", timeout=30).status_code == 404
    finally:
        resume_replay(pair.replica_url)
    wait_for_replay(database_url, replica_url)
    assert requests.get(f"{live_server.url}/works/{later}", timeout=30).status_code == 200


def test_replica_served_pages_answer_readers_while_the_primary_is_down(app, client, keys, pair, database_url,
                                                                       replica_url):
    """With the primary crashed (before a promotion), a reader's record page, feed, OAI-PMH and
    knowledge base still answer from the replica; a push, which needs the primary, does not."""
    pushed = client.post("/api/v1/members/A/records", headers={"Authorization": f"Bearer {keys['A']}"},
                         json={"records": [{"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"]}]})
    work_id = pushed.get_json()["works"][0]["work_id"]
    wait_for_replay(database_url, replica_url)
    pair.stop_primary("immediate")
    try:
        assert "红楼梦" in client.get(f"/works/{work_id}").get_data(as_text=True)
        assert "红楼梦" in client.get("/feeds/new.atom").get_data(as_text=True)
        assert "红楼梦" in client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc").get_data(as_text=True)
        assert client.get("/answers").status_code == 200
        assert client.post("/api/v1/members/A/records", headers={"Authorization": f"Bearer {keys['A']}"},
                           json={"records": [{"local_id": "a2", "title": "儒林外史"}]}).status_code >= 500
    finally:
        pair.start_primary()


def test_a_caught_up_replica_of_a_quiet_primary_is_not_behind(pair, database_url, replica_url):
    """Nothing committed for longer than the lag limit: the replica is still 0 behind, not the
    age of its last replayed commit (a quiet night must not send every read to the primary)."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE quiet (id int)"))
    engine.dispose()
    wait_for_replay(database_url, replica_url)
    time.sleep(2.5)
    lags = [lag_of(replica_url, 1.0) for _ in range(5)]
    assert lags == [0.0] * 5, lags
    assert float(scalar(replica_url, "SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")) > 2
