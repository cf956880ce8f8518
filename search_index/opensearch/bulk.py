"""Bulk requests that either land whole or raise: what the indexer's checkpoint relies on.

Actions go in chunks of ``Options.bulk_docs`` works, taken from an iterable as they are made
(a caller's analysis of the next chunk overlaps the cluster's indexing of the last), up to
``Options.bulk_concurrency`` requests in flight at once. A chunk the cluster cannot take now —
unreachable, overloaded (429) or a shard not ready (503) — is sent again with exponential
backoff, and so is every item the cluster answered with such a status, until
``Options.retry_seconds`` have passed; then ``ClusterUnavailable``. An item refused for good
(a document the mapping rejects) raises ``ClusterRejected``. Either way the caller has not
been told the batch landed, so the indexer does not move its checkpoint past it.
"""
import random
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from search_index.opensearch import connection
from search_index.opensearch.connection import ClusterRejected, ClusterUnavailable, Options

# Largest request body (bytes), whatever the chunk's count.
MAX_BYTES = 8 * 1024 * 1024
# What a bulk answer is asked to hold (``_not_landed`` reads no more; items keep their order).
ANSWER_FIELDS = "errors,items.*.status,items.*.error"


@dataclass(frozen=True, slots=True)
class Action:
    """One work's bulk lines (an action line, and a document line unless it is a delete)."""

    work_id: int
    lines: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return sum(len(line) + 1 for line in self.lines)


def send(client, actions: Iterable[Action], options: Options, require_alias: bool = True, sleep=time.sleep) -> int:
    """Every action acknowledged by the cluster, or an error; returns how many were sent.

    Chunks are sent by ``options.bulk_concurrency`` threads (the client's connection pool is
    shared) while this thread makes the next chunk; the first error stops the taking of
    chunks and is raised once the requests in flight have ended."""
    most = max(1, options.bulk_concurrency)
    sent, pending = 0, set()
    with ThreadPoolExecutor(max_workers=most, thread_name_prefix="bulk") as pool:
        try:
            for chunk in chunks(actions, options.bulk_docs):
                if len(pending) >= most:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    _raise_first(done)
                pending.add(pool.submit(_send_chunk, client, chunk, options, require_alias, sleep))
                sent += len(chunk)
        finally:
            done, _ = wait(pending)
        _raise_first(done)
    return sent


def _raise_first(done) -> None:
    for future in done:
        future.result()


def chunks(actions: Iterable[Action], most: int):
    chunk, size = [], 0
    for action in actions:
        if chunk and (len(chunk) >= most or size + action.size > MAX_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(action)
        size += action.size
    if chunk:
        yield chunk


def _send_chunk(client, chunk: list[Action], options: Options, require_alias: bool, sleep) -> None:
    deadline, delay = time.monotonic() + options.retry_seconds, 0.25
    # the answer holds each item's status (and error) only: a tenth of its size, parsed here
    params = {"filter_path": ANSWER_FIELDS}
    if require_alias:
        params["require_alias"] = "true"
    pending = chunk
    while True:
        body = b"".join(line + b"\n" for action in pending for line in action.lines)
        answer = connection.with_retries(lambda body=body: client.bulk(body=body, params=params), "index a batch",
                                         max(0.0, deadline - time.monotonic()), sleep)
        pending = _not_landed(pending, answer)
        if not pending:
            return
        if time.monotonic() + delay > deadline:
            raise ClusterUnavailable(f"The search cluster did not take {len(pending)} documents within "
                                     f"{options.retry_seconds:.0f}s (busy or shards unavailable).")
        sleep(delay * random.uniform(0.8, 1.2))
        delay = min(delay * 2, 8.0)


def _not_landed(sent: list[Action], answer: dict) -> list[Action]:
    """The actions to send again; ``ClusterRejected`` for one the cluster refuses for good."""
    if not answer.get("errors"):
        return []
    again = []
    for action, item in zip(sent, answer["items"]):
        (kind, result), = item.items()
        status = result.get("status", 500)
        if status < 300 or (kind == "delete" and status == 404):
            continue
        if status in connection.RETRY_STATUSES:
            again.append(action)
            continue
        error = result.get("error") or {}
        raise ClusterRejected(f"The search cluster refused work {action.work_id}: "
                              f"{error.get('type')}: {error.get('reason')}")
    return again
