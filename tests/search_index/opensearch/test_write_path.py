"""The indexer's write path on the cluster, made faster without changing what it writes: a
large batch read and sent by helper processes gives the very index this process would; bulk
requests in flight together land every document (or raise, naming the work refused); and a
writer that wrote makes it searchable when it closes, not only within the refresh interval."""
import time

import pytest
from opensearchpy.exceptions import ConnectionTimeout

from search_index.backends import open_backend
from search_index.errors import HelperFailed
from search_index.opensearch import bulk, fields, mapping
from search_index.opensearch.connection import ClusterRejected, ClusterUnavailable, Options
from search_index.opensearch.helpers import PARALLEL_FROM
from search_index.ports import BackendSettings
from tests.search_index.corpus import ZH_WORDS, ListBatch, ListSource, index_documents
from tests.search_index.opensearch import cluster

pytestmark = [pytest.mark.needs_search, pytest.mark.opensearch]


def ready_helpers(writer, timeout: float = 60) -> None:
    """Wait until the helpers a large batch started are ready."""
    deadline = time.monotonic() + timeout
    while not writer._helpers.ready():
        assert time.monotonic() < deadline, "the index helpers did not start"
        time.sleep(0.05)


@pytest.fixture
def two_writers(tmp_path):
    """Writers of two indices on the cluster: one with two helper processes, one without."""
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    backends = {procs: open_backend("opensearch", BackendSettings(
        index_dir=str(tmp_path / str(procs)), rebuild_procs=procs,
        options=cluster.app_options(url, f"{prefix}{procs}-"))) for procs in (1, 2)}
    writers = {procs: backend.writer() for procs, backend in backends.items()}
    for writer in writers.values():
        writer.open()
    es = cluster.client(url)
    try:
        yield writers, es
    finally:
        for writer in writers.values():
            writer.close()
        es.close()
        cluster.drop_prefix(url, prefix)


def _index_contents(es, writer) -> tuple:
    """What readers can tell of an index (its writer closed): its works' fingerprints, every
    facet value with the number of works holding it, and the works each Chinese word of the
    titles finds."""
    alias = writer.options.alias
    facets = es.search(index=alias, body={"size": 0, "aggs": {"facet": {"terms": {"field": "facet", "size": 5000}}}})
    words = {word: es.count(index=alias, body={"query": {"term": {"title": word}}})["count"] for word in ZH_WORDS}
    return (writer.fingerprints(), [(b["key"], b["doc_count"]) for b in facets["aggregations"]["facet"]["buckets"]],
            words)


def test_a_large_batch_read_and_sent_by_helpers_lands_as_this_process_sends_it(two_writers):
    """Helpers (forked from the fork server that loaded the dictionaries) read a large
    batch's works themselves — never this process — analyse them and send them: the index
    holds exactly what a writer without helpers makes of the same batches, removals too."""
    writers, es = two_writers
    docs = index_documents(PARALLEL_FROM + 600)
    first, second = docs[:PARALLEL_FROM], docs[PARALLEL_FROM:]
    removed = [doc.id for doc in first[:150]]
    for procs, writer in writers.items():
        assert writer.apply_batch(ListBatch(first)) == (PARALLEL_FROM, 0)
        if procs > 1:  # the first large batch started the helpers and was read here
            ready_helpers(writer)
        assert writer.reads_in_helpers(PARALLEL_FROM) == (procs > 1)
        batch = ListBatch(second + first[150:], removed=removed, read_elsewhere=procs > 1)
        assert writer.apply_batch(batch) == (len(docs) - 150, 150)
        writer.close()  # searchable on every copy
    parallel, serial = (_index_contents(es, writers[procs]) for procs in (2, 1))
    assert len(parallel[0]) == len(docs) - 150 and max(parallel[2].values()) > 0
    assert parallel == serial


