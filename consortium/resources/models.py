"""Librarians' notes on an e-resource ("how to search this database"): one per member that
holds the resource, written by that member's librarians."""
from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from consortium.db.columns import tz_column, utcnow


class ResourceNote(SQLModel, table=True):
    __tablename__ = "resource_note"
    __table_args__ = (UniqueConstraint("work_id", "member_id", name="uq_resource_note_member"),)
    id: int | None = Field(default=None, primary_key=True)
    work_id: int = Field(foreign_key="work.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    # nh3-sanitised HTML rendered from ``body_md`` when it is saved
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="staff_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
