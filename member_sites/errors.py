"""Errors of the member_sites package (readers, harvester, push client)."""


class MemberSitesError(Exception):
    """Root of every error member_sites raises on purpose."""


class UnknownFormat(MemberSitesError):
    """No reader for this export format."""
