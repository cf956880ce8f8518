"""Domain errors of the consortium package.

They carry no HTTP: ``consortium.web.errors`` maps them to responses in one place.
"""


class ConsortiumError(Exception):
    """Root of every error the consortium's services raise on purpose."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ConsortiumError):
    """The thing asked for does not exist."""


class UnknownMember(NotFound):
    """No member library has this code."""


class UnknownWork(NotFound):
    """No union work has this id."""


class WorkMerged(ConsortiumError):
    """The work was merged into another; ``target_id`` is where it lives now."""

    def __init__(self, work_id: int, target_id: int):
        super().__init__(f"Work {work_id} was merged into work {target_id}.")
        self.work_id = work_id
        self.target_id = target_id


class Unauthenticated(ConsortiumError):
    """No credentials, or credentials that are unknown or revoked."""


class PermissionDenied(ConsortiumError):
    """The caller is known but may not act on this resource."""


class InvalidInput(ConsortiumError):
    """Input failed validation as a whole (field errors in ``errors``)."""


class TooLarge(ConsortiumError):
    """A request carries more than a limit allows."""


class Conflict(ConsortiumError):
    """The request conflicts with the current state (duplicate code, e-mail, ...)."""


class InvalidTransition(Conflict):
    """A state machine refused a transition."""


class RateLimited(ConsortiumError):
    """Too many requests of one kind from one sender in a window; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, {"retry_after": [str(retry_after)]})
        self.retry_after = retry_after


class TemporarilyUnavailable(ConsortiumError):
    """The request lost to concurrent work more often than is worth retrying here: the client
    should send it again after ``retry_after`` seconds (nothing of it was kept)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, {"retry_after": [str(retry_after)]})
        self.retry_after = retry_after
