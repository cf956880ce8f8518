"""Bulk requests land whole or raise: which items are sent again (429, 503), which are done
(a delete of a work never indexed) and which stop the batch; an unreachable cluster is retried
with growing pauses until the time allowed is spent."""
import http.server
import json
import threading
import time

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


class _SlowBulk(http.server.BaseHTTPRequestHandler):
    """A cluster's bulk endpoint on loopback that answers every item indexed, the chunk
    holding work 0 slowly, and records when each chunk's request starts and ends and the
    client connections it came on (kept open between requests: HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    events: list = []
    connections: set = set()

    def do_POST(self):  # noqa: N802 (the handler's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ids = [json.loads(line)["index"]["_id"] for line in body.splitlines() if line.startswith(b'{"index"')]
        self.events.append(("start", ids[0]))
        self.connections.add(self.client_address)
        time.sleep(0.8 if ids[0] == "0" else 0.05)
        self.events.append(("end", ids[0]))
        answer = json.dumps({"errors": False, "items": [{"index": {"status": 201}} for _ in ids]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_a_slow_request_does_not_hold_up_the_requests_behind_it():
    """With three requests in flight, the chunks after a slow one go out as the quick ones
    end — not once the slow one has ended too."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowBulk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _SlowBulk.events, _SlowBulk.connections = [], set()
    options = Options(urls=(f"http://127.0.0.1:{server.server_port}",), bulk_docs=10, bulk_concurrency=3)
    client = make_client(options)
    actions = [Action(k, (json.dumps({"index": {"_id": str(k)}}).encode(), b"{}")) for k in range(90)]
    try:
        assert bulk.send(client, actions, options, require_alias=False) == 90
    finally:
        client.close()
        server.shutdown()
        server.server_close()
    events = _SlowBulk.events
    started = [chunk for kind, chunk in events if kind == "start"]
    assert sorted(started, key=int) == [str(k) for k in range(0, 90, 10)]  # every chunk sent once
    slow_ended = events.index(("end", "0"))
    assert len([kind for kind, _ in events[:slow_ended] if kind == "start"]) >= 6
    # the connections are kept for the next requests, not one opened a request
    assert len(_SlowBulk.connections) <= 3, _SlowBulk.connections
