"""Feeds built from other sources: any search as a feed (search port), and the OPML list."""
import datetime as dt
from urllib.parse import urlencode

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding
from consortium.db.columns import as_aware
from consortium.errors import InvalidInput
from consortium.publishing.arrivals import arrival_dates, new_day
from consortium.publishing.service import FeedContext, FeedDocument
from feeds import entries, filters, formats, opml
from feeds.conditional import strong_etag
from feeds.errors import InvalidFilter, SearchUnavailable
from feeds.model import EMPTY_FEED_UPDATED, Feed, Links

SEARCH_TEXT = ("q", "member", "format", "language", "clc", "sort")
SEARCH_INT = ("year_from", "year_to", "page", "per_page", "days")


def search_params(args) -> dict:
    """``/api/v1/search`` parameters (plus ``days``) typed for the search port; newest first."""
    params = {name: args[name].strip() for name in SEARCH_TEXT if args.get(name, "").strip()}
    for name in SEARCH_INT:
        if args.get(name, "").strip():
            try:
                params[name] = int(args[name])
            except ValueError:
                raise InvalidFilter(f"{name} must be a whole number.", {name: ["not a number"]}) from None
    if args.get("available", "").strip():
        params["available"] = args["available"].strip().lower() in ("1", "true", "yes", "on")
    params.setdefault("sort", "newest")
    params.setdefault("page", 1)
    return params


def search_feed_document(session: Session, args, ctx: FeedContext) -> FeedDocument:
    """``/feeds/search.atom``: a reader search as an Atom feed, through the search port."""
    if ctx.search_port is None:
        raise SearchUnavailable("Search is not available at the moment, so there is no search feed.")
    lang = filters.FEED_LANGUAGES.get((args.get("lang") or "zh-CN").lower())
    if lang is None:
        raise InvalidFilter("lang must be zh-CN or en.", {"lang": ["unknown language"]})
    params = search_params(args)
    query = dict(params)
    days = query.pop("days", None)
    if days is not None:
        if not 1 <= days <= ctx.max_days:
            raise InvalidFilter(f"days must be between 1 and {ctx.max_days}.", {"days": ["out of range"]})
        query["acquired_since"] = ctx.today - dt.timedelta(days=days - 1)
    query.setdefault("per_page", ctx.page_size)
    try:
        answer = ctx.search_port.search(query)
    except InvalidInput as exc:
        raise InvalidFilter(exc.message, exc.errors) from None
    with force_locale("en" if lang == "en" else "zh_CN"):
        feed = _search_feed(session, params, answer, lang, ctx)
    body = formats.render_atom(feed)
    return FeedDocument(body, strong_etag(body), feed.updated if feed.entries else None,
                        formats.MEDIA_TYPES["atom"], feed.links.self, ctx.hub)


def _search_feed(session, params, answer, lang, ctx) -> Feed:
    results = answer.get("results") or []
    dates = _newest_dates(session, [r["id"] for r in results])
    made = [entries.search_entry(r, dates.get(r["id"], (EMPTY_FEED_UPDATED, EMPTY_FEED_UPDATED)),
                                 ctx.authority, ctx.base_url, lang) for r in results]
    page, per_page, total = answer.get("page", 1), answer.get("per_page", len(results)), answer.get("total", 0)

    def url(p):
        q = {k: v for k, v in params.items() if not (k == "page" or (k == "sort" and v == "newest"))}
        if lang != "zh-CN":
            q["lang"] = lang
        if p > 1:
            q["page"] = p
        return f"{ctx.base_url}/feeds/search.atom" + (f"?{urlencode(q)}" if q else "")

    links = Links(self=url(page), alternate=url(page).replace("/feeds/search.atom", "/search", 1), first=url(1),
                  next=url(page + 1) if page * per_page < total else None,
                  previous=url(page - 1) if page > 1 else None, hub=ctx.hub)
    phrase = params.get("q") or _("everything")
    return Feed(id=entries.tag_uri(ctx.authority, "feed/search?" + urlencode(sorted(
                    (k, v) for k, v in params.items() if k != "page"))),
                title=f"{_('Search')}: {phrase} · {_('Daodu')}", subtitle=_("Search results, newest acquisition first"),
                language=lang, links=links, entries=made, author=_("Daodu consortium"))


def _newest_dates(session, work_ids: list[int]) -> dict:
    """(published, updated) of each work's newest holding, from the database."""
    if not work_ids:
        return {}
    rows = session.exec(select(Holding, Member).join(Member, Member.id == Holding.member_id)
                        .where(Holding.work_id.in_(work_ids))).all()
    newest = {}
    for holding, member in rows:
        key = (new_day(holding), as_aware(holding.first_seen_at))
        if holding.work_id not in newest or key > newest[holding.work_id][0]:
            newest[holding.work_id] = (key, arrival_dates(holding, member.timezone))
    return {work_id: value[1] for work_id, value in newest.items()}


def opml_document(session: Session, args, ctx: FeedContext) -> FeedDocument:
    """``/feeds.opml``: every member × feed kind (Atom), plus the consortium-wide feeds."""
    lang = filters.FEED_LANGUAGES.get((args.get("lang") or "zh-CN").lower())
    if lang is None:
        raise InvalidFilter("lang must be zh-CN or en.", {"lang": ["unknown language"]})
    members = list(session.exec(select(Member).order_by(Member.code)).all())
    suffix = "&lang=en" if lang == "en" else ""
    with force_locale("en" if lang == "en" else "zh_CN"):
        kinds = [("new", _("New arrivals"), "/new-arrivals"), ("guides", _("New-arrival guides"), "/guides"),
                 ("answers", pgettext("feed name", "Answered questions"), "/answers")]
        groups = [(_("Whole consortium"), _outlines(ctx, kinds, None, suffix, _("Whole consortium")))]
        for m in members:
            name = m.name_en if lang == "en" and m.name_en else m.name
            groups.append((name, _outlines(ctx, kinds, m.code, suffix, name)))
        created = max((as_aware(m.created_at) for m in members), default=EMPTY_FEED_UPDATED)
        body = opml.render_opml(_("Daodu feeds"), groups, created)
    return FeedDocument(body, strong_etag(body), None, "text/x-opml; charset=utf-8",
                        f"{ctx.base_url}/feeds.opml", None)


def _outlines(ctx, kinds, code, suffix, owner) -> list[dict]:
    query = f"?member={code}{suffix}" if code else ("?" + suffix[1:] if suffix else "")
    page_query = f"?member={code}" if code else ""
    return [{"title": f"{label} · {owner}", "xml_url": f"{ctx.base_url}/feeds/{kind}.atom{query}",
             "html_url": ctx.base_url + page + page_query} for kind, label, page in kinds]
