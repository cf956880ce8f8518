"""Errors of the accounts feature; ``AccountsError`` is the root (a ``ConsortiumError``).

Messages are fixed sentences (the pages translate them); what they concern is in ``errors``.
"""
from consortium.errors import Conflict, ConsortiumError, InvalidInput, NotFound


class AccountsError(ConsortiumError):
    """Root of every error the accounts feature raises on purpose."""


class DuplicateMember(AccountsError, Conflict):
    """A member with this code exists already."""


class DuplicateUser(AccountsError, Conflict):
    """A staff account with this e-mail address exists already."""


class UnknownUser(AccountsError, NotFound):
    """No staff account has this id."""


class UnknownKey(AccountsError, NotFound):
    """No API key has this id (or it belongs to another member)."""


class InvalidLink(AccountsError, NotFound):
    """A set-password link that is unknown, used already, replaced by a newer one or expired."""


class LockedOut(AccountsError, Conflict):
    """The change would leave nobody to administer the consortium (the last active admin, or
    an admin disabling or demoting themselves)."""


class InvalidAccount(AccountsError, InvalidInput):
    """A member, user or key form has invalid values (field errors in ``errors``)."""
