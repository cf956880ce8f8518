"""Delivering due outbox rows with retries and exponential backoff, and erasing what was sent.

A sent row keeps its recipient, subject, kind and ref for ``MAIL_KEEP_DAYS`` ("was it sent?")
but not its body: bodies carry readers' questions and, in the first mail to a reader, the
status link whose token is otherwise kept only as a hash, so the body is blanked in the same
update that marks the row sent.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import Session

from consortium.db.columns import utcnow
from consortium.db.engine import open_session
from consortium.mail.backends import make_backend
from consortium.mail.errors import DeliveryFailed
from consortium.mail.message import build_message, check_sender
from consortium.mail.models import OutboxMail
from consortium.mail.outbox import claim_due, mark_sending, purge_finished, release_stale_claims, update_rows

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one ``deliver_pending`` run did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, failed {self.failed}, retry later {self.retry_later}"

    def __add__(self, other: "DeliveryReport") -> "DeliveryReport":
        return DeliveryReport(self.sent + other.sent, self.failed + other.failed,
                              self.retry_later + other.retry_later)

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retry_later


def retry_delay(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Backoff after the ``attempts``-th failed attempt: base, 2×base, 4×base … capped."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def deliver_pending(app, limit: int = 100, *, now: datetime | None = None) -> DeliveryReport:
    """Send up to ``limit`` due mails through ``MAIL_BACKEND``; never sends a row twice.

    ``now`` (default: the current time) decides which rows are due and when retries fall
    due; tests pass it to step through the backoff.
    """
    config = app.config
    report = DeliveryReport()
    # Configuration errors surface before any row is claimed, so no row is left stranded.
    backend = make_backend(config, app.instance_path)
    sender = check_sender(config["MAIL_DEFAULT_SENDER"])

    def clock() -> datetime:
        return now.astimezone(timezone.utc) if now is not None else utcnow()

    with open_session(app) as session:
        release_stale_claims(session, clock(), config["MAIL_CLAIM_TIMEOUT_SECONDS"])
        rows = claim_due(session, clock(), limit)
        if not rows:
            return report
        with backend:
            _deliver_rows(session, backend, rows, sender, config, clock, report)
    if report.handled:
        log.info("mail outbox: %s", report)
    return report


def run_mail_job(app, max_batches: int = 10) -> DeliveryReport:
    """The ``mail`` job: full batches of ``MAIL_BATCH_SIZE`` until the due mail is out
    (at most ``max_batches`` per run, so one run never monopolises its thread)."""
    batch = app.config["MAIL_BATCH_SIZE"]
    now = utcnow()
    with open_session(app) as session:
        purge_finished(session, now, app.config["MAIL_KEEP_DAYS"])
    make_backend(app.config, app.instance_path).purge(now - timedelta(days=app.config["MAIL_KEEP_DAYS"]))
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver_pending(app, batch)
        total += report
        if report.handled < batch:
            break
    return total


def forget_delivered(app, refs) -> int:
    """Erase the copies the configured backend keeps of mails about ``refs`` (the folder
    backend's files); call it after the commit that deleted their rows (``forget_mails``)."""
    return make_backend(app.config, app.instance_path).forget(list(refs))


def _deliver_rows(session: Session, backend, rows: list[OutboxMail], sender: str, config, clock,
                  report: DeliveryReport) -> None:
    """Send the claimed rows in order; once the server itself fails, postpone the rest untried."""
    outage: DeliveryFailed | None = None
    for row in rows:
        if outage is not None:
            _record_failure(session, row, outage, config, clock(), report, from_status="claimed")
            continue
        outage = _deliver_one(session, backend, row, sender, config, clock(), report)


def _deliver_one(session: Session, backend, row: OutboxMail, sender: str, config, now: datetime,
                 report: DeliveryReport) -> DeliveryFailed | None:
    """Send one row; returns the failure when it concerns the whole server."""
    if not mark_sending(session, row, now):
        return None
    try:
        backend.send(build_message(row, sender), ref=row.ref)
    except DeliveryFailed as exc:
        _record_failure(session, row, exc, config, now, report)
        return exc if exc.affects_all else None
    _finish(session, row, "sending", status="sent", sent_at=utcnow(), last_error=None, claim_token=None,
            text_body="", html_body=None)
    report.sent += 1
    return None


def _record_failure(session: Session, row: OutboxMail, exc: DeliveryFailed, config, now: datetime,
                    report: DeliveryReport, from_status: str = "sending") -> None:
    attempts = row.attempts + 1
    if exc.permanent or attempts >= config["MAIL_MAX_ATTEMPTS"]:
        # The id and kind, not the address: logs must not collect readers' personal data.
        log.warning("mail %s (%s) failed for good after %d attempt(s): %s", row.id, row.kind or "-",
                    attempts, exc.message)
        _finish(session, row, from_status, status="failed", attempts=attempts, last_error=exc.message,
                claim_token=None)
        report.failed += 1
        return
    delay = retry_delay(attempts, config["MAIL_RETRY_BASE_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"])
    _finish(session, row, from_status, status="queued", attempts=attempts, last_error=exc.message,
            next_attempt_at=now + delay, claim_token=None, claimed_at=None)
    report.retry_later += 1


def _finish(session: Session, row: OutboxMail, from_status: str, **values) -> None:
    session.exec(update_rows().where(OutboxMail.id == row.id, OutboxMail.status == from_status,
                                     OutboxMail.claim_token == row.claim_token)
                 .values(**values))
    session.commit()
