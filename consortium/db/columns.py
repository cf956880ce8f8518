"""Column helpers shared by the table modules."""
from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def json_column(**kwargs) -> Column:
    return Column(JSON, **kwargs)


def tz_column(**kwargs) -> Column:
    """A timezone-aware timestamp column (SQLite stores it as text, PostgreSQL as timestamptz)."""
    return Column(DateTime(timezone=True), **kwargs)


def as_aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
