"""Errors of subscriptions: one root, leaves named for what went wrong (no HTTP here;
``consortium.web.errors`` maps them through the shared bases)."""
from consortium.errors import ConsortiumError, InvalidInput, InvalidTransition, NotFound


class SubscriptionError(ConsortiumError):
    """Root of every error the subscriptions feature raises on purpose."""


class InvalidSubscription(SubscriptionError, InvalidInput):
    """The subscription's fields (address, search, frequency, language) are not valid."""


class UnknownSubscription(SubscriptionError, NotFound):
    """No subscription has this token (never had, or it was deleted)."""


class NotConfirmed(SubscriptionError, InvalidTransition):
    """The subscription must be confirmed from its e-mail before it can be changed."""
