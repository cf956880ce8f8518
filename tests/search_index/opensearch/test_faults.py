"""Faults of a real cluster (a 3-node cluster of these tests' own, replicas = 1): a node
SIGKILLed under a search load, and the whole cluster stopped while members push."""
import threading
import time

import pytest

from consortium.catalogue.service import ingest_batch
from consortium.db import new_session
from consortium.ports import SEARCH
from consortium.search import operations
from consortium.search.indexer import load_progress
from tests.search_index.conftest import push_books
from tests.search_index.opensearch import cluster

pytestmark = [pytest.mark.slow, pytest.mark.opensearch]
LOAD_SECONDS_AFTER_KILL = 20.0


@pytest.fixture(scope="module")
def faulty_cluster(tmp_path_factory):
    """A cluster these tests may break; every test leaves it whole (all nodes up, green)."""
    cluster.require_launcher()
    own = cluster.PrivateCluster(str(tmp_path_factory.mktemp("faults-cluster")), 19211, 19311, "daodu-faults")
    try:
        own.up()
        yield own
    finally:
        own.stop()


@pytest.fixture
def app_config(app_config, faulty_cluster) -> dict:
    options = dict(cluster.app_options(faulty_cluster.url, cluster.unique_prefix()), OPENSEARCH_SHARDS=3,
                   OPENSEARCH_RETRY_SECONDS=3, OPENSEARCH_TIMEOUT=10)
    return dict(app_config, SEARCH_BACKEND="opensearch", **options)


def records(start: int, count: int) -> list[dict]:
    return [{"local_id": f"r{i}", "title": f"近代史研究 第{i}卷", "authors": [f"作者{i % 37}"], "year": 1950 + i % 70,
             "language": "zh", "format": "book", "clc": "K25", "available": i % 2} for i in range(start, start + count)]


def test_searches_keep_answering_when_a_node_is_killed(app, session, members, faulty_cluster):
    """Two readers search without pause; one node is SIGKILLed: every search after the
    cluster re-routes answers in full (the error count and its window are printed)."""
    push_books(session, members)
    ingest_batch(session, members["A"], records(0, 300))
    operations.sync_index(app)
    port = app.extensions[SEARCH]
    expected = port.search({"q": "近代史"})["total"]
    assert expected == 300
    outcomes, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            started = time.monotonic()
            try:
                ok = port.search({"q": "近代史", "member": "A"})["total"] == expected
            except Exception as exc:  # counted: what a reader would have seen as an error page
                ok = repr(exc)
            outcomes.append((started, ok))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        killed_at = time.monotonic()
        faulty_cluster.kill(1)
        time.sleep(LOAD_SECONDS_AFTER_KILL)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    after = [(t - killed_at, ok) for t, ok in outcomes if t >= killed_at]
    errors = [(round(t, 2), ok) for t, ok in after if ok is not True]
    window = (errors[0][0], errors[-1][0]) if errors else None
    print(f"\nnode kill: {len(after)} searches after the kill, {len(errors)} errors, window {window} s")
    assert len(after) > 20
    settled = [ok for t, ok in after if t > 10]
    assert settled and all(ok is True for ok in settled), errors[:5]
    faulty_cluster.start()  # the node comes back and its shard copies recover
    assert port.search({"q": "近代史"})["total"] == expected


def test_pushes_go_on_while_the_cluster_is_down_and_the_index_catches_up(app, client, keys, faulty_cluster,
                                                                          caplog):
    """With the whole cluster stopped, pushes still answer 200 and the indexer only waits
    (its checkpoint stays where the cluster last acknowledged); when the cluster is back the
    index equals the database."""
    headers = {"Authorization": f"Bearer {keys['A']}"}

    def push(start, count=50):
        response = client.post("/api/v1/members/A/records", json={"records": records(start, count)}, headers=headers)
        assert response.status_code == 200 and not response.get_json()["rejected"]

    push(0)
    operations.indexer_job(app)
    assert operations.check(app).clean
    faulty_cluster.stop()
    with new_session(app) as session:
        acknowledged = load_progress(session).last_id
    for start in range(50, 300, 50):  # pushes during the outage, the indexer trying between them
        push(start)
        operations.indexer_job(app)
    with new_session(app) as session:
        assert load_progress(session).last_id == acknowledged
    assert "search index not updated this pass" in caplog.text
    faulty_cluster.start()
    operations.indexer_job(app)
    report = operations.check(app)
    assert report.clean and report.checked == 300, report
    assert app.extensions[SEARCH].search({"q": "近代史"})["total"] == 300
    with new_session(app) as session:
        assert load_progress(session).last_id == operations.status(app)["head"]

