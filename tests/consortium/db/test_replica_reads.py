"""Read-only pages read a real PostgreSQL streaming replica (``.ci/postgres-replica.sh``);
writes, logins and staff work never do; a replica-read page cannot write; a replica too far
behind is not read. The proof that a page read the replica: with the replica's replay paused,
it shows the catalogue as it was, while the primary already holds the newer row."""
import logging
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InternalError
from sqlmodel import select

from consortium.accounts.models import Member
from consortium.accounts.service import add_member, add_user
from consortium.db import get_read_session, reads_replica
from consortium.db.replica import router_of
from tests.conftest import free_port
from tests.consortium.db.replica_servers import (
    lag_of,
    on_database,
    pause_replay,
    replica_connections,
    replica_server_url,
    resume_replay,
    scalar,
    wait_for_replay,
)
from tests.staff import csrf_token, login

pytestmark = pytest.mark.postgres
BOOK = {"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"], "clc": "I242.4", "language": "zh"}
LATER = {"local_id": "a2", "title": "儒林外史", "authors": ["吴敬梓"], "clc": "I242.4", "language": "zh"}


@pytest.fixture
def backend():
    return "postgresql"


@pytest.fixture
def replica(database_url):
    """The test database as the shared replica serves it, once replayed there."""
    server = replica_server_url()
    resume_replay(server)  # a test run killed while replay was paused left it so
    url = on_database(server, make_url(database_url).database)
    wait_for_replay(database_url, url)
    return {"server": server, "url": url, "database": make_url(database_url).database}


@pytest.fixture
def max_lag():
    """Seconds: more than any test takes, so lag alone never sends a read to the primary."""
    return 3600


@pytest.fixture
def replica_setting(request, replica):
    """CONSORTIUM_DATABASE_REPLICA_URL: the replica, or (param "refused") a port nobody listens on."""
    if getattr(request, "param", None) == "refused":
        return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/{replica['database']}"
    return replica["url"]


@pytest.fixture
def app_config(app_config, replica_setting, max_lag):
    return {**app_config, "CONSORTIUM_DATABASE_REPLICA_URL": replica_setting,
            "CONSORTIUM_DATABASE_REPLICA_MAX_LAG": max_lag, "CONSORTIUM_DATABASE_REPLICA_LAG_CHECK": 0}


@pytest.fixture
def app(app):
    yield app
    router_of(app).engine.dispose()


@pytest.fixture
def paused(replica):
    """Replay paused on the replica for the test's body (resumed whatever happens)."""
    pause_replay(replica["server"])
    yield replica
    resume_replay(replica["server"])


