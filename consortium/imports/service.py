"""File imports: a member's export file is stored, then read and ingested in the background.

``create_import`` stores the upload under the instance folder and queues it; the ``imports``
background job calls ``run_pending_imports``, which reads each queued file with the format
readers of ``member_sites`` and pushes its records through ``catalogue.ingest_batch`` in
batches. After each batch the import's progress (records done) and the batch's problems are
committed, so an import interrupted by a restart resumes at the next batch (re-sending at most
one batch, which the idempotent upsert turns into "unchanged").
"""
import itertools
import logging
import os
import uuid
from pathlib import Path

from sqlmodel import Session, select
from werkzeug.utils import secure_filename

from consortium.accounts.models import Member
from consortium.catalogue import service as catalogue
from consortium.db.columns import as_aware, utcnow
from consortium.db.uow import UnitOfWork
from consortium.errors import ConsortiumError, InvalidInput, NotFound, PermissionDenied
from consortium.imports.models import Import, ImportProblem
from member_sites.errors import MemberSitesError
from member_sites.readers import FORMATS as readable
from member_sites.readers import read_records
from member_sites.readers.sniff import LABELS, sniff_stream
from member_sites.readers.source import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)
FORMATS = ("marc21", "marcxml", "cnmarc", "csv", "kbart")
BATCH = 1000


class ImportFailed(ConsortiumError):
    """The file of an import could not be read at all (wrong format, missing columns...)."""


class FormatMismatch(InvalidInput):
    """The uploaded file's bytes show another format than the one chosen for it."""

    def __init__(self, declared: str, detected: str):
        self.declared, self.detected = LABELS[declared], LABELS[detected]
        self.readable = detected in readable
        hint = (f"choose {self.detected} as its format and upload it again" if self.readable
                else "upload the member's export file instead")
        super().__init__(f"The file looks like {self.detected}, not {self.declared}: {hint}.",
                         {"format": [f"the file looks like {self.detected}, not {self.declared}"]})


def _check_format(fmt: str) -> str:

    fmt = (fmt or "").strip().lower()
    if fmt not in readable:
        raise InvalidInput(f"Unknown format {fmt!r}; use one of {', '.join(readable)}.",
                           {"format": [f"must be one of {', '.join(readable)}"]})
    return fmt


def create_import(session: Session, member: Member, *, filename: str, fmt: str, stream, import_dir: str,
                  uploaded_by: int | None = None, on_commit=None) -> Import:
    """Store an uploaded export file and queue it for import."""
    fmt = _check_format(fmt)
    shown = (filename or "").strip()[:255] or "upload"
    os.makedirs(import_dir, exist_ok=True)
    stored = f"{uuid.uuid4().hex}-{secure_filename(shown) or 'upload'}"
    path = Path(import_dir) / stored
    size = _write(stream, path)
    if size == 0:
        path.unlink()
        raise InvalidInput("The uploaded file is empty.", {"file": ["empty"]})
    _check_contents(path, fmt)
    try:
        with UnitOfWork(session) as uow:
            record = Import(member_id=member.id, uploaded_by=uploaded_by, filename=shown, format=fmt,
                            stored_path=stored, size=size)
            session.add(record)
            if on_commit is not None:
                uow.after_commit(on_commit)
    except Exception:
        path.unlink(missing_ok=True)  # no row, no file
        raise
    return record


def _check_contents(path: Path, fmt: str) -> None:
    """Refuse (deleting the stored file) a file whose first bytes show another format."""
    try:
        with open(path, "rb") as fh:
            detected = sniff_stream(fh)
    except MemberSitesError:
        detected = None  # unreadable heads are the reader's to report, record by record
    if detected is not None and detected != fmt:
        path.unlink(missing_ok=True)
        raise FormatMismatch(fmt, detected)


def _write(stream, path: Path) -> int:
    size = 0
    with open(path, "wb") as out:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            out.write(chunk)
            size += len(chunk)
    return size


def get_import(session: Session, import_id: int, acting_member_id: int | None, *, admin: bool = False) -> Import:
    """An import, if the caller (a member's key or staff, or a consortium admin) may see it."""
    record = session.get(Import, import_id)
    if record is None:
        raise NotFound(f"There is no import {import_id}.")
    if not admin and record.member_id != acting_member_id:
        raise PermissionDenied("An import can be seen only by its own member's staff.")
    return record


def list_imports(session: Session, member_id: int | None, limit: int = 100) -> list[tuple[Import, Member]]:
    """Newest first; ``member_id`` None lists every member's (consortium admins)."""
    query = select(Import, Member).join(Member, Member.id == Import.member_id)
    if member_id is not None:
        query = query.where(Import.member_id == member_id)
    return list(session.exec(query.order_by(Import.id.desc()).limit(limit)).all())


def problems_of(session: Session, import_id: int) -> list[ImportProblem]:
    return list(session.exec(select(ImportProblem).where(ImportProblem.import_id == import_id)
                             .order_by(ImportProblem.id)).all())


