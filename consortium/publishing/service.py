"""Feed documents: validate the filters, read the catalogue, build, render, cache.

``feed_document`` is the one service function the feed views call. It returns rendered
bytes with their validators; the views only add HTTP headers and answer 304s.
"""
import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from sqlalchemy import text
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.guides import published as published_guides
from consortium.guides import service as guides
from consortium.publishing import arrivals
from feeds import entries, filters, formats, paging
from feeds.conditional import strong_etag
from feeds.errors import UnknownFeed
from feeds.model import Feed
from member_sites.record.fields import FORMATS
from member_sites.record.language import normalise_language

# Plain SQL: building the ORM statement's cache key cost more than running it (every 304 asks).
NEWEST_CHANGE = text("SELECT max(id) FROM change_log")


@dataclass
class FeedContext:
    """What a feed build needs from its surroundings (request, config, ports)."""

    base_url: str  # scheme://host[:port], no trailing slash
    today: dt.date
    authority: str  # tag-URI authority, e.g. "daodu.example,2026"
    page_size: int
    default_days: int
    max_days: int
    max_page: int
    hub: str | None = None
    search_port: object = None
    answers_port: object = None
    cache: object = None


@dataclass
class FeedDocument:
    body: bytes
    etag: str
    last_modified: dt.datetime | None
    media_type: str
    self_url: str
    hub: str | None


def parse(session: Session, kind: str, args, ctx: FeedContext) -> filters.Filters:
    if kind not in filters.KINDS:
        raise UnknownFeed(f"There is no feed {kind!r}; feeds are {', '.join(filters.KINDS)}.")
    codes = set(session.exec(select(Member.code)).all())
    return filters.parse_filters(kind, args, member_codes=codes, formats=FORMATS,
                                 normalise_language=normalise_language, default_days=ctx.default_days,
                                 max_days=ctx.max_days, max_page=ctx.max_page)


def feed_document(session: Session, kind: str, fmt: str, args, ctx: FeedContext) -> FeedDocument:
    """The rendered feed ``kind`` in ``fmt`` for the query ``args`` (cached by data version).

    The cache is keyed by the raw query, so a repeat request (a 304 above all) costs one
    version query: only valid queries are ever stored, and validation needs the database.
    """
    if fmt not in filters.FORMATS_OUT:
        raise UnknownFeed(f"There is no feed format {fmt!r}; use atom, rss or json.")
    version = _version(session, kind, ctx)
    raw = args.items(multi=True) if hasattr(args, "getlist") else args.items()
    key = (kind, fmt, tuple(sorted((str(k), str(v)) for k, v in raw)), ctx.base_url, ctx.hub, ctx.page_size, version)
    if version is not None and ctx.cache is not None:
        hit = ctx.cache.get(key)
        if hit is not None:
            return hit
    wanted = parse(session, kind, args, ctx)
    document = _document(build_feed(session, wanted, ctx, fmt), fmt, ctx.hub)
    if version is not None and ctx.cache is not None:
        ctx.cache.put(key, document)
    return document


def _document(feed: Feed, fmt: str, hub: str | None) -> FeedDocument:

    body = formats.render(feed, fmt)
    last_modified = feed.updated if feed.entries else None
    return FeedDocument(body, strong_etag(body), last_modified, formats.MEDIA_TYPES[fmt], feed.links.self, hub)


def _version(session: Session, kind: str, ctx: FeedContext):
    """A value that changes whenever the feed's data may have; None: never cache."""
    if kind not in ("new", "guides"):
        return None  # answers: the port gives no cheap version; unknown kinds are refused later
    newest_change = session.execute(NEWEST_CHANGE).scalar()
    if kind == "new":
        return (newest_change, ctx.today)
    return (newest_change, ctx.today, guides.feed_version(session), ctx.search_port is not None)


def build_feed(session: Session, wanted: filters.Filters, ctx: FeedContext, fmt: str) -> Feed:
    locale = "en" if wanted.lang == "en" else "zh_CN"
    with force_locale(locale):
        items, has_next = _entries(session, wanted, ctx)
        title, alternate = _title_and_page(session, wanted, ctx)
        links = paging.page_links(ctx.base_url, f"/feeds/{wanted.kind}.{fmt}", wanted.query, wanted.page,
                                  has_next, alternate, ctx.hub)
        canonical = wanted.query(page=1)
        canonical.pop("lang", None)
        feed_key = f"feed/{wanted.kind}" + ("?" + "&".join(f"{k}={v}" for k, v in sorted(canonical.items()))
                                           if canonical else "")
        return Feed(id=entries.tag_uri(ctx.authority, feed_key), title=title, subtitle=_describe(wanted),
                    language=wanted.lang, links=links, entries=items, author=_("Daodu consortium"))


def _entries(session: Session, wanted: filters.Filters, ctx: FeedContext):
    limit, offset = ctx.page_size + 1, (wanted.page - 1) * ctx.page_size
    if wanted.kind == "new":
        query = arrivals.ArrivalQuery(member=wanted.member, clc=wanted.clc, format=wanted.format,
                                      language=wanted.language, since=filters.since_date(wanted, ctx.today),
                                      scope=wanted.scope)
        rows = arrivals.new_arrivals(session, query, limit, offset)
        held_by = _("Held by")
        made = [entries.arrival_entry(a, ctx.authority, ctx.base_url, wanted.lang, held_by)
                for a in rows[:ctx.page_size]]
    elif wanted.kind == "guides":
        rows = published_guides.published_guides(session, wanted.member, wanted.clc, limit, offset)
        made = [entries.guide_entry(published_guides.guide_view(session, g, m, ctx.search_port, ctx.today),
                                    ctx.authority, ctx.base_url, wanted.lang) for g, m in rows[:ctx.page_size]]
    else:
        rows = ctx.answers_port.published(member=wanted.member, clc=wanted.clc, limit=limit,
                                          offset=offset) if ctx.answers_port is not None else []
        made = [entries.answer_entry(a, ctx.authority, ctx.base_url) for a in rows[:ctx.page_size]]
    return made, len(rows) > ctx.page_size


def _title_and_page(session: Session, wanted: filters.Filters, ctx: FeedContext) -> tuple[str, str]:
    names = {"new": _("New arrivals"), "guides": _("New-arrival guides"), "answers": pgettext("feed name", "Answered questions")}
    if wanted.kind == "new" and wanted.scope == "consortium":
        names["new"] = _("New to the consortium")
    title = names[wanted.kind]
    if wanted.member:
        member = session.exec(select(Member).where(Member.code == wanted.member)).one()
        title += " · " + (member.name_en if wanted.lang == "en" and member.name_en else member.name)
    pages = {"new": "/new-arrivals", "guides": "/guides", "answers": "/answers"}
    alternate = ctx.base_url + pages[wanted.kind]
    if wanted.member and wanted.kind != "answers":
        alternate += f"?member={wanted.member}"
    return f"{title} · {_('Daodu')}", alternate


def _describe(wanted: filters.Filters) -> str:
    parts = []
    if wanted.clc:
        parts.append(_("CLC class %(clc)s", clc=wanted.clc))
    if wanted.format:
        parts.append(_("format %(format)s", format=wanted.format))
    if wanted.language:
        parts.append(_("language %(language)s", language=wanted.language))
    if wanted.kind == "new":
        parts.append(_("acquired in the last %(days)s days", days=wanted.days))
    return " · ".join(parts) or _("Everything published")
