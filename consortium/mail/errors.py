"""Errors of the mail outbox; ``MailError`` is the root (a ``ConsortiumError``)."""
from consortium.errors import ConsortiumError, InvalidInput


class MailError(ConsortiumError):
    """Root of every error the mail outbox raises on purpose."""


class InvalidRecipient(MailError, InvalidInput):
    """The recipient is not one e-mail address (``queue_mail`` refuses it)."""


class UnknownMailBackend(MailError):
    """``MAIL_BACKEND`` names no backend (use ``smtp`` or ``folder``)."""


class DeliveryFailed(MailError):
    """A backend could not hand a message over; ``permanent`` says whether a retry can help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent
