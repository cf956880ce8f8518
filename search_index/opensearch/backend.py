"""The ``opensearch`` backend: the read and write ports over an OpenSearch cluster."""
from search_index.opensearch.connection import Options
from search_index.opensearch.indexing import ClusterWriter
from search_index.opensearch.searcher import ClusterSearch
from search_index.ports import BackendSettings


class ClusterBackend:
    """``search_index.ports.SearchBackend``: one reader per process, writers on demand (each
    with its own client; connecting happens on the first request)."""

    def __init__(self, name: str, settings: BackendSettings):
        self.name = name
        self.settings = settings
        self.options = Options.from_settings(settings.options)
        self._reader = None

    def reader(self) -> ClusterSearch:
        if self._reader is None:
            self._reader = ClusterSearch(self.options, suggest_below=self.settings.suggest_below)
        return self._reader

    def writer(self) -> ClusterWriter:
        return ClusterWriter(self.name, self.settings, self.options)


def open_backend(name: str, settings: BackendSettings) -> ClusterBackend:
    return ClusterBackend(name, settings)
