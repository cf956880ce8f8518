"""What the probes and the metrics read: the database, the search index and its lag, the
mail outbox, the question queue and file imports. No Flask: each takes the app (for its
engine, backend and config) or a session."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, text
from sqlmodel import Session, select

from consortium.db.columns import utcnow
from consortium.db.engine import engine_of
from consortium.imports.models import Import
from consortium.mail.models import OutboxMail
from consortium.reference.models import Question
from consortium.search import operations as search_operations


@dataclass
class Readiness:
    """The outcome of every check; ``reasons`` says why not ready (empty when ready)."""

    checks: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.reasons


def database_reachable(app) -> None:
    with engine_of(app).connect() as conn:
        conn.execute(text("SELECT 1"))


def counts_by(session: Session, column) -> dict[str, int]:
    """Rows per value of ``column`` (a status column)."""
    return {str(value): n for value, n in session.exec(select(column, func.count()).group_by(column)).all()}


def mail_backlog(session: Session, now: datetime, older_than_seconds: float) -> int:
    """Queued mails due for longer than ``older_than_seconds``."""
    cutoff = now - timedelta(seconds=older_than_seconds)
    return session.exec(select(func.count()).select_from(OutboxMail)
                        .where(OutboxMail.status == "queued", OutboxMail.next_attempt_at < cutoff)).one()


def catalogue_counts(app) -> dict:
    """Everything the metrics report from the database and the index, read now."""
    with Session(engine_of(app)) as session:
        counts = {"mail": counts_by(session, OutboxMail.status), "questions": counts_by(session, Question.status),
                  "imports": counts_by(session, Import.status)}
    counts["index"] = search_operations.status(app)
    return counts


def readiness(app, now: datetime | None = None) -> Readiness:
    """Database reachable, index open and current and not too far behind, mail flowing."""
    config, result = app.config, Readiness()
    try:
        database_reachable(app)
        result.checks["database"] = "ok"
    except Exception as exc:  # any driver error means the same: not ready
        result.checks["database"] = "unreachable"
        result.reasons["database"] = f"database unreachable: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return result
    _check_index(app, config, result)
    _check_mail(app, config, now or utcnow(), result)
    return result


def _check_index(app, config, result: Readiness) -> None:
    try:
        status = search_operations.status(app)
    except Exception as exc:  # the index cannot be opened: search would fail the same way
        result.reasons["index"] = f"search index cannot be opened: {type(exc).__name__}: {exc}"
        return
    result.checks["index"] = {key: status[key] for key in ("backend", "exists", "documents", "content_current",
                                                           "checkpoint", "head", "lag", "open_gaps")}
    if not status["exists"] and status["head"]:
        result.reasons["index"] = "search index not created yet (the worker builds it)"
    elif status["exists"] and not status["content_current"]:
        result.reasons["index"] = "search index of another content version (the worker is rebuilding it)"
    elif config["OPERATIONS_READY_MAX_INDEX_LAG"] is not None and status["lag"] > config["OPERATIONS_READY_MAX_INDEX_LAG"]:
        result.reasons["index"] = (f"search index {status['lag']} changes behind the database "
                                   f"(limit {config['OPERATIONS_READY_MAX_INDEX_LAG']}): is the worker running?")


def _check_mail(app, config, now: datetime, result: Readiness) -> None:
    with Session(engine_of(app)) as session:
        backlog = mail_backlog(session, now, config["OPERATIONS_READY_MAIL_AGE_SECONDS"])
    result.checks["mail_backlog"] = backlog
    limit = config["OPERATIONS_READY_MAX_MAIL_BACKLOG"]
    if limit is not None and backlog > limit:
        result.reasons["mail"] = (f"{backlog} mails due for more than {config['OPERATIONS_READY_MAIL_AGE_SECONDS']} s "
                                  f"(limit {limit}): is the worker running and the mail server answering?")
