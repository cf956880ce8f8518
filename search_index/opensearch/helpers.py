"""A batch's documents as bulk actions, made in this process or, for a large batch (an
indexer catching up), by helper processes: the analysis is Python's work on one core, while
the cluster indexes on the others, so a long catch-up spreads it over ``procs`` processes.

The first large batch of a pass (``PARALLEL_FROM`` works or more) starts the helpers in the
background and is analysed here; every large batch after it goes to the helpers once they are
ready (here until then). They come from a fork server that loaded the analysis' dictionaries
(``analysis.processes``): the first start in a process costs the server's two or three seconds
of loading, on another core, and later passes' helpers start at once. A writer that keeps up
with pushes never starts them. Chunks come back in order, each as soon as it is made, so the
first bulk requests go out while later chunks are still being analysed.
"""
import logging
import threading
from itertools import chain

from search_index.analysis.processes import helper_context
from search_index.analysis.terms import load_dictionaries
from search_index.opensearch import fields
from search_index.opensearch.bulk import Action

log = logging.getLogger(__name__)

# Documents from which a batch is worth the helper processes.
PARALLEL_FROM = 2000
# Documents a helper analyses per task.
CHUNK = 250
# Seconds ``close`` waits for helpers still starting.
START_WAIT = 60


class Encoder:
    def __init__(self, procs: int):
        self.procs = procs
        self._pool = None
        self._starting: threading.Thread | None = None
        self._failed = False

    def actions(self, changed, deleted, index: str):
        """The bulk actions of a batch, lazily (in the order of ``fields.actions``)."""
        if self.procs <= 1 or len(changed) < PARALLEL_FROM or not self.ready(start=True):
            return fields.actions(changed, deleted, index)
        removals = fields.actions((), deleted, index)
        chunks = (list(changed[start:start + CHUNK]) for start in range(0, len(changed), CHUNK))
        made = self._pool.imap(_encode, ((chunk, index) for chunk in chunks))
        return chain(removals, chain.from_iterable(made))

    def ready(self, start: bool = False) -> bool:
        """Whether the helpers are ready to take work; ``start``: start them (in the
        background) if they are not yet starting."""
        if self._pool is not None:
            return True
        if start and self._starting is None and not self._failed:
            self._starting = threading.Thread(target=self._start, name="analysis-helpers", daemon=True)
            self._starting.start()
        return False

    def _start(self) -> None:
        try:
            self._pool = helper_context().Pool(self.procs, initializer=load_dictionaries)
        except Exception:  # analysed here instead, as with one process
            log.exception("analysis helper processes could not start; analysing in the indexer's process")
            self._failed = True

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join(START_WAIT)
            self._starting = None
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _encode(task) -> list[Action]:
    docs, index = task
    return list(fields.actions(docs, (), index))
