"""Member libraries as the admin pages manage them: add one with its site origins, change its
names, time zone and origins. Every change leaves an audit entry."""
from sqlmodel import Session

from consortium.accounts import audit
from consortium.accounts.errors import InvalidAccount
from consortium.accounts.models import Member
from consortium.accounts.origins import MAX_ORIGINS, normalise_origin
from consortium.accounts.service import add_member, check_timezone, get_member
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput


def parse_origins(text: str) -> list[str]:
    """Site origins one per line (or separated by spaces or commas), normalised, no repeats."""
    origins: list[str] = []
    for raw in (text or "").replace(",", " ").split():
        try:
            origin = normalise_origin(raw)
        except InvalidInput:
            raise InvalidAccount("A site origin is written like https://lib.example.edu.cn (no path).",
                                 {"site_origins": [raw]}) from None
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise InvalidAccount(f"A member may register at most {MAX_ORIGINS} site origins.", {"site_origins": ["too many"]})
    return origins


def create_member(session: Session, actor, *, code: str, name: str, name_en: str | None = None,
                  timezone: str = "Asia/Shanghai", site_origins: str = "") -> Member:
    """A new member library (the code is permanent: it is in URLs, feeds and OAI set names)."""
    return add_member(session, code, name, name_en, parse_origins(site_origins), timezone=timezone, actor=actor)


def update_member(session: Session, actor, code: str, *, name: str, name_en: str | None = None,
                  timezone: str = "Asia/Shanghai", site_origins: str = "") -> Member:
    """Change a member's names, time zone and site origins (its code stays)."""
    member = get_member(session, code)
    if not (name or "").strip():
        raise InvalidAccount("A member needs a name.", {"name": ["required"]})
    values = {"name": name.strip()[:200], "name_en": (name_en or "").strip()[:200] or None,
              "timezone": check_timezone(timezone), "site_origins": parse_origins(site_origins)}
    changed = {key: value for key, value in values.items() if getattr(member, key) != value}
    if changed:
        with UnitOfWork(session):
            for key, value in changed.items():
                setattr(member, key, value)
            session.add(member)
            audit.record(session, actor, "member.changed", member.code, member_id=member.id, details=changed)
    return member
