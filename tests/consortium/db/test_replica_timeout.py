"""A replica that takes connections and never answers (a hung server, a black-holed network):
the reader who finds out waits the connect timeout once, the readers after it not at all, and
after the back-off one reader alone tries it again."""
import socket
import threading
import time

import pytest
import requests
from sqlalchemy.engine import make_url

from consortium.db.replica import router_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CONNECT_TIMEOUT = 2
RETRY_AFTER = 4
QUICK = CONNECT_TIMEOUT - 0.5
SLACK = 2.0  # what else a page takes on a loaded 2-core machine


@pytest.fixture
def backend():
    return "postgresql"


@pytest.fixture
def silent_server():
    """A loopback port whose kernel completes connections that nobody ever answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


@pytest.fixture
def app_config(app_config, database_url, silent_server):
    replica = make_url(database_url).set(port=silent_server).render_as_string(hide_password=False)
    return {**app_config, "CONSORTIUM_DATABASE_REPLICA_URL": replica,
            "CONSORTIUM_DATABASE_REPLICA_CONNECT_TIMEOUT": CONNECT_TIMEOUT,
            "CONSORTIUM_DATABASE_REPLICA_RETRY_AFTER": RETRY_AFTER}


@pytest.fixture
def app(app):
    yield app
    router_of(app).engine.dispose()


def timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    status = requests.get(url, timeout=30).status_code
    return status, time.monotonic() - started


def test_a_hung_replica_costs_one_connect_timeout_per_back_off(app, live_server, keys):
    """First reader: about CONNECT_TIMEOUT, then 200 from the primary; the next readers: quick;
    after RETRY_AFTER, of four readers at once only one waits again."""
    pushed = requests.post(f"{live_server.url}/api/v1/members/A/records", timeout=30,
                           headers={"Authorization": f"Bearer {keys['A']}"},
                           json={"records": [{"local_id": "a1", "title": "红楼梦", "authors": ["曹雪芹"]}]})
    page = f"{live_server.url}/works/{pushed.json()['works'][0]['work_id']}"
    for warm_up in ("/", "/search?q=红楼梦"):  # a fresh app's first pages compile templates
        assert requests.get(live_server.url + warm_up, timeout=30).status_code == 200
    status, first = timed_get(page)
    assert status == 200 and CONNECT_TIMEOUT - 0.5 <= first < CONNECT_TIMEOUT + SLACK, first
    after = [timed_get(page) for _ in range(5)]
    # "quick": well under a connect timeout, whatever else the machine is doing
    assert all(status == 200 for status, _ in after) and max(seconds for _, seconds in after) < QUICK, after
    time.sleep(RETRY_AFTER)
    together: list[tuple[int, float]] = []
    readers = [threading.Thread(target=lambda: together.append(timed_get(page))) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)
    waits = sorted(seconds for _, seconds in together)
    assert [status for status, _ in together] == [200] * 4
    assert waits[-1] >= CONNECT_TIMEOUT - 0.5 and waits[-2] < QUICK, waits
    router = router_of(app)
    assert router.state == "unreachable" and router.outages["unreachable"] == 1
    assert router.fallbacks["unreachable"] == 10
