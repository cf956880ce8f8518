"""The federated reference queue: member profiles, questions, their history and conversation,
published knowledge-base entries. (Intake rate limits are Flask-Limiter's, not a table.)"""
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow


class ReferenceProfile(SQLModel, table=True):
    """What a member offers the queue: subjects, languages, capacity, hours, SLA and retention."""

    __tablename__ = "reference_profile"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", unique=True, index=True)
    accepts_questions: bool = Field(default=True)
    # CLC class (main class "T" or a longer prefix "TP") → strength 0..1
    strengths: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    # ISO 639-1 codes of the languages the member's liaisons answer in
    languages: list = Field(default_factory=lambda: ["zh"], sa_column=json_column(nullable=False))
    capacity: int = Field(default=10)
    # opening hours in the text form of consortium.opening_hours, e.g. "mon-fri 08:00-17:30"
    opening_hours: str = Field(default="mon-fri 08:30-17:30", max_length=500)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    # member-specific closures: ISO dates "2026-12-24" or ranges "2026-07-15..2026-08-25"
    closures: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    # promises in working days of this member's calendar
    first_response_days: int = Field(default=1)
    answer_days: int = Field(default=3)
    retention_days: int = Field(default=365)
    # [{"title": ..., "body": ...}] ready-made answers the liaisons start from
    canned_answers: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class Question(SQLModel, table=True):
    """One reader question; ``routed_member_id`` None with status ``new`` means the pool."""

    __tablename__ = "question"
    __table_args__ = (Index("ix_question_queue", "routed_member_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    text: str
    reader_name: str | None = Field(default=None, max_length=200)
    reader_email: str | None = Field(default=None, max_length=254)
    home_member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    work_id: int | None = Field(default=None, foreign_key="work.id")
    language: str = Field(default="zh", max_length=8)
    consent_publish: bool = Field(default=False)
    status: str = Field(default="new", max_length=16, index=True)
    routed_member_id: int | None = Field(default=None, foreign_key="member.id")
    # opened to every member after nobody claimed it in time
    open_to_all: bool = Field(default=False)
    claimed_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    clc: str | None = Field(default=None, max_length=64)
    # sha256 of the reader's status token; the token itself is never stored
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # the latest routing decision: {"chosen", "ranking": [...], "excluded": [...]}
    routing: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    first_response_due_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    answer_due_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    paused_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    first_response_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    answered_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    scrubbed_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class ReaderLink(SQLModel, table=True):
    """A further private link to a question, minted for a mail that must carry one (the answer
    mail, so the reader can rate it): the status token itself is never stored, so a later mail
    cannot repeat it. Only the SHA-256 of the link's token is kept; it opens the status page."""

    __tablename__ = "reader_link"
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class QuestionEvent(SQLModel, table=True):
    """Append-only history of a question; rows are only ever inserted."""

    __tablename__ = "question_event"
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    # routed | claimed | unclaimed | transferred | returned | clarification | reader_reply |
    # answered | closed | published | unpublished | scrubbed | escalated | reminded
    kind: str = Field(max_length=24, index=True)
    actor_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    actor: str = Field(default="system", max_length=16)  # staff | reader | system
    # the member the event moved the question to (routed, transferred, escalated) or acted for
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    from_member_id: int | None = Field(default=None, foreign_key="member.id")
    reasons: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class QuestionMessage(SQLModel, table=True):
    """The conversation: answers, clarification requests, reader replies and internal notes."""

    __tablename__ = "question_message"
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    kind: str = Field(max_length=16)  # answer | clarification | reader_reply | note
    author_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    body_html: str  # sanitised with nh3 before it is stored
    # the staff member's Markdown the HTML was rendered from (None: readers' replies, older rows)
    body_md: str | None = Field(default=None)
    cited_work_ids: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class KnowledgeEntry(SQLModel, table=True):
    """A published, redacted question and answer of the public knowledge base."""

    __tablename__ = "knowledge_entry"
    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", unique=True, index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    title: str = Field(max_length=300)
    question_html: str
    answer_html: str
    # the reviewed Markdown ``answer_html`` was rendered from (None for entries published before)
    answer_md: str | None = Field(default=None)
    clc: str | None = Field(default=None, max_length=64)
    language: str = Field(default="zh", max_length=8)
    published_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    published_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    # set when the reader withdrew consent or a liaison took it down; the page is gone
    unpublished_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True, index=True))



class ChatRota(SQLModel, table=True):
    """A member's staffed hours for live help, read in its working calendar (holidays, 调休)."""

    __tablename__ = "chat_rota"
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    # the text form of consortium.reference.opening_hours, e.g. "mon-fri 09:00-12:00,14:00-17:00"
    hours: str = Field(default="mon-fri 08:30-17:30", max_length=500)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class DutyPresence(SQLModel, table=True):
    """A liaison on duty for live help; the row lives while heartbeats keep ``last_seen_at`` fresh."""

    __tablename__ = "duty_presence"
    user_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    since: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class ChatSession(SQLModel, table=True):
    """One live chat. It becomes a question (``question_id``) when a liaison accepts it or when
    it is queued; the reader's name and address then live only in the question."""

    __tablename__ = "chat_session"
    __table_args__ = (Index("ix_chat_session_ringing", "state", "routed_member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    # sha256 of the reader's token; the question made from the chat has the same token
    token_hash: str = Field(max_length=64, unique=True, index=True)
    state: str = Field(default="ringing", max_length=16)  # ringing | active | queued | ended | blocked
    text: str
    reader_name: str | None = Field(default=None, max_length=200)
    reader_email: str | None = Field(default=None, max_length=254)
    home_member_id: int | None = Field(default=None, foreign_key="member.id")
    work_id: int | None = Field(default=None, foreign_key="work.id")
    language: str = Field(default="zh", max_length=8)
    routed_member_id: int | None = Field(default=None, foreign_key="member.id")
    # the routing decision among the members on duty: {"chosen", "ranking", "rule", ...}
    routing: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    accepted_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    question_id: int | None = Field(default=None, foreign_key="question.id", index=True)
    consent_publish: bool = Field(default=False)
    want_transcript: bool = Field(default=False)
    # the last event's per-chat sequence number (allocated under the row's write lock)
    last_seq: int = Field(default=0)
    ring_started_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    accepted_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    ended_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    last_activity_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class ChatEvent(SQLModel, table=True):
    """What the chat's streams carry, in order: ``seq`` is the SSE event id (``Last-Event-ID``)."""

    __tablename__ = "chat_event"
    __table_args__ = (Index("ix_chat_event_chat_seq", "chat_id", "seq", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(foreign_key="chat_session.id")
    seq: int
    kind: str = Field(max_length=16)  # message | card | state
    actor: str = Field(default="system", max_length=16)  # reader | staff | system
    author_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # sanitised HTML of a message (the Markdown subset); never the raw text
    body_html: str | None = Field(default=None)
    body_text: str | None = Field(default=None)
    payload: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
