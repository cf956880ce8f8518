"""Errors of the publishing feature (feeds served to readers and member sites, embeds)."""
from consortium.errors import ConsortiumError, InvalidInput, PermissionDenied


class PublishingError(ConsortiumError):
    """Root of the publishing feature's errors."""


class ForeignOrigin(PublishingError, PermissionDenied):
    """A page of an origin the member has not registered asked for its embed."""


class InvalidEmbedOption(PublishingError, InvalidInput):
    """An embed option (kind, count, lang, member) is missing or not one we know."""
