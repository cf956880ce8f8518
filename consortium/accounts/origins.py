"""Members' registered web-site origins: the only pages allowed to read embeds by CORS or
frame them. A librarian manages their own member's origins; an admin manages all."""
from urllib.parse import urlsplit

from sqlmodel import Session

from consortium.accounts.models import Member
from consortium.accounts.service import get_member
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput, PermissionDenied

MAX_ORIGINS = 20


def normalise_origin(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, lower-case, default ports dropped. Pure."""
    text = (url or "").strip()
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1 or parts.username \
            or parts.password or (parts.path not in ("", "/")) or parts.query or parts.fragment:
        raise InvalidInput(f"{url!r} is not a web-site origin such as https://lib.example.edu.cn.",
                           {"origin": ["not an http(s) origin"]})
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def origin_allowed(member: Member, origin: str | None) -> bool:
    """Whether a browser page of ``origin`` may read this member's embeds."""
    if not origin:
        return False
    try:
        return normalise_origin(origin) in (member.site_origins or [])
    except InvalidInput:
        return False


def _managed(session: Session, actor, code: str) -> Member:
    member = get_member(session, code)
    if actor is not None and not (actor.is_admin or actor.member_id == member.id):
        raise PermissionDenied(f"You manage the site origins of your own member only, not {member.code}.")
    return member


def change_origins(session: Session, actor, code: str, add: list[str] = (), remove: list[str] = ()) -> list[str]:
    """Add and remove origins of member ``code``; ``actor`` None is the command line (trusted)."""
    member = _managed(session, actor, code)
    with UnitOfWork(session):
        origins = list(member.site_origins or [])
        for url in remove:
            origin = normalise_origin(url)
            origins = [o for o in origins if o != origin]
        for url in add:
            origin = normalise_origin(url)
            if origin not in origins:
                origins.append(origin)
        if len(origins) > MAX_ORIGINS:
            raise InvalidInput(f"A member may register at most {MAX_ORIGINS} site origins.", {"origin": ["too many"]})
        member.site_origins = origins  # a new list, so the JSON column is seen as changed
        session.add(member)
    return origins
