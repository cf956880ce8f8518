"""Building the RFC 5322 message of an outbox row (UTF-8 headers, text and optional HTML)."""
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from consortium.mail.models import OutboxMail
from consortium.models.base import as_aware


def build_message(row: OutboxMail, sender: str) -> EmailMessage:
    """The message for one row: Chinese subjects and names are RFC 2047-encoded by the policy."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = row.recipient
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(as_aware(row.created_at))
    msg["Message-ID"] = f"<{row.message_key}@{sender_domain(msg)}>"
    msg["Auto-Submitted"] = "auto-generated"
    if row.kind:
        msg["X-Daodu-Kind"] = row.kind
    msg.set_content(row.text_body or "", charset="utf-8")
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html", charset="utf-8")
    return msg


def sender_domain(msg: EmailMessage) -> str:
    addresses = msg["From"].addresses
    return addresses[0].domain if addresses and addresses[0].domain else "daodu.invalid"
