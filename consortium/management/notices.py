"""Consortium notices to every liaison officer, with read receipts: the admin posts (each
active liaison also gets it by e-mail, queued in the same transaction), liaisons confirm they
read it, the admin sees who has and who has not."""
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.db.uow import UnitOfWork
from consortium.mail.outbox import queue_mail
from consortium.management.errors import InvalidNotice, NotForYou, UnknownNotice
from consortium.management.models import Notice, NoticeReceipt
from consortium.reference.common import Actor, liaison_emails
from consortium.web.converters import MAX_ID
from consortium.web.markup import html_to_text, render_markdown
from member_sites.record.xmlchars import strip_forbidden

READERS = ("liaison", "consortium_admin")


def _may_read(actor: Actor) -> None:
    if actor.role not in READERS:
        raise NotForYou("Consortium notices are for liaison officers.")


def post_notice(session: Session, actor: Actor, title: str, body_md: str, *, now: datetime,
                base_url: str, on_commit=None) -> Notice:
    """The admin posts a notice; every active liaison is mailed a copy after the commit."""
    if not actor.is_admin:
        raise NotForYou("Only consortium administrators post notices.")
    title, body_md = strip_forbidden(title or "").strip(), strip_forbidden(body_md or "").strip()
    errors = {**({"title": ["1–200 characters."]} if not 1 <= len(title) <= 200 else {}),
              **({"body": ["1–20,000 characters."]} if not 1 <= len(body_md) <= 20000 else {})}
    if errors:
        raise InvalidNotice("A notice needs a title (at most 200 characters) and a text.", errors)
    with UnitOfWork(session) as uow:
        notice = Notice(title=title, body_md=body_md, body_html=render_markdown(body_md), author_user_id=actor.user_id,
                        created_at=now)
        session.add(notice)
        session.flush()
        link = f"{base_url}/staff/notices/{notice.id}"
        text = f"联盟通知 / Consortium notice\n\n{title}\n\n{html_to_text(notice.body_html)}\n\n{link}\n"
        for email in liaison_emails(session, None):
            queue_mail(session, email, f"联盟通知 / Consortium notice: {title}", text, kind="management.notice",
                       ref=f"notice:{notice.id}")
        if on_commit:
            uow.after_commit(on_commit)
    return notice


def notices(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    """Newest first, each marked read or not for the actor, with how many liaisons read it."""
    _may_read(actor)
    rows = session.exec(select(Notice).order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)).all()
    mine = set(session.exec(select(NoticeReceipt.notice_id).where(NoticeReceipt.user_id == actor.user_id)).all())
    return [{"notice": n, "read": n.id in mine, "readers": _count(session, n.id)} for n in rows]


def _count(session: Session, notice_id: int) -> int:
    return len(session.exec(select(NoticeReceipt.id).where(NoticeReceipt.notice_id == notice_id)).all())


def notice_detail(session: Session, actor: Actor, notice_id: int) -> dict:
    """One notice; for admins, every active liaison with when (or whether) they read it."""
    _may_read(actor)
    notice = session.get(Notice, notice_id) if 0 < notice_id <= MAX_ID else None
    if notice is None:
        raise UnknownNotice("There is no such notice.")
    receipts = {r.user_id: r.read_at for r in session.exec(
        select(NoticeReceipt).where(NoticeReceipt.notice_id == notice_id)).all()}
    detail = {"notice": notice, "read": actor.user_id in receipts, "receipts": None}
    if actor.is_admin:
        people = session.exec(select(User, Member).join(Member, Member.id == User.member_id)
                              .where(User.role == "liaison", User.active == True)  # noqa: E712
                              .order_by(Member.code, User.email)).all()
        detail["receipts"] = [{"member": m.code, "name": u.display_name or u.email, "read_at": receipts.get(u.id)}
                              for u, m in people]
    return detail


def mark_read(session: Session, actor: Actor, notice_id: int, *, now: datetime) -> bool:
    """The liaison confirms reading; a second confirmation keeps the first time. True if new."""
    notice_detail(session, actor, notice_id)
    with UnitOfWork(session):
        known = session.exec(select(NoticeReceipt).where(NoticeReceipt.notice_id == notice_id,
                                                         NoticeReceipt.user_id == actor.user_id)).first()
        if known is None:
            session.add(NoticeReceipt(notice_id=notice_id, user_id=actor.user_id, read_at=now))
    return known is None
