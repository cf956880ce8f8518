"""Delivering due outbox rows with retries and exponential backoff."""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session

from consortium.mail.backends import make_backend
from consortium.mail.errors import DeliveryFailed
from consortium.mail.message import build_message
from consortium.mail.models import OutboxMail
from consortium.mail.outbox import claim_due, mark_sending, release_stale_claims
from consortium.models.base import utcnow

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one ``deliver_pending`` run did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, failed {self.failed}, retry later {self.retry_later}"


def retry_delay(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Backoff after the ``attempts``-th failed attempt: base, 2×base, 4×base … capped."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def deliver_pending(app, limit: int = 100, *, now: datetime | None = None) -> DeliveryReport:
    """Send up to ``limit`` due mails through ``MAIL_BACKEND``; never sends a row twice.

    ``now`` (default: the current time) decides which rows are due and when retries fall
    due; tests pass it to step through the backoff.
    """
    from consortium.db import new_session

    config = app.config
    report = DeliveryReport()
    with new_session(app) as session:
        release_stale_claims(session, now or utcnow(), config["MAIL_CLAIM_TIMEOUT_SECONDS"])
        rows = claim_due(session, now or utcnow(), limit)
        if not rows:
            return report
        with make_backend(config, app.instance_path) as backend:
            for row in rows:
                _deliver_one(session, backend, row, config, now or utcnow(), report)
    if report.sent or report.failed or report.retry_later:
        log.info("mail outbox: %s", report)
    return report


def _deliver_one(session: Session, backend, row: OutboxMail, config, now: datetime,
                 report: DeliveryReport) -> None:
    if not mark_sending(session, row, now):
        return
    try:
        backend.send(build_message(row, config["MAIL_DEFAULT_SENDER"]))
    except DeliveryFailed as exc:
        _record_failure(session, row, exc, config, now, report)
        return
    _finish(session, row, status="sent", sent_at=utcnow(), last_error=None, claim_token=None)
    report.sent += 1


def _record_failure(session: Session, row: OutboxMail, exc: DeliveryFailed, config, now: datetime,
                    report: DeliveryReport) -> None:
    attempts = row.attempts + 1
    if exc.permanent or attempts >= config["MAIL_MAX_ATTEMPTS"]:
        log.warning("mail %s to %s failed for good after %d attempt(s): %s", row.id, row.recipient,
                    attempts, exc.message)
        _finish(session, row, status="failed", attempts=attempts, last_error=exc.message, claim_token=None)
        report.failed += 1
        return
    delay = retry_delay(attempts, config["MAIL_RETRY_BASE_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"])
    _finish(session, row, status="queued", attempts=attempts, last_error=exc.message,
            next_attempt_at=now + delay, claim_token=None, claimed_at=None)
    report.retry_later += 1


def _finish(session: Session, row: OutboxMail, **values) -> None:
    session.exec(update(OutboxMail).where(OutboxMail.id == row.id, OutboxMail.status == "sending")
                 .values(**values))
    session.commit()
