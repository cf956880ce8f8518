"""The ``whoosh-plain`` backend: the read and write ports of ``whoosh_plain``."""
from search_index.ports import BackendSettings
from search_index.whoosh_plain.indexing import PlainWriter
from search_index.whoosh_plain.searcher import PlainSearch


class PlainBackend:
    """``search_index.ports.SearchBackend``: one reader per process, writers on demand."""

    def __init__(self, name: str, settings: BackendSettings):
        self.name = name
        self.settings = settings
        self._reader = None

    def reader(self) -> PlainSearch:
        if self._reader is None:
            self._reader = PlainSearch(self.settings.index_dir, suggest_below=self.settings.suggest_below)
        return self._reader

    def writer(self) -> PlainWriter:
        return PlainWriter(self.name, self.settings)


def open_backend(name: str, settings: BackendSettings) -> PlainBackend:
    return PlainBackend(name, settings)
