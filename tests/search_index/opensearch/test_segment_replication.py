"""Segment replication (``OPENSEARCH_REPLICATION=segment``, the default): replicas copy the
primaries' segments instead of indexing every work again, and a writer that closes has waited
for the copies, so every copy of every shard answers with what was just written, as with
document replication (``document``)."""
import pytest

from search_index.backends import open_backend
from search_index.opensearch.connection import Options
from search_index.ports import BackendSettings
from tests.search_index.corpus import index_documents
from tests.search_index.opensearch import cluster

pytestmark = [pytest.mark.needs_search, pytest.mark.opensearch]


def copy_counts(es, index: str) -> dict[tuple[str, str], list[int]]:
    """Documents each copy of each shard answers with: ``{(shard, "p"|"r"): [count, ...]}``."""
    counts = {}
    for row in es.cat.shards(index=index, params={"format": "json", "h": "shard,prirep,id,state"}):
        assert row["state"] == "STARTED", row
        answer = es.count(index=index, params={"preference": f"_shards:{row['shard']}|_only_nodes:{row['id']}"})
        counts.setdefault((row["shard"], row["prirep"]), []).append(answer["count"])
    return counts


@pytest.mark.parametrize("replication", ["segment", "document"])
def test_every_copy_has_a_closed_writers_works_at_once(tmp_path, replication):
    url, prefix = cluster.cluster_url(), cluster.unique_prefix()
    options = dict(cluster.app_options(url, prefix), OPENSEARCH_REPLICATION=replication)
    backend = open_backend("opensearch", BackendSettings(index_dir=str(tmp_path), rebuild_procs=1, options=options))
    es = cluster.client(url)
    alias = f"{prefix}works"
    try:
        docs = index_documents(300)
        writer = backend.writer()
        writer.open()
        writer.apply(docs[:100], [])
        writer.close()
        es.cluster.health(index=alias, wait_for_status="green", timeout="60s", params={"request_timeout": 90})
        settings = es.indices.get_settings(index=alias)
        (index_name, found), = settings.items()
        assert found["settings"]["index"].get("replication", {}).get("type", "DOCUMENT") == replication.upper()
        # from now on only the writer's own refresh makes works visible
        es.indices.put_settings(index=alias, body={"index": {"refresh_interval": "-1"}})
        for round_ in range(3):
            writer.open()
            writer.apply(docs[100 + 50 * round_:150 + 50 * round_], [docs[round_].id])
            writer.close()
            counts = copy_counts(es, index_name)
            expected = 150 + 50 * round_ - (round_ + 1)
            primaries = sum(c for (shard, kind), found in counts.items() if kind == "p" for c in found)
            replicas = sum(c for (shard, kind), found in counts.items() if kind == "r" for c in found)
            assert primaries == expected and replicas == expected, counts
            for shard in {shard for shard, _ in counts}:  # each replica equals its primary
                assert counts[(shard, "r")] == counts[(shard, "p")], counts
    finally:
        es.close()
        backend.reader().close()
        cluster.drop_prefix(url, prefix)


def test_a_replication_type_the_cluster_has_not_is_refused_at_start():
    with pytest.raises(ValueError) as caught:
        Options.from_settings({"OPENSEARCH_REPLICATION": "logical"})
    assert "OPENSEARCH_REPLICATION" in str(caught.value) and "segment" in str(caught.value)
    assert Options.from_settings({"OPENSEARCH_REPLICATION": " Segment "}).copies_segments
    assert not Options.from_settings({"OPENSEARCH_REPLICATION": "segment", "OPENSEARCH_REPLICAS": 0}).copies_segments
    assert Options.from_settings({}).replication == "segment"
    assert not Options.from_settings({"OPENSEARCH_REPLICATION": "document"}).copies_segments
