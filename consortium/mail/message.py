"""Building the RFC 5322 message of an outbox row (UTF-8 headers, text and optional HTML)."""
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from consortium.db.columns import as_aware
from consortium.mail.errors import DeliveryFailed, InvalidMailConfig
from consortium.mail.models import OutboxMail


def check_sender(sender: str) -> str:
    """``MAIL_DEFAULT_SENDER`` as one address, or ``InvalidMailConfig``."""
    try:
        addresses = SMTP.header_factory("From", sender or "").addresses
    except (ValueError, IndexError, TypeError):
        addresses = ()
    if len(addresses) != 1 or not addresses[0].domain:
        raise InvalidMailConfig(f"MAIL_DEFAULT_SENDER {sender!r} is not one e-mail address.")
    return sender


def build_message(row: OutboxMail, sender: str) -> EmailMessage:
    """The message for one row: Chinese subjects and names are RFC 2047-encoded by the policy.

    A row whose stored values cannot make a message raises a permanent ``DeliveryFailed``.
    """
    try:
        return _build(row, sender)
    except (ValueError, TypeError, IndexError) as exc:
        raise DeliveryFailed(f"cannot build the message: {exc}", permanent=True) from exc


def _build(row: OutboxMail, sender: str) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = row.recipient
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(as_aware(row.created_at))
    msg["Message-ID"] = f"<{row.message_key}@{sender_domain(msg)}>"
    msg["Auto-Submitted"] = "auto-generated"
    if row.kind:
        msg["X-Daodu-Kind"] = row.kind
    for name, value in (row.headers or {}).items():
        msg[name] = value
    # base64 keeps every byte 7-bit, so servers without 8BITMIME pass Chinese text intact.
    msg.set_content(row.text_body or "", charset="utf-8", cte="base64")
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html", charset="utf-8", cte="base64")
    return msg


def sender_domain(msg: EmailMessage) -> str:
    addresses = msg["From"].addresses
    return addresses[0].domain if addresses and addresses[0].domain else "daodu.invalid"
