"""Errors of the union catalogue; ``CatalogueError`` is the root (a ``ConsortiumError``).

None carries HTTP: ``consortium.web.errors`` maps the consortium's kinds they also are
(``CatalogueBusy`` is ``TemporarilyUnavailable``: 503 with ``Retry-After``).
"""
from consortium.errors import Conflict, ConsortiumError, InvalidInput, PermissionDenied, TemporarilyUnavailable


class CatalogueError(ConsortiumError):
    """Root of every error the catalogue raises on purpose."""


class RaceLost(CatalogueError):
    """A work this transaction placed records on was merged away (or removed) by a concurrent
    transaction before this one locked it: the transaction is rolled back and run again."""


class CatalogueBusy(CatalogueError, TemporarilyUnavailable):
    """A push or correction kept losing to concurrent ones (deadlocks, lock waits, races)
    after its bounded retries; nothing of it was kept."""


class CorrectionRefused(CatalogueError, InvalidInput):
    """A split, merge or review answer that cannot be done as asked (field errors in ``errors``)."""


class WorkNotLive(CatalogueError, Conflict):
    """The work was merged into another (or is no longer held) since the page was shown."""


class NotYourWork(CatalogueError, PermissionDenied):
    """A librarian acts only on works their member holds."""
