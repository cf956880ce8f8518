"""Errors of consortium management; ``ManagementError`` is the root (a ``ConsortiumError``)."""
from consortium.errors import Conflict, ConsortiumError, InvalidInput, NotFound, PermissionDenied


class ManagementError(ConsortiumError):
    """Root of every error consortium management raises on purpose."""


class NotAnsweredYet(ManagementError, Conflict):
    """A reader tried to rate a question that has no answer yet."""


class InvalidFeedback(ManagementError, InvalidInput):
    """A rating without ``helpful`` true or false, or a comment that is too long."""


class InvalidTargets(ManagementError, InvalidInput):
    """A target that is not a number in its range, or a year out of range."""


class InvalidPeriod(ManagementError, InvalidInput):
    """A scorecard asked for a year or term that cannot be."""


class NotForYou(ManagementError, PermissionDenied):
    """Staff asked for another member's feedback or scorecards they may not see."""


class UnknownMemberCode(ManagementError, NotFound):
    """No member library has this code."""


class InvalidContact(ManagementError, InvalidInput):
    """A directory entry with a malformed phone number or over-long text."""


class InvalidNotice(ManagementError, InvalidInput):
    """A notice without a title or text, or one too long."""


class UnknownNotice(ManagementError, NotFound):
    """No notice has this number."""
