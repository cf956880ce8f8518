"""Per-thread Whoosh searchers over the shared index, reopened when it changes.

Web workers never write: they open the index read-only and never touch its lock, so a
``LockError`` cannot reach a reader.
"""
import threading

from search_index.whoosh_common import query as qmod
from search_index.whoosh_common import storage


class IndexReader:
    """Hands each thread an up-to-date searcher over the index at ``index_dir``."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._local = threading.local()

    def searcher(self):
        """The calling thread's searcher, refreshed if a commit or rebuild happened; or None."""
        local = self._local
        identity = storage.directory_identity(self.index_dir)
        current = getattr(local, "searcher", None)
        if current is not None and getattr(local, "identity", None) == identity:
            if current.up_to_date():
                return current
            if current.doc_count_all():  # Whoosh cannot refresh a reader of an empty index
                local.searcher = current.refresh()
                return local.searcher
        if current is not None:
            current.close()
            local.searcher = None
        ix = storage.open_for_reading(self.index_dir)
        if ix is None:
            return None
        local.searcher, local.identity, local.parser = ix.searcher(), identity, qmod.make_parser(ix.schema)
        return local.searcher

    def parser(self):
        """The calling thread's query parser (after ``searcher``)."""
        return self._local.parser

    def close(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current is not None:
            current.close()
            self._local.searcher = None
