"""Unit of work: commit once at the end, then run side effects that must see committed data."""
from collections.abc import Callable

from sqlmodel import Session


class UnitOfWork:
    """Wraps a session for one service call.

    Services add rows and register ``after_commit`` callbacks (wake the indexer, flush the
    mail outbox); nothing of those runs unless the commit succeeded.
    """

    def __init__(self, session: Session):
        self.session = session
        self._after: list[Callable[[], None]] = []

    def __enter__(self) -> "UnitOfWork":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            self.session.rollback()
            return False
        self.session.commit()
        for callback in self._after:
            callback()
        return False

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after.append(callback)
