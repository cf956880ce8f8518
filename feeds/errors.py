"""Errors of the feeds package: one root, leaves named for what went wrong.

``FeedsError`` is a ``ConsortiumError`` so services and the CLI treat it like any domain
error; ``status`` is the HTTP status the feeds views answer with (the views are the only place
that looks at it).
"""
from consortium.errors import ConsortiumError


class FeedsError(ConsortiumError):
    """Root of every error the feeds package raises on purpose."""

    status = 400


class UnknownFeed(FeedsError):
    """No feed of this kind or format."""

    status = 404


class InvalidFilter(FeedsError):
    """A filter value is not one the feed knows (unknown member, format, CLC class, ...)."""

    status = 400


class SearchUnavailable(FeedsError):
    """The search port is not wired in, so a search-built feed cannot be made."""

    status = 503
