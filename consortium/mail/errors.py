"""Errors of the mail outbox; ``MailError`` is the root (a ``ConsortiumError``)."""
from consortium.errors import ConsortiumError, InvalidInput


class MailError(ConsortiumError):
    """Root of every error the mail outbox raises on purpose."""


class InvalidRecipient(MailError, InvalidInput):
    """The recipient is not one e-mail address (``queue_mail`` refuses it)."""


class InvalidMailConfig(MailError):
    """A ``MAIL_*`` setting cannot work (e.g. a sender that is not an address)."""


class UnknownMailBackend(InvalidMailConfig):
    """``MAIL_BACKEND`` names no backend (use ``smtp`` or ``folder``)."""


class DeliveryFailed(MailError):
    """A backend could not hand a message over.

    ``permanent``: a retry cannot help (the server refused this message for good).
    ``affects_all``: the server or folder itself failed (down, timeout, login, disk), so the
    other mails of the batch would fail the same way and are postponed without trying.
    """

    def __init__(self, message: str, permanent: bool = False, affects_all: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.affects_all = affects_all
