"""Bulk requests land whole or raise: which items are sent again (429, 503), which are done
(a delete of a work never indexed) and which stop the batch; an unreachable cluster is retried
with growing pauses until the time allowed is spent."""
import pytest

from search_index.opensearch import bulk
from search_index.opensearch.bulk import Action
from search_index.opensearch.connection import ClusterRejected, ClusterUnavailable, Options, make_client

ACTIONS = [Action(k, (b"{}",)) for k in (1, 2, 3, 4)]


def item(kind: str, status: int, error: str | None = None) -> dict:
    result = {"status": status}
    if error:
        result["error"] = {"type": error, "reason": f"{error} reason"}
    return {kind: result}


def test_items_rejected_under_load_are_the_ones_sent_again():
    """429 and 503 items come back for another try; a 404 delete and 2xx items are done."""
    answer = {"errors": True, "items": [item("index", 201), item("index", 429, "es_rejected_execution_exception"),
                                         item("delete", 404), item("index", 503, "unavailable_shards_exception")]}
    assert [a.work_id for a in bulk._not_landed(ACTIONS, answer)] == [2, 4]
    assert bulk._not_landed(ACTIONS, {"errors": False, "items": []}) == []


def test_an_item_refused_for_good_stops_the_batch_naming_the_work():
    """A document the mapping refuses raises ClusterRejected with its work id and reason."""
    answer = {"errors": True, "items": [item("index", 201), item("index", 400, "mapper_parsing_exception")]}
    with pytest.raises(ClusterRejected) as caught:
        bulk._not_landed(ACTIONS[:2], answer)
    assert "work 2" in caught.value.message and "mapper_parsing_exception" in caught.value.message


def test_chunks_keep_to_the_count_and_keep_every_action_once():
    """Chunks of at most ``bulk_docs`` actions, in order, none lost."""
    actions = [Action(k, (b"x" * 10,)) for k in range(2500)]
    chunks = list(bulk.chunks(actions, 1000))
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    assert [a.work_id for c in chunks for a in c] == list(range(2500))


def test_an_unreachable_cluster_is_retried_with_growing_pauses_then_reported():
    """Connection refused on every node: pauses double (with jitter) until the time allowed is
    spent, then ClusterUnavailable; nothing was acknowledged."""
    options = Options(urls=("http://127.0.0.1:9",), timeout=2, retry_seconds=3)
    pauses = []
    client = make_client(options)
    try:
        with pytest.raises(ClusterUnavailable) as caught:
            bulk.send(client, ACTIONS, options, sleep=pauses.append)
    finally:
        client.close()
    assert "could not index a batch" in caught.value.message
    assert len(pauses) >= 3 and all(later > earlier for earlier, later in zip(pauses, pauses[1:]))
