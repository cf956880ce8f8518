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
        """The calling thread's searcher over the last committed index, or None.

        A searcher whose index has moved on is replaced by a fresh one, never ``refresh()``ed:
        Whoosh's refresh reuses the old segment readers by segment id (keeping the deletions
        they were opened with) and adds the old searcher's segments that a merge removed, so a
        web process would count deleted and merged-away documents after another process
        wrote the index. Opening segment readers is cheap; the arrays built from them are
        cached per segment (``whoosh_fast.segments``), deletions checked per searcher.
        """
        local = self._local
        identity = storage.directory_identity(self.index_dir)
        current = getattr(local, "searcher", None)
        if current is not None and getattr(local, "identity", None) == identity:
            if current.up_to_date():
                return current
            current.close()
            local.searcher = local.ix.searcher()
            return local.searcher
        if current is not None:
            current.close()
            local.searcher = None
        ix = storage.open_for_reading(self.index_dir)
        if ix is None:
            return None
        local.ix, local.identity, local.parser = ix, identity, qmod.make_parser(ix.schema)
        local.searcher = ix.searcher()
        return local.searcher

    def parser(self):
        """The calling thread's query parser (after ``searcher``)."""
        return self._local.parser

    def close(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current is not None:
            current.close()
            self._local.searcher = None
