"""Queueing mail in the caller's transaction, and claiming due rows for one worker."""
import uuid
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.policy import SMTP

from sqlalchemy import delete, or_, update
from sqlmodel import Session, select

from consortium.db.columns import utcnow
from consortium.mail.errors import InvalidRecipient
from consortium.mail.models import OutboxMail

# The only extra headers a caller may set: mailing-list headers (RFC 2369, RFC 8058). Nothing
# else, so no caller can forge From, Reply-To or routing headers through the outbox.
LIST_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id")


def queue_mail(session: Session, to: str, subject: str, text: str, html: str | None = None,
               kind: str = "", ref: str | None = None, headers: dict | None = None) -> OutboxMail:
    """Add one e-mail to the outbox in the caller's transaction (flushed, not committed).

    The mail goes out only after the caller's unit of work commits; a rollback drops it.
    ``to`` is one address, optionally with a display name (``张三 <zs@example.cn>``).
    Raises ``InvalidRecipient`` for anything else. Newlines in the subject become spaces.
    ``headers`` may carry the ``LIST_HEADERS`` (a digest's unsubscribe links); ``ValueError``
    for any other name or a value with a line break.
    """
    row = OutboxMail(
        recipient=normalise_recipient(to),
        subject=" ".join((subject or "").split())[:998],
        text_body=text or "",
        html_body=html,
        kind=kind or "",
        ref=ref,
        message_key=uuid.uuid4().hex,
        headers=_list_headers(headers),
    )
    session.add(row)
    session.flush()
    return row


def _list_headers(headers: dict | None) -> dict | None:
    if not headers:
        return None
    for name, value in headers.items():
        if name not in LIST_HEADERS or not isinstance(value, str) or "\n" in value or "\r" in value:
            raise ValueError(f"Not a list header the outbox sends: {name!r}.")
    return dict(headers)


def normalise_recipient(to: str) -> str:
    """One address as a header value; raises ``InvalidRecipient`` otherwise."""
    if not isinstance(to, str) or not to.strip() or "\n" in to or "\r" in to:
        raise InvalidRecipient("The recipient must be one e-mail address.", {"to": ["Not an e-mail address."]})
    try:
        header = SMTP.header_factory("To", to.strip())
        addresses = header.addresses
    except (ValueError, IndexError, TypeError):
        addresses = ()
    if len(addresses) != 1 or not _plausible(addresses[0]):
        raise InvalidRecipient(f"Not one e-mail address: {to!r}.", {"to": ["Not an e-mail address."]})
    return str(addresses[0])


def _plausible(address: Address) -> bool:
    return bool(address.username) and "." in address.domain and " " not in address.addr_spec


def update_rows():
    """An UPDATE of outbox rows that skips the ORM's in-session sync (rows are re-read after)."""
    return update(OutboxMail).execution_options(synchronize_session=False)


def claim_due(session: Session, now: datetime, limit: int) -> list[OutboxMail]:
    """Claim up to ``limit`` due rows for this worker and commit the claim.

    PostgreSQL skips rows other workers hold locked (``FOR UPDATE SKIP LOCKED``); on every
    database the ``UPDATE … WHERE status = 'queued'`` guard lets only one worker win a row.
    """
    token = uuid.uuid4().hex
    due = (select(OutboxMail.id)
           .where(OutboxMail.status == "queued", OutboxMail.next_attempt_at <= now)
           .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.exec(due).all())
    if not ids:
        session.rollback()
        return []
    session.exec(update_rows()
                 .where(OutboxMail.id.in_(ids), OutboxMail.status == "queued")
                 .values(status="claimed", claim_token=token, claimed_at=now))
    session.commit()
    return list(session.exec(select(OutboxMail).where(OutboxMail.claim_token == token,
                                                      OutboxMail.status == "claimed")
                             .order_by(OutboxMail.id)).all())


def mark_sending(session: Session, row: OutboxMail, now: datetime) -> bool:
    """Record that this row is being handed to the backend; False if it is no longer ours."""
    result = session.exec(update_rows()
                          .where(OutboxMail.id == row.id, OutboxMail.claim_token == row.claim_token,
                                 OutboxMail.status == "claimed")
                          .values(status="sending", claimed_at=now))
    session.commit()
    return result.rowcount == 1


def release_stale_claims(session: Session, now: datetime, timeout_seconds: float) -> int:
    """Recover rows of a worker that stopped: claimed-but-untried rows go back to the queue;
    rows stopped mid-send are marked failed, because they may have gone out and must never
    be sent twice. Returns how many rows changed."""
    cutoff = now - timedelta(seconds=timeout_seconds)
    requeued = session.exec(update_rows()
                            .where(OutboxMail.status == "claimed", OutboxMail.claimed_at < cutoff)
                            .values(status="queued", claim_token=None, claimed_at=None))
    failed = session.exec(update_rows()
                          .where(OutboxMail.status == "sending", OutboxMail.claimed_at < cutoff)
                          .values(status="failed", claim_token=None,
                                  last_error="The worker stopped while sending; not retried so it "
                                             "is never sent twice (requeue by hand if it did not arrive)."))
    session.commit()
    return requeued.rowcount + failed.rowcount


def requeue(session: Session, ids: list[int], now: datetime | None = None) -> int:
    """Put failed rows back into the queue (an admin's decision); returns how many."""
    result = session.exec(update_rows()
                          .where(OutboxMail.id.in_(ids), OutboxMail.status == "failed")
                          .values(status="queued", attempts=0, next_attempt_at=now or utcnow(),
                                  claim_token=None, claimed_at=None))
    session.commit()
    return result.rowcount


def forget_mails(session: Session, refs) -> int:
    """Delete every outbox row about ``refs`` ("question:42"), whatever its state, in the
    caller's transaction (a retention scrub: nothing about the reader may stay); returns how
    many. A row being sent meanwhile is simply not marked sent (the update finds no row)."""
    refs = [ref for ref in refs if ref]
    if not refs:
        return 0
    result = session.exec(delete(OutboxMail).where(OutboxMail.ref.in_(refs)))
    return result.rowcount or 0


def purge_finished(session: Session, now: datetime, keep_days: int) -> int:
    """Delete sent and failed mails finished more than ``keep_days`` ago; returns how many.

    Queued or in-flight mails are never touched. Commits its own small transaction.
    """
    cutoff = now - timedelta(days=keep_days)
    finished_before = or_(OutboxMail.sent_at < cutoff,
                          (OutboxMail.sent_at.is_(None)) & (OutboxMail.created_at < cutoff))
    result = session.exec(delete(OutboxMail).where(OutboxMail.status.in_(("sent", "failed")), finished_before))
    session.commit()
    return result.rowcount or 0
