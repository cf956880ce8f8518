"""Errors of the member_sites package (readers, harvester, push client), in one tree.

Every error member_sites raises on purpose is a ``MemberSitesError``; ``member-sync`` turns
any of them into a one-line message and exit status 2. Third-party errors (requests,
urllib3) are wrapped once, where they happen. The record package (``member_sites.record``)
has its own root, ``RecordError``, since the consortium shares it.
"""


class MemberSitesError(Exception):
    """Root of every error member_sites raises on purpose."""


class UnknownFormat(MemberSitesError):
    """No reader for this export format."""


class MissingColumns(MemberSitesError):
    """The CSV header lacks a required column, so no row can be used."""


class EmptyFile(MemberSitesError):
    """The CSV file has no header line."""


class FileTooLarge(MemberSitesError):
    """A compressed file unpacks to more than the reader's limit (a "zip bomb" or a mistake)."""


class CheckpointError(MemberSitesError):
    """A checkpoint could not be read or written."""


class ClientError(MemberSitesError):
    """The consortium could not be reached or refused a request."""

    def __init__(self, message: str, status: int | None = None, payload: dict | None = None):
        super().__init__(message)
        self.status = status
        self.payload = payload or {}


class Unreachable(ClientError):
    """Transient failures went on after every retry."""


class Refused(ClientError):
    """The consortium answered with a final error (a 4xx other than 429)."""


class HarvestError(MemberSitesError):
    """Root of the harvester's errors."""


class OAIError(HarvestError):
    """The repository answered with an OAI-PMH ``<error>``; ``code`` is its code."""

    def __init__(self, code: str, message: str):
        super().__init__(f"OAI-PMH error {code}: {message}" if message else f"OAI-PMH error {code}")
        self.code = code


class BadOAIResponse(HarvestError):
    """The response was not a well-formed OAI-PMH document."""


class HarvestHTTPError(HarvestError):
    """The repository could not be reached or kept failing after retries."""


class HarvestLoop(HarvestError):
    """The repository repeated a resumptionToken: its list would never end."""


class WithdrawalLimitExceeded(HarvestError):
    """The run would withdraw more than the allowed share of the member's holdings."""


class HarvestStateError(HarvestError):
    """The state file cannot be used for this harvest."""
