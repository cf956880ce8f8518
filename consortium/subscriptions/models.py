"""A reader's subscription: an e-mail address, a saved search and how often to send.

The reader has no account: the subscription is reached only through its token, of which
only the SHA-256 is stored (``token_hash``). Deleting the row deletes the address.
"""
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow

# pending (not confirmed yet: nothing is sent) → active ⇄ paused. Deleting (the reader, the
# one-click unsubscribe, a complaint or repeated bounces an admin records, the sweep of
# unconfirmed ones) removes the row: nothing of the address stays.
STATUSES = ("pending", "active", "paused")


class Subscription(SQLModel, table=True):
    __tablename__ = "subscription"
    __table_args__ = (Index("ix_subscription_due", "status", "frequency", "last_digest_at"),)
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # what it follows: "search" (any search with its filters), "clc", "member" (new
    # arrivals), "guides" or "answers" (the knowledge base), and a label the reader sees
    source: str = Field(default="search", max_length=16)
    label: str = Field(default="", max_length=300)
    # the /api/v1/search parameters, as validated (strings and lists)
    search: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    frequency: str = Field(default="weekly", max_length=8)
    language: str = Field(default="zh", max_length=8)
    home_member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    status: str = Field(default="pending", max_length=16)
    # the end of the window the last digest covered (set at confirmation: nothing older is sent)
    last_digest_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    digests_sent: int = Field(default=0)
    bounces: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    confirmed_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