def test_helpers_start_for_a_large_batch_without_holding_it_up(two_writers):
    """Small batches never start the helpers; the first large one starts them in the
    background and is read and sent here meanwhile (a pass is not held up while they
    start); a writer closing waits for helpers still starting and ends them."""
    writers, _es = two_writers
    writer = writers[2]
    assert writer.apply_batch(ListBatch(index_documents(10))) == (10, 0)
    assert writer.apply_batch(ListBatch(index_documents(PARALLEL_FROM - 1))) == (PARALLEL_FROM - 1, 0)
    assert writer._helpers._starting is None and not writer._helpers.ready()
    assert not writer.reads_in_helpers(PARALLEL_FROM - 1) and writer.reads_in_helpers(PARALLEL_FROM)
    assert writer.apply_batch(ListBatch(index_documents(PARALLEL_FROM))) == (PARALLEL_FROM, 0)
    assert writer._helpers._starting is not None
    ready_helpers(writer)
    helpers = list(writer._helpers._pool._processes.values())
    assert len(helpers) == 2 and all(helper.is_alive() for helper in helpers)
    writer.close()  # idle helpers end on their own (exit code 0: their connections closed)
    assert writer._helpers._pool is None and [helper.exitcode for helper in helpers] == [0, 0]
    assert writers[1].apply_batch(ListBatch(index_documents(PARALLEL_FROM))) == (PARALLEL_FROM, 0)
    assert writers[1]._helpers._starting is None  # one process: never any helper
    assert not writers[1].reads_in_helpers(10 * PARALLEL_FROM)


def test_a_part_a_helper_cannot_send_fails_the_whole_batch(two_writers):
    """One part of a batch failing in a helper fails ``apply_batch`` with its error (the
    indexer then keeps its checkpoint and sends the batch again)."""
    writers, _es = two_writers
    writer = writers[2]
    docs = index_documents(PARALLEL_FROM + 1000)
    writer.apply_batch(ListBatch(docs[:PARALLEL_FROM]))
    ready_helpers(writer)
    helpers = list(writer._helpers._pool._processes.values())
    with pytest.raises(ClusterUnavailable) as caught:
        writer.apply_batch(ListBatch(docs, read_elsewhere=True, failing=docs[-1].id))
    assert f"work {docs[-1].id}" in caught.value.message
    writer.close()
    assert writer._helpers._pool is None and not any(helper.is_alive() for helper in helpers)


def test_a_helper_that_dies_fails_the_batch_instead_of_leaving_it_waiting(two_writers):
    """A helper killed while it reads a part (out of memory, an operator's kill): the batch
    fails with ``HelperFailed`` at once — never waits for an answer that cannot come — and
    the rest of the pass is read and sent here."""
    writers, es = two_writers
    writer = writers[2]
    docs = index_documents(3 * PARALLEL_FROM)
    writer.apply_batch(ListBatch(docs[:PARALLEL_FROM]))
    ready_helpers(writer)
    started = time.monotonic()
    with pytest.raises(HelperFailed) as caught:
        writer.apply_batch(ListBatch(docs[PARALLEL_FROM:2 * PARALLEL_FROM], read_elsewhere=True,
                                     dying=docs[PARALLEL_FROM + 700].id))
    assert time.monotonic() - started < 30 and "ended unexpectedly" in caught.value.message
    assert not writer._helpers.ready() and writer.reads_in_helpers(PARALLEL_FROM)
    assert writer.apply_batch(ListBatch(docs[2 * PARALLEL_FROM:])) == (PARALLEL_FROM, 0)  # read here
    writer.close()
    assert es.count(index=writer.options.alias)["count"] >= 2 * PARALLEL_FROM


@pytest.fixture
def cluster_index():
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    options = Options(urls=tuple(url.split(",")), prefix=prefix, shards=2, replicas=1, bulk_docs=100,
                      bulk_concurrency=3, retry_seconds=20)
    es = cluster.client(url)
    name = f"{prefix}works-test"
    es.indices.create(index=name, body={"settings": mapping.index_settings(2, 1, 10_000),
                                        "mappings": mapping.mappings()})
    try:
        yield es, options, name
    finally:
        es.close()
        cluster.drop_prefix(url, prefix)


def test_bulk_requests_in_flight_together_land_every_document(cluster_index):
    es, options, name = cluster_index
    docs = index_documents(1_050)
    assert bulk.send(es, fields.actions(docs, (), name), options, require_alias=False) == 1_050
    es.indices.refresh(index=name)
    assert es.count(index=name)["count"] == 1_050
    # deleting some and replacing others, again three requests at a time
    sent = bulk.send(es, fields.actions(docs[:300], [doc.id for doc in docs[300:500]], name), options,
                     require_alias=False)
    es.indices.refresh(index=name)
    assert sent == 500 and es.count(index=name)["count"] == 850


