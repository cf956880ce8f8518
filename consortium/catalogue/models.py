"""The union catalogue: works, the holdings members push, and the change log (outbox)."""
from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow


class Work(SQLModel, table=True):
    """One union work; its descriptive fields are derived from its holdings' records."""

    __tablename__ = "work"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=1000)
    subtitle: str | None = Field(default=None, max_length=1000)
    edition: str | None = Field(default=None, max_length=200)
    authors: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    publisher: str | None = Field(default=None, max_length=500)
    year: int | None = None
    language: str | None = Field(default=None, max_length=3)
    format: str = Field(default="book", max_length=16)
    isbns: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    issns: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    clc: str | None = Field(default=None, max_length=64, index=True)
    subjects: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    summary: str | None = None
    # normalised title + first author + year, for records without shared identifiers
    match_key: str | None = Field(default=None, max_length=600, index=True)
    # normalised title + first author: the works of one family, shown as "other editions"
    family_key: str | None = Field(default=None, max_length=600, index=True)
    carrier: str = Field(default="print", max_length=16)
    # set when this work was absorbed by another: the id lives on as a redirect
    merged_into_id: int | None = Field(default=None, foreign_key="work.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class WorkIdentifier(SQLModel, table=True):
    """ISBN-13 / ISSN lookup rows pointing at the live work that carries them."""

    __tablename__ = "work_identifier"
    __table_args__ = (
        UniqueConstraint("work_id", "kind", "value", name="uq_work_identifier"),
        Index("ix_work_identifier_lookup", "kind", "value"),
    )
    id: int | None = Field(default=None, primary_key=True)
    work_id: int = Field(foreign_key="work.id", index=True)
    kind: str = Field(max_length=8)
    value: str = Field(max_length=32)


class Holding(SQLModel, table=True):
    """What one member holds of a work, upserted by ``(member, local_id)``."""

    __tablename__ = "holding"
    __table_args__ = (UniqueConstraint("member_id", "local_id", name="uq_holding_member_local"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    local_id: str = Field(max_length=200)
    work_id: int = Field(foreign_key="work.id", index=True)
    matched_by: str = Field(max_length=16)
    # set when a librarian placed this holding (split or merge): later pushes keep it there
    decision_id: int | None = Field(default=None, foreign_key="catalogue_decision.id")
    format: str = Field(default="book", max_length=16)
    call_number: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    copies: int | None = None
    available: int | None = None
    url: str | None = Field(default=None, max_length=2000)
    access: str | None = Field(default=None, max_length=16)
    coverage: str | None = Field(default=None, max_length=500)
    acquired_on: date | None = Field(default=None, index=True)
    # set once, when the consortium first saw this holding; a re-push never moves it
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    # the normalised push record, so works can be re-derived from their holdings
    record: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    # fingerprint of ``record``: an identical re-push changes nothing
    record_hash: str = Field(max_length=64)


class ChangeLog(SQLModel, table=True):
    """Outbox row written in the same transaction as the change it describes."""

    __tablename__ = "change_log"
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=16)  # "work"
    entity_id: int = Field(index=True)
    action: str = Field(max_length=16)  # "upsert" | "delete" | "merge"
    member_id: int | None = None
    batch_id: int | None = None
    payload: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class PushBatch(SQLModel, table=True):
    """One push (API request or import), with its counts and every rejection."""

    __tablename__ = "push_batch"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    source: str = Field(default="api", max_length=16)
    received: int = 0
    accepted: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class CatalogueDecision(SQLModel, table=True):
    """The audit trail of corrections to matching: a librarian's split, merge or "keep apart"
    (with the reason), and the repairs of ``consortium catalogue check --repair``."""

    __tablename__ = "catalogue_decision"
    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=16)  # "split" | "merge" | "apart" | "repair"
    # split: the work left and the new work; merge: the surviving work and the absorbed one
    work_id: int = Field(foreign_key="work.id", index=True)
    other_work_id: int | None = Field(default=None, foreign_key="work.id", index=True)
    holding_member_id: int | None = Field(default=None, foreign_key="member.id")
    holding_local_id: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=2000)
    # who: a staff account (None for the check command), acting for a member (None: an admin)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    actor: str = Field(max_length=254)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    review_id: int | None = Field(default=None, foreign_key="match_review.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class WorkApart(SQLModel, table=True):
    """Two works a librarian keeps apart (a split, or a review answered "different works"):
    no push merges them. ``work_a`` < ``work_b``; merges re-point the pair."""

    __tablename__ = "work_apart"
    __table_args__ = (UniqueConstraint("work_a", "work_b", name="uq_work_apart"),)
    id: int | None = Field(default=None, primary_key=True)
    work_a: int = Field(foreign_key="work.id", index=True)
    work_b: int = Field(foreign_key="work.id", index=True)
    decision_id: int | None = Field(default=None, foreign_key="catalogue_decision.id")


class MatchReview(SQLModel, table=True):
    """A doubtful match for a librarian: a record shared an identifier with a work but was not
    joined to it (titles with nothing in common, different editions). One per pair of works."""

    __tablename__ = "match_review"
    __table_args__ = (UniqueConstraint("work_low", "work_high", name="uq_match_review_pair"),)
    id: int | None = Field(default=None, primary_key=True)
    # the pair, lower id first, as placed; both follow merges
    work_low: int = Field(foreign_key="work.id", index=True)
    work_high: int = Field(foreign_key="work.id", index=True)
    reason: str = Field(max_length=16)  # "title" | "edition"
    identifier: str | None = Field(default=None, max_length=40)  # "isbn:978…" shared by both
    member_id: int | None = Field(default=None, foreign_key="member.id")
    local_id: str | None = Field(default=None, max_length=200)
    status: str = Field(default="open", max_length=16, index=True)  # "open" | "merged" | "apart"
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
