"""Errors of the search feature: one root, leaves named for what went wrong, and the one
place where the search engines' own errors (``search_index.errors``) become ours.

None carries HTTP: ``InvalidSearch`` is an ``InvalidInput`` (422 where the consortium maps
errors); ``SearchUnavailable`` answers 503 (``consortium.search.init_app`` maps it).
"""
from contextlib import contextmanager

from consortium.errors import ConsortiumError, InvalidInput
from search_index import errors as engine


class SearchError(ConsortiumError):
    """Root of every error the search feature raises on purpose."""


class InvalidSearch(SearchError, InvalidInput):
    """A search parameter has a bad value (field errors in ``errors``)."""


class DeepPaging(InvalidSearch):
    """The page asked for lies beyond the deep-paging cap (``cap``: results that can be paged)."""

    def __init__(self, message: str, errors: dict | None = None, cap: int = 0):
        super().__init__(message, errors)
        self.cap = cap


class SearchUnavailable(SearchError):
    """The search index cannot answer now (being rebuilt after an upgrade, unreadable)."""


class IndexBusy(SearchError):
    """Another process is writing the search index (a rebuild, or the worker)."""


@contextmanager
def index_errors():
    """Map the search engines' errors to the consortium's, once, at the edge."""
    try:
        yield
    except engine.IndexBusy as exc:
        raise IndexBusy(exc.message) from exc
    except engine.SearchIndexError as exc:
        raise SearchUnavailable(exc.message) from exc
