"""The mail outbox table: one row per e-mail, written in the transaction that caused it."""
from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow

# queued → claimed (a worker took it) → sending (handed to the backend) → sent | queued (retry) | failed
STATUSES = ("queued", "claimed", "sending", "sent", "failed")


class OutboxMail(SQLModel, table=True):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=998)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # What the mail is about, for statistics and tests: e.g. "question.received", and the
    # thing it refers to, e.g. "question:42".
    kind: str = Field(default="", max_length=64, index=True)
    ref: str | None = Field(default=None, max_length=200, index=True)
    # Local part of the Message-ID, fixed at queue time so every retry carries the same id.
    message_key: str = Field(max_length=64, unique=True)
    # Extra headers of the list kind (``outbox.LIST_HEADERS``: List-Unsubscribe and its
    # one-click POST), {name: value}; None for ordinary mail.
    headers: dict | None = Field(default=None, sa_column=json_column(nullable=True))
    status: str = Field(default="queued", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    claim_token: str | None = Field(default=None, max_length=32, index=True)
    claimed_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
