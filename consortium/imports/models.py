"""File imports (a member's export uploaded through the web or the API) and their reports."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from consortium.db.columns import json_column, tz_column, utcnow

IMPORT_STATES = ("queued", "running", "done", "failed")


class Import(SQLModel, table=True):
    """One uploaded file, imported in the background; its counts are the report's head."""

    __tablename__ = "import_job"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    uploaded_by: int | None = Field(default=None, foreign_key="staff_user.id")
    filename: str = Field(max_length=255)
    format: str = Field(max_length=16)
    # relative to the instance folder
    stored_path: str = Field(max_length=500)
    size: int = 0
    status: str = Field(default="queued", max_length=16, index=True)
    total: int | None = None  # records in the file, known once it was read
    done: int = 0  # records handled (ingested or rejected) so far; an interrupted import resumes here
    accepted: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    message: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=tz_column(nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=tz_column(nullable=True))


class ImportProblem(SQLModel, table=True):
    """A record of an import the catalogue did not take (or took with a warning).

    ``source`` is ``reader`` (the file's record could not be used), ``consortium`` (the
    record failed validation) or ``warning`` (taken, but the reader dropped something).
    """

    __tablename__ = "import_problem"
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="import_job.id", index=True)
    position: str = Field(max_length=100)
    local_id: str | None = Field(default=None, max_length=200)
    source: str = Field(max_length=16)
    reasons: list = Field(default_factory=list, sa_column=json_column(nullable=False))
