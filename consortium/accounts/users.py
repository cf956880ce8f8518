"""Staff accounts managed from the admin pages: invite by e-mail with a set-password link,
change role and member, disable and enable, and set a password through a link.

A link's token is ``secrets.token_urlsafe`` shown once, in the mail; only its SHA-256 is kept.
A link works once, until it expires (``ACCOUNTS_LINK_HOURS``), and a newer link for the same
account replaces it. Disabling an account ends its sessions at the next request (the session
loader refuses inactive users). The last active consortium administrator can be neither
disabled nor demoted, and nobody disables or demotes themselves.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from consortium.accounts import audit
from consortium.accounts.errors import DuplicateUser, InvalidLink, LockedOut, UnknownUser
from consortium.accounts.models import Invitation, Member, User
from consortium.accounts.service import check_password, check_role, staff_email
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.mail.outbox import queue_mail


@dataclass(frozen=True)
class LinkSettings:
    """Where set-password links point and how long they work."""

    base_url: str
    hours: int = 72
    timezone: str = "Asia/Shanghai"  # the zone the mail states the expiry in


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def list_users(session: Session) -> list[tuple[User, Member | None]]:
    """Every staff account with its member, by member code then e-mail."""
    rows = session.exec(select(User, Member).join(Member, Member.id == User.member_id, isouter=True)).all()
    return sorted(rows, key=lambda row: (row[1].code if row[1] else "", row[0].email))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise UnknownUser("There is no such staff account.", {"user": [str(user_id)]})
    return user


def invite_user(session: Session, actor, email: str, role: str, member_code: str | None, display_name: str | None,
                *, now: datetime, link: LinkSettings, on_commit=None) -> User:
    """A new account without a password, and a mail with the link that sets one."""
    email = staff_email(email)
    member = check_role(session, role, member_code)
    if session.exec(select(User).where(User.email == email)).first():
        raise DuplicateUser("A staff account with this e-mail address exists already.", {"email": [email]})
    with UnitOfWork(session) as uow:
        user = User(email=email, password_hash="", role=role, member_id=member.id if member else None,
                    display_name=(display_name or "").strip()[:200] or None, created_at=now)
        session.add(user)
        session.flush()
        _send_link(session, actor, user, now, link, invited=True)
        audit.record(session, actor, "user.invited", email, member_id=user.member_id, details={"role": role})
        if on_commit:
            uow.after_commit(on_commit)
    return user


def send_password_link(session: Session, actor, user_id: int, *, now: datetime, link: LinkSettings,
                       on_commit=None) -> User:
    """A fresh set-password link for an account (a lost invitation, a forgotten password)."""
    user = get_user(session, user_id)
    with UnitOfWork(session) as uow:
        _send_link(session, actor, user, now, link, invited=not user.password_hash)
        audit.record(session, actor, "user.link_sent", user.email, member_id=user.member_id)
        if on_commit:
            uow.after_commit(on_commit)
    return user


def _send_link(session: Session, actor, user: User, now: datetime, link: LinkSettings, invited: bool) -> None:
    session.exec(update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
                 .values(used_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=link.hours)
    session.add(Invitation(user_id=user.id, token_hash=_hash(token), created_by_id=getattr(actor, "id", None),
                           created_at=now, expires_at=expires))
    url = f"{link.base_url.rstrip('/')}/staff/password/{token}"
    until = expires.astimezone(ZoneInfo(link.timezone)).strftime("%Y-%m-%d %H:%M")
    if invited:
        subject = "导读：请设置您的工作人员账户密码 / Daodu: set the password of your staff account"
        lead_zh, lead_en = "您已受邀使用导读联盟服务的工作人员账户", "You are invited to a staff account of the Daodu consortium service"
    else:
        subject = "导读：设置新密码 / Daodu: set a new password"
        lead_zh, lead_en = "您的导读工作人员账户可以设置新密码", "You can set a new password for your Daodu staff account"
    text = (f"{lead_zh}（{user.email}）。请在 {until}（{link.timezone}）前打开下面的链接设置密码，链接只能使用一次：\n"
            f"{url}\n\n{lead_en} ({user.email}). Open the link above before {until} ({link.timezone}) to set your "
            "password; it works once.\n\n如果您不知道此事，请忽略本邮件。 If this is unexpected, ignore this mail.\n")
    queue_mail(session, user.email, subject, text, kind="accounts.password_link", ref=f"user:{user.id}")


def link_account(session: Session, token: str, *, now: datetime) -> User:
    """The account a set-password link is for; ``InvalidLink`` when it is unknown, used or expired."""
    invitation = session.exec(select(Invitation).where(Invitation.token_hash == _hash(token or ""))).first()
    if invitation is None or invitation.used_at is not None or as_aware(invitation.expires_at) <= now:
        raise InvalidLink("This link is not valid any more: it was used, replaced by a newer one or has expired. "
                          "Ask a consortium administrator for a new one.")
    return session.get(User, invitation.user_id)


def set_password(session: Session, token: str, password: str, *, now: datetime) -> User:
    """Set the account's password through a link, which is then used up."""
    user = link_account(session, token, now=now)
    check_password(password)
    with UnitOfWork(session):
        claimed = session.exec(update(Invitation).where(Invitation.token_hash == _hash(token),
                                                        Invitation.used_at.is_(None))
                               .values(used_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # two tabs sent the same link at once: the first one wins
            raise InvalidLink("This link is not valid any more: it was used, replaced by a newer one or has "
                              "expired. Ask a consortium administrator for a new one.")
        user.password_hash = generate_password_hash(password)
        user.session_version = (user.session_version or 0) + 1  # a reset ends every old session
        session.add(user)
        audit.record(session, user, "user.password_set", user.email, member_id=user.member_id)
    return user


def change_user(session: Session, actor, user_id: int, *, role: str, member_code: str | None,
                display_name: str | None) -> User:
    """Change an account's role, member and display name."""
    user = get_user(session, user_id)
    member = check_role(session, role, member_code)
    if user.role == "consortium_admin" and role != "consortium_admin":
        _keep_an_admin(session, actor, user)
    before = {"role": user.role, "member_id": user.member_id, "display_name": user.display_name}
    with UnitOfWork(session):
        user.role, user.member_id = role, member.id if member else None
        user.display_name = (display_name or "").strip()[:200] or None
        session.add(user)
        audit.record(session, actor, "user.changed", user.email, member_id=user.member_id,
                     details={"before": before, "role": role, "member": member.code if member else None})
    return user


def set_active(session: Session, actor, user_id: int, active: bool) -> User:
    """Disable (sessions end at once) or enable an account."""
    user = get_user(session, user_id)
    if not active and user.role == "consortium_admin":
        _keep_an_admin(session, actor, user)
    if not active and user.id == getattr(actor, "id", None):
        raise LockedOut("You cannot disable your own account.", {"user": [user.email]})
    with UnitOfWork(session):
        user.active = active
        session.add(user)
        audit.record(session, actor, "user.enabled" if active else "user.disabled", user.email,
                     member_id=user.member_id)
    return user


def _keep_an_admin(session: Session, actor, user: User) -> None:
    if user.id == getattr(actor, "id", None):
        raise LockedOut("You cannot disable or demote your own administrator account.", {"user": [user.email]})
    others = session.exec(select(func.count()).select_from(User).where(
        User.role == "consortium_admin", User.active == True, User.id != user.id)).one()  # noqa: E712
    if others == 0:
        raise LockedOut("The consortium needs at least one active administrator.", {"user": [user.email]})
