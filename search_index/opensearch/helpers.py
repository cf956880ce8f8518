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
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from search_index.analysis.processes import helper_context, ready_helper
from search_index.errors import HelperFailed
from search_index.opensearch import bulk, fields
from search_index.opensearch.connection import Options, make_client
from search_index.ports import WorkBatch, split_documents

log = logging.getLogger(__name__)

# Works from which a batch is worth the helper processes.
PARALLEL_FROM = 2000
# Works a helper reads, analyses and sends per task (small enough that the helpers finish a
# batch together, large enough for full bulk requests).
PART = 500
# Seconds ``close`` waits for helpers still starting.
START_WAIT = 60


class Helpers:
    """The helper processes of one writer (a ``ProcessPoolExecutor``: a helper that dies —
    killed, out of memory — fails the batch with ``HelperFailed`` instead of leaving it
    waiting for an answer that never comes)."""

    def __init__(self, procs: int):
        self.procs = procs
        self._pool: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._failed = False

    def take(self, works: int) -> bool:
        """Whether a batch of this many works is for the helpers (once they are ready)."""
        return self.procs > 1 and works >= PARALLEL_FROM and not self._failed

    def apply(self, batch: WorkBatch, options: Options, index: str) -> tuple[int, int]:
        """The batch's works read, analysed and sent by the helpers (every part
        acknowledged, or the first error raised once the parts already running have
        ended); returns (replaced, removed)."""
        futures = [self._pool.submit(_read_and_send, part, options, index) for part in batch.parts(PART)]
        _done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:  # a part failed: the parts not started are not sent
            future.cancel()
        wait(pending)
        try:  # the first failed part's error (cancelled parts are skipped)
            counts = [future.result() for future in futures if not future.cancelled()]
        except BrokenProcessPool as exc:
            self._stop()  # the rest of the pass is read here; the next pass starts new helpers
            raise HelperFailed(f"An index helper process ended unexpectedly ({exc}); "
                               "the batch is sent again at the next pass.") from None
        return sum(replaced for replaced, _ in counts), sum(removed for _, removed in counts)

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
            pool = ProcessPoolExecutor(self.procs, mp_context=helper_context(preload), initializer=ready_helper)
            # helpers are forked as tasks arrive: one task each makes them all now
            list(pool.map(_started, range(self.procs)))
            self._pool = pool
        except Exception:  # read and analysed here instead, as with one process
            log.exception("index helper processes could not start; reading and analysing in the indexer's process")
            self._failed = True

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join(START_WAIT)
            self._starting = None
        self._stop()

    def _stop(self) -> None:
        """Idle helpers end on their own, closing their database connections."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _started(_n: int) -> None:
    """A task that makes a helper start (its initializer has run when it returns)."""


_CLIENTS: dict[Options, object] = {}


def _read_and_send(part: WorkBatch, options: Options, index: str) -> tuple[int, int]:
    """In a helper: one part's documents read, analysed and acknowledged by the cluster."""
    changed, deleted = split_documents(part.documents())
    if options not in _CLIENTS:
        _CLIENTS[options] = make_client(options)
    bulk.send(_CLIENTS[options], fields.actions(changed, deleted, index), options)
    return len(changed), len(deleted)
