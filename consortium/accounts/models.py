"""Member libraries, their API keys and staff accounts."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow

ROLES = ("consortium_admin", "librarian", "liaison")


class Member(SQLModel, table=True):
    __tablename__ = "member"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    # Origins (scheme://host[:port]) of the member's own web sites, for CORS on embeds.
    site_origins: list = Field(default_factory=list, sa_column=json_column(nullable=False))
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    # The first characters of the key, stored in clear to find the row; the rest only hashed.
    prefix: str = Field(max_length=16, index=True)
    key_hash: str = Field(max_length=128)
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))


class User(SQLModel, table=True):
    __tablename__ = "staff_user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=32)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    display_name: str | None = Field(default=None, max_length=200)
    active: bool = Field(default=True)
    # Part of every session's user id: raising it (logout, password change) ends them all.
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))


class Invitation(SQLModel, table=True):
    """A set-password link sent to a staff member: single use, expiring; only the SHA-256 of
    its token is stored, so the database never holds a usable link."""

    __tablename__ = "staff_invitation"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    expires_at: datetime = Field(sa_column=tz_column(nullable=False))
    # set when the password was chosen, or when a newer link replaced this one
    used_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))


class AuditEntry(SQLModel, table=True):
    """Who changed what in the consortium's administration, and when; rows are only inserted."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False, index=True))
    actor_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # the staff member's e-mail as it was then, or "command line"
    actor: str = Field(max_length=254)
    # e.g. member.added, key.issued, key.revoked, user.invited, user.disabled, canned.added
    action: str = Field(max_length=48, index=True)
    # the member the change concerns (None for consortium-wide changes)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    # what was changed, as a person names it: a member code, a key prefix, an e-mail address
    target: str = Field(default="", max_length=300)
    details: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
