"""Helper processes for large batches (an indexer catching up): each takes a part of a batch,
reads its works' documents from the batch's database, analyses them and sends them to the
cluster itself, as a rebuild's processes do. The indexer's process only hands out the parts
and waits for every one to be acknowledged, so the reading, the analysis and the bulk
requests are spread over ``procs`` processes and nothing is copied between them but work ids
(a batch's documents pickled to helpers and their actions back cost as much as reading them).

The first large batch of a pass (``PARALLEL_FROM`` works or more) starts the helpers in the
background and is read and analysed in the indexer's process; every large batch after it goes
to the helpers once they are ready. They come from a fork server that loaded the analysis'
dictionaries and the batch's reading code (``analysis.processes``): the first start in a
process costs the server's two or three seconds of loading, on another core, and later
passes' helpers start at once. A writer that keeps up with pushes never starts them.
"""
import logging
import threading

from search_index.analysis.processes import helper_context, ready_helper
from search_index.opensearch import bulk, fields
from search_index.opensearch.connection import Options, make_client
from search_index.ports import WorkBatch

log = logging.getLogger(__name__)

# Works from which a batch is worth the helper processes.
PARALLEL_FROM = 2000
# Works a helper reads, analyses and sends per task (small enough that the helpers finish a
# batch together, large enough for full bulk requests).
PART = 500
# Seconds ``close`` waits for helpers still starting.
START_WAIT = 60


class Helpers:
    def __init__(self, procs: int):
        self.procs = procs
        self._pool = None
        self._starting: threading.Thread | None = None
        self._failed = False
        self._busy = False

    def take(self, works: int) -> bool:
        """Whether a batch of this many works is for the helpers (once they are ready)."""
        return self.procs > 1 and works >= PARALLEL_FROM and not self._failed

    def apply(self, batch: WorkBatch, options: Options, index: str) -> tuple[int, int]:
        """The batch's works read, analysed and sent by the helpers (every part
        acknowledged, or the first error raised); returns (replaced, removed)."""
        replaced = removed = 0
        tasks = ((part, options, index) for part in batch.parts(PART))
        try:
            for part_replaced, part_removed in self._pool.imap_unordered(_read_and_send, tasks):
                replaced += part_replaced
                removed += part_removed
        except BaseException:
            self._busy = True  # parts may still be running: ``close`` stops the helpers
            raise
        return replaced, removed

    def ready(self, start: WorkBatch | None = None) -> bool:
        """Whether the helpers are ready to take work; ``start``: a batch to start them for
        (in the background, with its module preloaded) if they are not yet starting."""
        if self._pool is not None:
            return True
        if start is not None and self._starting is None and not self._failed:
            preload = (type(start).__module__,)
            self._starting = threading.Thread(target=self._start, args=(preload,), name="index-helpers", daemon=True)
            self._starting.start()
        return False

    def _start(self, preload: tuple[str, ...]) -> None:
        try:
            self._pool = helper_context(preload).Pool(self.procs, initializer=ready_helper)
        except Exception:  # read and analysed here instead, as with one process
            log.exception("index helper processes could not start; reading and analysing in the indexer's process")
            self._failed = True

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join(START_WAIT)
            self._starting = None
        if self._pool is not None:
            # idle helpers end on their own (closing their database connections); helpers of
            # a batch that failed may still be sending parts, and are stopped
            if self._busy:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
            self._busy = False


_CLIENTS: dict[Options, object] = {}


def _read_and_send(task) -> tuple[int, int]:
    """In a helper: one part's documents read, analysed and acknowledged by the cluster."""
    part, options, index = task
    docs = part.documents()
    changed = [doc for doc in docs.values() if doc is not None]
    deleted = [work_id for work_id, doc in docs.items() if doc is None]
    if options not in _CLIENTS:
        _CLIENTS[options] = make_client(options)
    bulk.send(_CLIENTS[options], fields.actions(changed, deleted, index), options)
    return len(changed), len(deleted)
