"""A batch's documents as bulk actions, made in this process or, for a large batch (an
indexer catching up), by helper processes: the analysis is Python's work on one core, while
the cluster indexes on the others, so a long catch-up spreads it over ``procs`` processes.

The helpers start once a pass has analysed ``PARALLEL_AFTER`` works here and meets another
large batch (started from a fork server that loads the analysis' dictionaries once:
``analysis.processes``; a few thousand works would not win that back) and live until ``close``; a
writer that keeps up with pushes never starts them. Chunks come back in
order, each as soon as it is made, so the first bulk requests go out while later chunks are
still being analysed.
"""
from itertools import chain

from search_index.analysis.processes import helper_context
from search_index.analysis.terms import load_dictionaries
from search_index.opensearch import fields
from search_index.opensearch.bulk import Action

# Documents from which a batch is analysed by the helper processes, once this many works
# of the pass were analysed here.
PARALLEL_FROM = 2000
PARALLEL_AFTER = 10_000
# Documents a helper analyses per task.
CHUNK = 250


class Encoder:
    def __init__(self, procs: int, after: int = PARALLEL_AFTER):
        self.procs = procs
        self.after = after
        self._pool = None
        self._here = 0

    def actions(self, changed, deleted, index: str):
        """The bulk actions of a batch, lazily (in the order of ``fields.actions``)."""
        if self.procs <= 1 or len(changed) < PARALLEL_FROM or (self._pool is None and self._here < self.after):
            self._here += len(changed)
            return fields.actions(changed, deleted, index)
        removals = fields.actions((), deleted, index)
        chunks = (list(changed[start:start + CHUNK]) for start in range(0, len(changed), CHUNK))
        made = self._helpers().imap(_encode, ((chunk, index) for chunk in chunks))
        return chain(removals, chain.from_iterable(made))

    def _helpers(self):
        if self._pool is None:
            self._pool = helper_context().Pool(self.procs, initializer=load_dictionaries)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _encode(task) -> list[Action]:
    docs, index = task
    return list(fields.actions(docs, (), index))
