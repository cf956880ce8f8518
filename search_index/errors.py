"""Errors of the search_index package: one root, leaves named for what went wrong.

None of them carries HTTP; the application that uses the library maps them (the consortium
does so in ``consortium.search.errors``).
"""


class SearchIndexError(Exception):
    """Root of every error this package raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownBackend(SearchIndexError):
    """No backend is registered under the configured name."""


class IndexBusy(SearchIndexError):
    """Another process holds the index writer lock (a rebuild, or the worker)."""


class IndexUnreadable(SearchIndexError):
    """The index exists but this version cannot open it (written by an older version whose
    classes are gone); the indexer rebuilds it."""


class RebuildFailed(SearchIndexError):
    """A rebuild did not complete; the live index is untouched."""


class HelperFailed(SearchIndexError):
    """A helper process of the index writer ended unexpectedly; the batch was not applied."""