def test_a_document_refused_among_concurrent_requests_is_reported_by_its_work(cluster_index):
    """The mapping refuses an unknown field: the send raises naming that work, after the
    requests in flight have ended (none is left running)."""
    es, options, name = cluster_index
    good = list(fields.actions(index_documents(600), (), name))
    bad = bulk.Action(777_777, (b'{"index": {"_index": "%s", "_id": "777777"}}' % name.encode(),
                                b'{"no_such_field": 1}'))
    with pytest.raises(ClusterRejected) as caught:
        bulk.send(es, good[:450] + [bad] + good[450:], options, require_alias=False)
    assert "work 777777" in caught.value.message and "strict_dynamic_mapping_exception" in caught.value.message


def test_a_writer_makes_its_batches_searchable_when_it_closes(tmp_path):
    """With the index's own refreshes turned off, what a writer applied is found as soon as
    the writer is closed (one refresh per indexer pass)."""
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    backend = open_backend("opensearch", BackendSettings(index_dir=str(tmp_path), rebuild_procs=1,
                                                         options=cluster.app_options(url, prefix)))
    es = cluster.client(url)
    try:
        docs = index_documents(40)
        writer = backend.writer()
        writer.open()
        writer.apply(docs[:20], [])
        writer.close()
        es.indices.put_settings(index=f"{prefix}works", body={"index": {"refresh_interval": "-1"}})
        writer.open()
        writer.apply(docs[20:], [docs[0].id])
        assert es.count(index=f"{prefix}works")["count"] == 20  # applied, durable, not yet visible
        writer.close()
        assert es.count(index=f"{prefix}works")["count"] == 39
    finally:
        es.close()
        backend.reader().close()
        cluster.drop_prefix(url, prefix)


def test_the_first_batch_survives_a_create_whose_answer_was_lost(tmp_path):
    """The cluster made the index but its answer timed out: the retry finds the index there
    (``resource_already_exists_exception``) and the batch lands, as it does on a slow cluster."""
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    backend = open_backend("opensearch", BackendSettings(index_dir=str(tmp_path), rebuild_procs=1,
                                                         options=cluster.app_options(url, prefix)))
    writer = backend.writer()
    real_create = writer.client.indices.create
    calls = []

    def answer_lost(index, body):
        calls.append(index)
        real_create(index=index, body=body)
        if len(calls) == 1:
            raise ConnectionTimeout("TIMEOUT", "the answer did not come in time", None)

    writer.client.indices.create = answer_lost
    try:
        writer.open()
        writer.apply(index_documents(5), [])
        writer.close()
        assert len(calls) == 2 and calls[0] == calls[1]
        assert cluster.client(url).count(index=f"{prefix}works")["count"] == 5
    finally:
        backend.reader().close()
        cluster.drop_prefix(url, prefix)


class RefreshingSource(ListSource):
    """Documents that refresh the index being filled every 300 (a segment each time)."""

    def __init__(self, documents, es, pattern: str):
        super().__init__(documents)
        self.es, self.pattern = es, pattern

    def partitions(self, size: int) -> list["RefreshingSource"]:
        return [self]

    def documents(self):
        for n, doc in enumerate(self.docs):
            if n and n % 300 == 0:
                self.es.indices.refresh(index=self.pattern)
            yield doc


def test_a_rebuilt_index_is_merged_before_readers_and_replicas_get_it(tmp_path):
    """Filled by many small bulk requests (many segments), the rebuilt index is merged to one
    segment a shard before its replicas copy it and the alias moves: every copy answers
    whole, from one segment."""
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    options = dict(cluster.app_options(url, prefix), OPENSEARCH_BULK_DOCS=50)
    backend = open_backend("opensearch", BackendSettings(index_dir=str(tmp_path), rebuild_procs=1, options=options))
    es = cluster.client(url)
    try:
        writer = backend.writer()
        writer.open()
        try:
            assert writer.rebuild(RefreshingSource(index_documents(1_200), es, f"{prefix}works-*")) == 1_200
        finally:
            writer.close()
        copies = es.cat.segments(index=f"{prefix}works", params={"format": "json", "h": "shard,prirep,docs.count"})
        per_copy = {}
        for row in copies:
            per_copy.setdefault((row["shard"], row["prirep"]), []).append(int(row["docs.count"]))
        assert sorted(per_copy) == [("0", "p"), ("0", "r"), ("1", "p"), ("1", "r")]
        assert all(len(segments) == 1 for segments in per_copy.values()), per_copy
        assert sum(per_copy[(shard, "p")][0] for shard in ("0", "1")) == 1_200
        assert es.count(index=f"{prefix}works")["count"] == 1_200
    finally:
        es.close()
        backend.reader().close()
        cluster.drop_prefix(url, prefix)
