"""Errors of the embed kit (leaves of ``MemberSitesError`` and, for the web layer, of the
consortium's domain errors so they map to the JSON error payload)."""
from consortium.errors import ConsortiumError, InvalidInput, PermissionDenied
from member_sites.errors import MemberSitesError


class EmbedError(MemberSitesError, ConsortiumError):
    """Root of the embed kit's errors."""


class ForeignOrigin(EmbedError, PermissionDenied):
    """A page of an origin the member has not registered asked for its embed."""


class InvalidEmbedOption(EmbedError, InvalidInput):
    """An embed option (kind, count, lang, member) is missing or not one we know."""

    status = 400
