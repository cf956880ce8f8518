"""Errors of the e-resource navigator: one root, leaves named for what went wrong."""
from consortium.errors import ConsortiumError, InvalidInput, NotFound


class ResourceError(ConsortiumError):
    """Root of every error the navigator raises on purpose."""


class InvalidResourceQuery(ResourceError, InvalidInput):
    """A navigator parameter (letter, subject, member, q) is not valid."""


class UnknownResource(ResourceError, NotFound):
    """No database or e-journal has this id."""
