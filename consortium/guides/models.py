"""New-arrival guides: a librarian's curated list (picked works) or a saved search."""
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow

GUIDE_KINDS = ("picked", "saved_search")


class Guide(SQLModel, table=True):
    __tablename__ = "guide"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    kind: str = Field(default="picked", max_length=16)
    state: str = Field(default="draft", max_length=16, index=True)
    title: str = Field(max_length=300)
    intro_md: str = Field(default="")
    # nh3-sanitised HTML rendered from ``intro_md`` when it is saved
    intro_html: str = Field(default="")
    clc: str | None = Field(default=None, max_length=64, index=True)
    audience: str | None = Field(default=None, max_length=200)
    language: str = Field(default="zh", max_length=8)
    # saved-search guides: {"q", "format", "language", "clc", "member", "days"}
    search: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    # moves on every edit; the feed entry's ``updated`` once the guide is published
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    # set by the first publication and kept, so a republished guide keeps its entry
    published_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    retracted_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))


class GuideItem(SQLModel, table=True):
    """One picked work of a guide, in order, with the librarian's short commentary."""

    __tablename__ = "guide_item"
    __table_args__ = (UniqueConstraint("guide_id", "work_id", name="uq_guide_item_work"),)
    id: int | None = Field(default=None, primary_key=True)
    guide_id: int = Field(foreign_key="guide.id", index=True)
    work_id: int = Field(foreign_key="work.id", index=True)
    position: int = Field(default=0)
    commentary: str = Field(default="", max_length=2000)
