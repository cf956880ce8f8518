"""New-arrival guides: write, add picked works, publish, retract.

Works are found with the shared picker (``consortium.compose.picker``); the published guides
are read through ``consortium.guides.published``.

Permission: a librarian edits only their own member's guides; a consortium admin edits all.
``actor`` is any object with ``id``, ``member_id`` and ``is_admin`` (the web layer passes
its Flask-Login user). Every call is one unit of work.
"""
import datetime as dt

import markdown
import nh3
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates
from sqlalchemy import text
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.accounts.service import get_member
from consortium.catalogue.models import Work
from consortium.db.columns import as_aware, utcnow
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput, NotFound, PermissionDenied
from consortium.guides import states as guide_states
from consortium.guides.models import GUIDE_KINDS, Guide, GuideItem
from member_sites.record.clc import normalise_clc
from member_sites.record.fields import FORMATS
from member_sites.record.language import normalise_language

MAX_ITEMS = 200
MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger one would be a database error, not a 404


def fits_id(value: int) -> bool:
    return 0 < value <= MAX_ID


class SavedSearchSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=200))
    format = fields.String(allow_none=True, validate=validate.OneOf(FORMATS))
    language = fields.String(allow_none=True)
    clc = fields.String(allow_none=True)
    member = fields.String(allow_none=True)
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))

    @validates("language")
    def _language(self, value, **_kw):
        _check(value, normalise_language)

    @validates("clc")
    def _clc(self, value, **_kw):
        _check(value, normalise_clc)


class GuideSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    intro_md = fields.String(load_default="", validate=validate.Length(max=20000))
    clc = fields.String(allow_none=True)
    audience = fields.String(allow_none=True, validate=validate.Length(max=200))
    language = fields.String(load_default="zh", validate=validate.OneOf(("zh", "en")))
    kind = fields.String(load_default="picked", validate=validate.OneOf(GUIDE_KINDS))
    search = fields.Nested(SavedSearchSchema, load_default=dict)

    @validates("clc")
    def _clc(self, value, **_kw):
        _check(value, normalise_clc)


def _check(value, fn) -> None:
    if value:
        try:
            fn(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


_DEFAULTED = ("intro_md", "language", "kind", "search")


def _load(data: dict) -> dict:
    cleaned = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}
    # an empty introduction (language, kind) is none given: the schema's default, not a refused null
    cleaned = {k: v for k, v in cleaned.items() if not (v is None and k in _DEFAULTED)}
    if isinstance(cleaned.get("search"), dict):
        cleaned["search"] = {k: v for k, v in cleaned["search"].items()
                             if v is not None and not (isinstance(v, str) and not v.strip())}
    try:
        loaded = GuideSchema().load(cleaned)
    except ValidationError as exc:
        raise InvalidInput("The guide has errors; see the fields.", _flat(exc.messages)) from None
    if loaded.get("clc"):
        loaded["clc"] = normalise_clc(loaded["clc"])
    search = {k: v for k, v in loaded.get("search", {}).items() if v not in (None, "")}
    if search.get("clc"):
        search["clc"] = normalise_clc(search["clc"])
    if search.get("member"):
        search["member"] = search["member"].upper()
    loaded["search"] = search if loaded["kind"] == "saved_search" else {}
    return loaded


def _flat(messages: dict) -> dict:
    return {k: (v if isinstance(v, list) else [f"{kk}: {', '.join(vv)}" for kk, vv in v.items()])
            for k, v in messages.items()}


