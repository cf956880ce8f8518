"""What every page may ask about the viewer and the members: whose clock a page shows (the
viewer's member's time zone) and a member's name from its code (``member_label``).

Staff read times in their own member's zone; readers in their home member's (the
``home_member`` cookie the search pages set). ``consortium.i18n.local_time`` asks this once per
request through ``app.extensions[VIEWER_ZONE]``.

Both read with ``get_read_session()``: on a page served from the database replica they read
the replica too, so such a page needs nothing of the primary.
"""
from flask import g, request
from flask_login import current_user
from sqlmodel import select

from consortium.accounts.models import Member
from consortium.db import get_read_session
from consortium.i18n import VIEWER_ZONE, localized_name
from consortium.search.views import HOME_COOKIE


def member_zone(member_id: int | None = None, code: str | None = None) -> str | None:
    """The time zone of a member given by id or code (None when there is no such member)."""
    if member_id is None and not code:
        return None
    session = get_read_session()
    query = select(Member.timezone).where(Member.id == member_id if member_id is not None else Member.code == code)
    return session.exec(query).first()


def viewer_member_zone() -> str | None:
    if current_user.is_authenticated and current_user.member_id:
        return member_zone(member_id=current_user.member_id)
    code = (request.cookies.get(HOME_COOKIE) or "").strip().upper()
    return member_zone(code=code[:32]) if code else None


def member_label(code: str | None) -> str:
    """A member's name in the page language from its code; the code itself if unknown."""
    if not code:
        return ""
    if "member_names" not in g:
        g.member_names = {m.code: localized_name(m) for m in get_read_session().exec(select(Member)).all()}
    return g.member_names.get(code, code)


def init_app(app) -> None:
    app.extensions[VIEWER_ZONE] = viewer_member_zone
    app.jinja_env.globals["member_label"] = member_label
