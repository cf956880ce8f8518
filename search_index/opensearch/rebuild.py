"""Filling a rebuilt index: the source's partitions (id ranges) are read, analysed and sent
as bulk requests by ``procs`` processes taking them from a shared queue (the analysis is
Python's work and the indexing the cluster's, so both cores stay busy), or in this process
when ``procs`` is 1.
"""
import gc
import multiprocessing

from search_index.errors import RebuildFailed
from search_index.opensearch import bulk, fields
from search_index.opensearch.connection import Options, make_client

# Work ids per partition handed to a rebuild process.
RANGE = 5000


def fill(options: Options, index: str, source, procs: int, progress=None) -> int:
    """Every document of ``source`` sent to ``index``; returns the count."""
    total = source.count()
    parts = source.partitions(RANGE)
    if procs <= 1 or len(parts) <= 1:
        count = send_parts(options, index, parts, progress=lambda done: progress and progress(done, total))
    else:
        count = _in_processes(options, index, parts, procs, total, progress)
    if progress:
        progress(count, total)
    return count


def send_parts(options: Options, index: str, parts, counter=None, progress=None) -> int:
    """The documents of each partition taken from ``parts`` (a queue ending with None, or a
    list) sent in bulk; returns the count."""
    client = make_client(options)
    count = 0
    try:
        for part in (iter(parts.get, None) if hasattr(parts, "get") else parts):
            batch = []
            for doc in part.documents():
                batch.append(doc)
                if len(batch) >= options.bulk_docs:
                    count += _send(client, options, index, batch, counter)
                    batch = []
                    if progress:
                        progress(count)
            count += _send(client, options, index, batch, counter)
            if progress:
                progress(count)
    finally:
        client.close()
    return count


def _send(client, options, index, docs, counter) -> int:
    if not docs:
        return 0
    bulk.send(client, fields.actions(docs, (), index), options, require_alias=False)
    if counter is not None:
        with counter.get_lock():
            counter.value += len(docs)
    return len(docs)


def _send_in_child(*args) -> None:
    """``send_parts`` in a rebuild process (its objects hold no cycles; it exits when done)."""
    gc.disable()
    send_parts(*args)


def _in_processes(options, index, parts, procs, total, progress) -> int:
    context = multiprocessing.get_context("spawn")
    counter = context.Value("q", 0)
    queue = context.Queue()
    for part in parts:
        queue.put(part)
    for _ in range(procs):
        queue.put(None)
    workers = [context.Process(target=_send_in_child, args=(options, index, queue, counter), name=f"rebuild-{k}")
               for k in range(procs)]
    for worker in workers:
        worker.start()
    try:
        while any(worker.is_alive() for worker in workers):
            for worker in workers:
                worker.join(0.5)
            if progress:
                progress(counter.value, total)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join()
    failed = [worker.name for worker in workers if worker.exitcode != 0]
    if failed:
        raise RebuildFailed(f"Rebuild processes failed: {', '.join(failed)}; the live index is unchanged.")
    return counter.value