def render_intro(markdown_text: str) -> str:
    """Markdown → HTML, sanitised with nh3 (a librarian's text is still untrusted HTML)."""
    html = markdown.markdown(markdown_text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def _editable(session: Session, actor, guide_id: int) -> Guide:
    guide = session.get(Guide, guide_id) if fits_id(guide_id) else None
    if guide is None:
        raise NotFound(f"There is no guide {guide_id}.")
    if not (actor.is_admin or actor.member_id == guide.member_id):
        raise PermissionDenied("You may edit only your own member's guides.")
    return guide


def _member_for(session: Session, actor, member_code: str | None) -> Member:
    if actor.is_admin:
        if not member_code:
            raise InvalidInput("Choose the member this guide belongs to.", {"member": ["required"]})
        return get_member(session, member_code)
    if actor.member_id is None:
        raise PermissionDenied("Only staff of a member library write guides.")
    member = session.get(Member, actor.member_id)
    if member_code and member_code.upper() != member.code:
        raise PermissionDenied(f"You write guides for {member.code} only.")
    return member


def create_guide(session: Session, actor, data: dict, member_code: str | None = None) -> Guide:
    """A new draft guide of the actor's member (an admin names the member)."""
    loaded = _load(data)
    member = _member_for(session, actor, member_code)
    with UnitOfWork(session):
        guide = Guide(member_id=member.id, created_by=actor.id, intro_html=render_intro(loaded["intro_md"]),
                      **loaded)
        session.add(guide)
    return guide


def update_guide(session: Session, actor, guide_id: int, data: dict) -> Guide:
    """Edit title, introduction, subject...; a published guide stays published, its entry updated."""
    loaded = _load(data)
    with UnitOfWork(session):
        guide = _editable(session, actor, guide_id)
        for name, value in loaded.items():
            setattr(guide, name, value)
        guide.intro_html = render_intro(guide.intro_md)
        guide.updated_at = utcnow()
        session.add(guide)
    return guide


def change_state(session: Session, actor, guide_id: int, action: str, now=None) -> Guide:
    """Publish or retract; the first publication sets ``published_at`` for good. ``now``
    (default: the clock) lets the demo publish its year of guides on past days."""
    with UnitOfWork(session):
        guide = _editable(session, actor, guide_id)
        guide.state = guide_states.next_state(guide.state, action)
        now = now or utcnow()
        if guide.state == "published" and guide.published_at is None:
            guide.published_at = now
        if guide.state == "retracted":
            guide.retracted_at = now
        guide.updated_at = now
        session.add(guide)
    return guide


def _items(session: Session, guide_id: int) -> list[GuideItem]:
    return list(session.exec(select(GuideItem).where(GuideItem.guide_id == guide_id)
                             .order_by(GuideItem.position, GuideItem.id)).all())


def _touch(session: Session, guide: Guide) -> None:
    guide.updated_at = utcnow()
    session.add(guide)


def add_item(session: Session, actor, guide_id: int, work_id: int, commentary: str = "") -> GuideItem:
    """Append a picked work (a live, held work) with the librarian's commentary."""
    if len(commentary or "") > 2000:
        raise InvalidInput("A commentary is at most 2,000 characters.", {"commentary": ["too long"]})
    with UnitOfWork(session):
        guide = _editable(session, actor, guide_id)
        if guide.kind != "picked":
            raise InvalidInput("A saved-search guide fills itself; it has no picked works.", {"work_id": ["not allowed"]})
        work = session.get(Work, work_id) if fits_id(work_id) else None
        if work is None or work.merged_into_id is not None:
            raise InvalidInput(f"There is no live work {work_id}.", {"work_id": ["unknown work"]})
        items = _items(session, guide_id)
        if any(i.work_id == work_id for i in items):
            raise InvalidInput("This work is in the guide already.", {"work_id": ["duplicate"]})
        if len(items) >= MAX_ITEMS:
            raise InvalidInput(f"A guide holds at most {MAX_ITEMS} works.", {"work_id": ["too many"]})
        item = GuideItem(guide_id=guide_id, work_id=work_id, commentary=(commentary or "").strip(),
                         position=(items[-1].position + 1) if items else 1)
        session.add(item)
        _touch(session, guide)
    return item


def edit_item(session: Session, actor, guide_id: int, item_id: int, *, commentary: str | None = None,
              move: str | None = None, remove: bool = False) -> None:
    """Change an item's commentary, move it up or down one place, or remove it."""
    with UnitOfWork(session):
        guide = _editable(session, actor, guide_id)
        items = _items(session, guide_id)
        index = next((i for i, item in enumerate(items) if item.id == item_id), None)
        if index is None:
            raise NotFound(f"Guide {guide_id} has no item {item_id}.")
        if remove:
            session.delete(items.pop(index))
        elif move in ("up", "down"):
            other = index - 1 if move == "up" else index + 1
            if 0 <= other < len(items):
                items[index], items[other] = items[other], items[index]
        elif commentary is not None:
            if len(commentary) > 2000:
                raise InvalidInput("A commentary is at most 2,000 characters.", {"commentary": ["too long"]})
            items[index].commentary = commentary.strip()
        for position, item in enumerate(items, start=1):
            item.position = position
            session.add(item)
        _touch(session, guide)


def get_guide(session: Session, actor, guide_id: int) -> Guide:
    """A guide the actor may edit."""
    return _editable(session, actor, guide_id)


def staff_guides(session: Session, actor) -> list[tuple[Guide, Member]]:
    stmt = select(Guide, Member).join(Member, Member.id == Guide.member_id)
    if not actor.is_admin:
        stmt = stmt.where(Guide.member_id == actor.member_id)
    return list(session.exec(stmt.order_by(Guide.updated_at.desc(), Guide.id.desc())).all())


_GUIDES_VERSION = text("SELECT count(id), max(updated_at) FROM guide")


def feed_version(session: Session) -> tuple:
    """Changes whenever any guide or its items change (items touch their guide). Plain SQL:
    it runs on every conditional GET of the guides feed, where ORM overhead would dominate."""
    return tuple(session.execute(_GUIDES_VERSION).one())


def saved_search_params(guide: Guide, today: dt.date, per_page: int = 50) -> dict:
    """The search port parameters a saved-search guide stands for, as of ``today``."""
    search = dict(guide.search or {})
    days = int(search.pop("days", 30))
    params = {k: v for k, v in search.items() if v not in (None, "")}
    params.update({"acquired_since": today - dt.timedelta(days=days - 1), "sort": "newest",
                   "page": 1, "per_page": per_page})
    return params


def guide_dates(guide: Guide) -> tuple[dt.datetime, dt.datetime]:
    published = as_aware(guide.published_at) or as_aware(guide.created_at)
    return published, max(published, as_aware(guide.updated_at))
