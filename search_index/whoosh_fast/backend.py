"""The ``whoosh`` backend: the read and write ports of ``whoosh_fast``."""
from search_index.ports import BackendSettings
from search_index.whoosh_fast.indexing import FastWriter
from search_index.whoosh_fast.searcher import FastSearch
from search_index.whoosh_fast.segments import SegmentArrays


class FastBackend:
    """``search_index.ports.SearchBackend``: one reader per process, writers on demand."""

    def __init__(self, name: str, settings: BackendSettings):
        self.name = name
        self.settings = settings
        self._reader = None
        self._writer_arrays = SegmentArrays()

    def reader(self) -> FastSearch:
        if self._reader is None:
            self._reader = FastSearch(self.settings.index_dir, suggest_below=self.settings.suggest_below)
        return self._reader

    def writer(self) -> FastWriter:
        return FastWriter(self.name, self.settings, self._writer_arrays)


def open_backend(name: str, settings: BackendSettings) -> FastBackend:
    return FastBackend(name, settings)
