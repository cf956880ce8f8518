"""Running the consortium: readers' ratings of answers, yearly targets per member, the
liaison directory and consortium notices with read receipts."""
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow


class AnswerFeedback(SQLModel, table=True):
    """A reader's rating of the answer to their question: one per question, a second replaces it."""

    __tablename__ = "answer_feedback"
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", unique=True, index=True)
    # the member whose answer was rated (the last answer's), which the rating counts for
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    helpful: bool
    # the reader's own words: shown only to the liaison handling the question
    comment: str | None = Field(default=None, max_length=2000)
    # the same with personal data replaced (consortium.reference.redaction): what everyone else sees
    comment_redacted: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False, index=True))


class MemberTarget(SQLModel, table=True):
    """The consortium's targets for one member in one year; measures not named keep the defaults."""

    __tablename__ = "member_target"
    __table_args__ = (UniqueConstraint("year", "member_id", name="uq_member_target_year_member"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    # target name → number (see consortium.management.measures.TARGETS)
    targets: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class LiaisonContact(SQLModel, table=True):
    """How other members reach one liaison officer: what the directory shows beside the account."""

    __tablename__ = "liaison_contact"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", unique=True, index=True)
    phone: str | None = Field(default=None, max_length=64)
    # free text in the liaison's words, e.g. "周一至周五 9:00–17:00（寒暑假周三下午）"
    contact_hours: str | None = Field(default=None, max_length=300)
    subjects: str | None = Field(default=None, max_length=300)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class Notice(SQLModel, table=True):
    """A consortium notice to every liaison officer (the message board)."""

    __tablename__ = "notice"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body_md: str
    # nh3-sanitised HTML rendered from ``body_md`` when the notice is posted
    body_html: str
    author_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False, index=True))


class NoticeReceipt(SQLModel, table=True):
    """A liaison confirmed reading a notice (once)."""

    __tablename__ = "notice_receipt"
    __table_args__ = (UniqueConstraint("notice_id", "user_id", name="uq_notice_receipt_user"),)
    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    read_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
