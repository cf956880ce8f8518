"""Errors of the search_index package: one root, leaves named for what went wrong.

The root subclasses ``ConsortiumError`` so ``consortium.web.errors`` maps them in one place;
none of them carries HTTP.
"""
from consortium.errors import ConsortiumError, InvalidInput


class SearchIndexError(ConsortiumError):
    """Root of every error this package raises on purpose."""


class IndexBusy(SearchIndexError):
    """Another process holds the index writer lock (a rebuild, or the worker)."""


class IndexMissing(SearchIndexError):
    """There is no index at the configured directory yet."""


class InvalidSearch(SearchIndexError, InvalidInput):
    """A search parameter has a bad value (field errors in ``errors``); answered as 422."""


class DeepPaging(InvalidSearch):
    """The page asked for lies beyond the deep-paging cap (``cap``: results that can be paged)."""

    def __init__(self, message: str, errors: dict | None = None, cap: int = 0):
        super().__init__(message, errors)
        self.cap = cap