def push(client, key, record) -> int:
    response = client.post("/api/v1/members/A/records", json={"records": [record]},
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["works"][0]["work_id"]


def in_recovery(app, path: str) -> bool:
    """Whether the session a request to ``path`` reads with is on a standby."""
    with app.test_request_context(path):
        return get_read_session().execute(text("SELECT pg_is_in_recovery()")).scalar()


def test_record_pages_feeds_and_oai_read_the_replica(app, client, keys, replica, database_url):
    """A work pushed while the replica's replay is paused is on the primary but not yet on the
    pages; once replayed, the pages show it, read through the replica's connection."""
    first = push(client, keys["A"], BOOK)
    wait_for_replay(database_url, replica["url"])
    assert client.get(f"/works/{first}").status_code == 200
    pause_replay(replica["server"])
    try:
        later = push(client, keys["A"], LATER)
        assert scalar(database_url, "SELECT count(*) FROM work WHERE id = :id", id=later) == 1
        assert client.get(f"/works/{later}").status_code == 404
        assert client.get(f"/api/v1/works/{later}").status_code == 404
        assert client.get(f"/works/{later}/cite.ris").status_code == 404
        feed = client.get("/feeds/new.atom").get_data(as_text=True)
        assert "红楼梦" in feed and "儒林外史" not in feed
        oai = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc").get_data(as_text=True)
        assert "红楼梦" in oai and "儒林外史" not in oai
    finally:
        resume_replay(replica["server"])
    wait_for_replay(database_url, replica["url"])
    assert "儒林外史" in client.get(f"/works/{later}").get_data(as_text=True)
    assert "儒林外史" in client.get("/feeds/new.atom").get_data(as_text=True)
    assert in_recovery(app, f"/works/{later}") and in_recovery(app, "/oai")
    assert replica_connections(replica["server"], replica["database"]) >= 1


@pytest.mark.parametrize("replica_setting", ["replica", "refused"], indirect=True)
def test_a_replica_read_view_that_writes_fails(app, client, session, replica, replica_setting, caplog):
    """A view marked @reads_replica that tries to write is refused (read-only transaction):
    the marker cannot hide a write, on the replica or on the primary standing in for it."""
    @reads_replica
    def writes_a_member():
        add_member(get_read_session(), "Z", "写入馆", "Writer Library")
        return "written"

    app.add_url_rule("/test/writes", "test_writes", writes_a_member)
    with caplog.at_level(logging.ERROR, logger="consortium.web.errors"):
        assert client.get("/test/writes").status_code == 500
    assert isinstance(caplog.records[-1].exc_info[1], InternalError)
    assert "cannot execute INSERT in a read-only transaction" in str(caplog.records[-1].exc_info[1])
    assert router_of(app).state == ("ok" if replica_setting == replica["url"] else "unreachable")
    assert session.exec(select(Member).where(Member.code == "Z")).first() is None


def test_a_replica_lost_in_the_middle_of_a_page_is_answered_from_the_primary(app, client, replica):
    """The replica's connection dies between two reads of a page: the page runs again on the
    primary (it only reads) and the reader gets the answer, not an error."""
    @reads_replica
    def two_reads():
        session = get_read_session()
        pid, standby = session.execute(text("SELECT pg_backend_pid(), pg_is_in_recovery()")).one()
        if standby:
            scalar(replica["server"], "SELECT pg_terminate_backend(:pid)", pid=pid)
        return "replica" if session.execute(text("SELECT pg_is_in_recovery()")).scalar() else "primary"

    app.add_url_rule("/test/two-reads", "test_two_reads", two_reads)
    response = client.get("/test/two-reads")
    assert response.status_code == 200 and response.get_data(as_text=True) == "primary"
    assert router_of(app).state == "unreachable" and router_of(app).outages["unreachable"] == 1


def test_staff_and_push_paths_use_the_primary(app, client, keys, session, paused, members):
    """While the replica is stuck in the past: pushes, logins, the work's staff page, the
    liaison queue and the guide editor all see what was just written; the reader's record
    page does not yet."""
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    for code in members:
        add_user(session, f"liaison@{code.lower()}.example", "liaison-pass-1", "liaison", code)
    work_id = push(client, keys["A"], LATER)
    assert client.get(f"/works/{work_id}").status_code == 404  # the replica's past
    assert login(client, "lib@a.example", "lib-pass-1").status_code == 302
    assert "儒林外史" in client.get(f"/staff/catalogue/works/{work_id}").get_data(as_text=True)
    token = csrf_token(client, "/staff/guides/new")
    created = client.post("/staff/guides/new", data={"title": "明清小说新书", "intro_md": "小说", "language": "zh",
                                                     "kind": "picked", "csrf_token": token})
    assert created.status_code == 302
    assert "明清小说新书" in client.get(created.headers["Location"]).get_data(as_text=True)
    asked = app.test_client().post("/api/v1/questions", json={"question": "请问《儒林外史》哪个版本最好？", "name": "张三",
                                                   "email": "zhangsan@reader.example", "home_member": "A"})
    assert asked.status_code == 201, asked.get_json()
    liaison = app.test_client()
    routed_to = asked.get_json()["routed_to"].lower()
    assert login(liaison, f"liaison@{routed_to}.example", "liaison-pass-1").status_code == 302
    assert "儒林外史" in liaison.get("/staff/questions?tab=new").get_data(as_text=True)
    assert not in_recovery(app, "/staff/questions") and not in_recovery(app, "/api/v1/members/A/records")


@pytest.mark.parametrize("max_lag", [1])
def test_a_replica_too_far_behind_is_not_read_until_it_catches_up(app, client, keys, replica, database_url, max_lag):
    """Over CONSORTIUM_DATABASE_REPLICA_MAX_LAG the primary answers the record page; once the
    replica has caught up, it serves again."""
    router = router_of(app)
    pause_replay(replica["server"])
    try:
        work_id = push(client, keys["A"], LATER)
        deadline = time.monotonic() + 30
        while (lag_of(replica["url"], 1.0) or 0) <= 1.5:
            assert time.monotonic() < deadline, "the paused replica never fell 1.5 s behind"
            time.sleep(0.2)
        assert "儒林外史" in client.get(f"/works/{work_id}").get_data(as_text=True)
        assert router.state == "lagging" and router.fallbacks["lagging"] >= 1
        metrics = client.get("/metrics").get_data(as_text=True)
        assert "daodu_db_replica_serving 0.0" in metrics
        assert 'daodu_db_replica_fallback_reads_total{reason="lagging"}' in metrics
    finally:
        resume_replay(replica["server"])
    wait_for_replay(database_url, replica["url"])
    # caught up; the next lag check (every request here) finds it within the limit, though the
    # shared server's other writers may keep it a moment behind
    deadline = time.monotonic() + 30
    while True:
        assert "儒林外史" in client.get(f"/works/{work_id}").get_data(as_text=True)
        if router.state == "ok":
            break
        assert time.monotonic() < deadline, f"the replica never served again (lag {router.lag})"
        time.sleep(0.2)
    assert router.lag < max_lag
    assert "daodu_db_replica_serving 1.0" in client.get("/metrics").get_data(as_text=True)
