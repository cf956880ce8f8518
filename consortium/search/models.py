"""The search indexer's checkpoint: how far into the change log the index has applied."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow


class SearchCheckpoint(SQLModel, table=True):
    """One row per index (``name``); written only after the backend acknowledged the batch
    it describes.

    ``gaps`` maps change-log ids below ``last_id`` that were not visible when ``last_id``
    was applied (a PostgreSQL transaction that took its id earlier but committed later) to
    the time (epoch seconds) they were first missed; they are re-read until seen or expired.
    """

    __tablename__ = "search_checkpoint"
    name: str = Field(primary_key=True, max_length=32)
    last_id: int = 0
    gaps: dict = Field(default_factory=dict, sa_column=json_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
