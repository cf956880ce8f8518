"""Librarians' notes on e-resources: a librarian of a member that holds the resource writes
that member's note (Markdown, sanitised); an empty note removes it. No Flask."""
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding, Work
from consortium.db.uow import UnitOfWork
from consortium.errors import PermissionDenied
from consortium.resources import rules
from consortium.resources.errors import InvalidResourceQuery, UnknownResource
from consortium.resources.models import ResourceNote
from consortium.web.markup import render_markdown

MAX_NOTE = 5000
NOTE_ROLES = ("librarian", "consortium_admin")


def save_note(session: Session, *, work_id: int, member_id: int | None, role: str, user_id: int | None,
              body_md: str, now: datetime) -> ResourceNote | None:
    """Write (or with an empty body remove) the acting member's note on a resource it holds."""
    work = session.get(Work, work_id)
    if work is None or work.merged_into_id is not None or work.format not in rules.FORMATS:
        raise UnknownResource(f"There is no database or e-journal {work_id}.")
    if role not in NOTE_ROLES or member_id is None or not _holds(session, member_id, work_id):
        raise PermissionDenied("Only librarians of a library that holds this resource may write its note.")
    body_md = (body_md or "").strip()
    if len(body_md) > MAX_NOTE:
        raise InvalidResourceQuery(f"A note may be at most {MAX_NOTE} characters.", {"body": ["Too long."]})
    note = session.exec(select(ResourceNote).where(ResourceNote.work_id == work_id,
                                                   ResourceNote.member_id == member_id)).first()
    with UnitOfWork(session):
        if not body_md:
            if note is not None:
                session.delete(note)
            return None
        note = note or ResourceNote(work_id=work_id, member_id=member_id, body_md="", body_html="")
        note.body_md, note.body_html = body_md, render_markdown(body_md)
        note.updated_by, note.updated_at = user_id, now
        session.add(note)
    return note


def _holds(session: Session, member_id: int, work_id: int) -> bool:
    return session.exec(select(Holding.id).where(Holding.member_id == member_id,
                                                 Holding.work_id == work_id)).first() is not None


def notes_for(session: Session, work_ids: list[int]) -> dict[int, list[dict]]:
    """The notes of these resources by work id, each with its member's code."""
    if not work_ids:
        return {}
    out: dict[int, list[dict]] = {}
    rows = session.exec(select(ResourceNote, Member.code).join(Member, Member.id == ResourceNote.member_id)
                        .where(ResourceNote.work_id.in_(work_ids)).order_by(Member.code)).all()
    for note, code in rows:
        out.setdefault(note.work_id, []).append({"member": code, "html": note.body_html, "markdown": note.body_md,
                                                 "updated_at": note.updated_at})
    return out
