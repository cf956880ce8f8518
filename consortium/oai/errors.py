"""OAI-PMH protocol errors (OAI-PMH 2.0 §3.6).

They are domain errors like every ``ConsortiumError``, carry no HTTP, and are answered by the
OAI blueprint as ``<error code="...">`` elements with HTTP 200, as the protocol requires.
"""
from consortium.errors import ConsortiumError


class OaiError(ConsortiumError):
    """Root: a harvester's request cannot be answered; ``problems`` lists (code, message).

    One request can fail several ways at once (a bad format *and* an unknown identifier),
    so an error carries every problem found; ``code`` names the first.
    """

    code = "badArgument"

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or [(self.code, message)]

    @property
    def hides_arguments(self) -> bool:
        """Per §3.2, the echoed request carries no attributes after badVerb or badArgument."""
        return any(code in ("badVerb", "badArgument") for code, _ in self.problems)


class BadVerb(OaiError):
    """The verb is missing, repeated, or not an OAI-PMH verb."""

    code = "badVerb"


class BadArgument(OaiError):
    """An argument is illegal, missing, repeated, or has an illegal value."""

    code = "badArgument"


class BadResumptionToken(OaiError):
    """The resumptionToken is garbled, was issued for another request, or has expired."""

    code = "badResumptionToken"


class CannotDisseminateFormat(OaiError):
    """The metadataPrefix is not one this repository (or this item) offers."""

    code = "cannotDisseminateFormat"


class IdDoesNotExist(OaiError):
    """The identifier is not (or no longer) known to this repository."""

    code = "idDoesNotExist"


class NoRecordsMatch(OaiError):
    """The combination of from, until, set and metadataPrefix selects nothing."""

    code = "noRecordsMatch"