def report(session: Session, record: Import) -> dict:
    """The import report: counts, progress, every rejected record and every warning."""
    problems = problems_of(session, record.id)
    rows = [{"position": p.position, "local_id": p.local_id, "source": p.source, "reasons": p.reasons}
            for p in problems]
    return {
        "id": record.id, "status": record.status, "filename": record.filename, "format": record.format,
        "format_label": LABELS.get(record.format, record.format),
        "size": record.size, "total": record.total, "done": record.done, "accepted": record.accepted,
        "unchanged": record.unchanged, "rejected": record.rejected, "warnings": record.warnings,
        "message": record.message, "created_at": as_aware(record.created_at),
        "started_at": as_aware(record.started_at), "finished_at": as_aware(record.finished_at),
        "rejections": [r for r in rows if r["source"] != "warning"],
        "warning_list": [r for r in rows if r["source"] == "warning"],
    }


def run_pending_imports(session: Session, import_dir: str, *, batch: int = BATCH, on_commit=None,
                        limits: Limits = DEFAULT_LIMITS) -> int:
    """Import every queued (or interrupted) file, oldest first; returns how many were run."""
    count = 0
    while True:
        record = session.exec(select(Import).where(Import.status.in_(("queued", "running")))
                              .order_by(Import.id)).first()
        if record is None:
            return count
        run_import(session, record, import_dir, batch=batch, on_commit=on_commit, limits=limits)
        count += 1


def run_import(session: Session, record: Import, import_dir: str, *, batch: int = BATCH, on_commit=None,
               limits: Limits = DEFAULT_LIMITS) -> None:
    """Read one import's file and ingest it batch by batch, resuming after ``record.done``.

    The file is streamed twice, never held: once to count its records (the progress bar's
    total; a file too large to unpack fails here, before anything is ingested), then batch by
    batch into the catalogue."""
    with UnitOfWork(session):
        record.status, record.started_at = "running", record.started_at or utcnow()
        session.add(record)
    path = Path(import_dir) / record.stored_path
    try:
        total = _reading(path, record.format, limits, lambda results: sum(1 for _ in results))
        member = session.get(Member, record.member_id)
        with UnitOfWork(session):
            record.total = total
            session.add(record)
        _reading(path, record.format, limits,
                 lambda results: _ingest_all(session, record, member, results, batch, on_commit))
        _finish(session, record, "done", _empty_message(record))
    except ConsortiumError as exc:
        session.rollback()
        _finish(session, record, "failed", exc.message)
    except Exception as exc:  # noqa: BLE001 — a poison file must not block the queue forever
        log.exception("import %s failed", record.id)
        session.rollback()
        _finish(session, record, "failed", f"Internal error while importing ({type(exc).__name__}); it has been logged.")


def _empty_message(record: Import) -> str | None:
    if record.total:
        return None
    return f"The file holds no record that can be read as {LABELS[record.format]}; is it in that format?"


def _reading(path: Path, fmt: str, limits: Limits, consume):
    """``consume(results)`` over the file's read results; reading failures become ImportFailed."""
    try:
        with open(path, "rb") as fh:
            return consume(read_records(fh, fmt, limits))
    except MemberSitesError as exc:
        raise ImportFailed(f"The file cannot be imported: {exc}") from None
    except OSError as exc:
        raise ImportFailed(f"The stored file cannot be read: {exc.strerror}.") from None


def _ingest_all(session, record: Import, member: Member, results, batch: int, on_commit) -> None:
    start = record.done
    results = itertools.islice(results, start, None)  # an interrupted import resumes after its last batch
    while chunk := list(itertools.islice(results, batch)):
        _ingest_chunk(session, record, member, chunk, start, on_commit)
        start += len(chunk)


def _ingest_chunk(session, record: Import, member: Member, chunk: list, start: int, on_commit) -> None:
    usable = [r for r in chunk if r.ok]
    result = catalogue.BatchResult()
    if usable:
        result = catalogue.ingest_batch(session, member, [dict(r.record) for r in usable], source="import",
                                        max_batch=len(usable), on_commit=on_commit)
    with UnitOfWork(session):
        for r in chunk:
            local_id = r.record.get("local_id") if r.record else None
            if not r.ok:
                _problem(session, record, r.position, local_id, "reader", r.reasons or ["unreadable record"])
                record.rejected += 1
            for message in (r.problems if r.ok else []):
                _problem(session, record, r.position, local_id, "warning", [message])
                record.warnings += 1
        for item in result.rejected:
            sent = usable[item["index"]]
            reasons = [f"{name}: {m}" for name, ms in sorted(item["errors"].items()) for m in ms]
            _problem(session, record, sent.position, item.get("local_id"), "consortium", reasons)
            record.rejected += 1
        record.accepted += result.accepted
        record.unchanged += result.unchanged
        record.done = start + len(chunk)
        session.add(record)


def _problem(session, record, position, local_id, source, reasons) -> None:
    local_id = str(local_id)[:200] if local_id is not None else None
    session.add(ImportProblem(import_id=record.id, position=str(position)[:100], local_id=local_id,
                              source=source, reasons=[str(r) for r in reasons]))


def _finish(session, record: Import, status: str, message: str | None) -> None:
    with UnitOfWork(session):
        record.status, record.message, record.finished_at = status, message, utcnow()
        session.add(record)
