"""Errors of the feeds package: one root, leaves named for what went wrong.

They carry no HTTP: the web surface that serves feeds maps them to statuses in one place.
"""


class FeedsError(Exception):
    """Root of every error the feeds package raises on purpose; ``errors`` holds field errors."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class UnknownFeed(FeedsError):
    """No feed of this kind or format."""


class InvalidFilter(FeedsError):
    """A filter value is not one the feed knows (unknown member, format, CLC class, ...)."""


class SearchUnavailable(FeedsError):
    """The search port is not wired in, so a search-built feed cannot be made."""
