"""The audit trail of administration: who changed what, when (members, keys, staff accounts,
canned answers). Entries are added in the caller's unit of work, so a change and its entry
commit together or not at all; rows are never updated."""
from sqlmodel import Session, select

from consortium.accounts.models import AuditEntry, Member
from consortium.db.columns import utcnow

COMMAND_LINE = "command line"


def record(session: Session, actor, action: str, target: str = "", *, member_id: int | None = None,
           details: dict | None = None) -> AuditEntry:
    """Add one entry. ``actor``: a staff user (``id`` and ``email``), or None for the command line."""
    entry = AuditEntry(actor_user_id=getattr(actor, "id", None),
                       actor=(getattr(actor, "email", None) or COMMAND_LINE)[:254], action=action,
                       member_id=member_id, target=(target or "")[:300], details=details or {},
                       created_at=utcnow())
    session.add(entry)
    return entry


def recent(session: Session, limit: int = 200, member_code: str | None = None,
           action: str | None = None) -> list[tuple[AuditEntry, Member | None]]:
    """The newest entries first, optionally of one member or one kind of action."""
    stmt = select(AuditEntry, Member).join(Member, Member.id == AuditEntry.member_id, isouter=True)
    if member_code:
        stmt = stmt.where(Member.code == member_code.strip().upper())
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(max(1, min(limit, 1000)))
    return list(session.exec(stmt).all())
