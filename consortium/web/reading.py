"""Public pages of the feeds feature: new arrivals, the published guides, one guide.

Every page links its feeds (Atom, RSS, JSON Feed) and advertises them with
``<link rel="alternate">`` so browsers and feed readers find them.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request

from consortium.db import get_session
from consortium.ports import SEARCH, get_port
from consortium.services import accounts, arrivals, published_guides

bp = Blueprint("reading", __name__)


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")).date()


@bp.route("/new-arrivals")
def new_arrivals():
    """The newest arrivals (first feed page) with the filters the feeds take."""
    from feeds import filters, service
    from feeds.errors import FeedsError
    from feeds.views import feed_context

    session = get_session()
    ctx = feed_context()
    error, rows, wanted = None, [], None
    try:
        wanted = service.parse(session, "new", request.args, ctx)
    except FeedsError as exc:
        error = exc.message
    if wanted is not None:
        query = arrivals.ArrivalQuery(member=wanted.member, clc=wanted.clc, format=wanted.format,
                                      language=wanted.language, since=filters.since_date(wanted, ctx.today),
                                      scope=wanted.scope)
        rows = arrivals.new_arrivals(session, query, ctx.page_size)
    feed_query = wanted.query(page=1) if wanted is not None else {}
    return render_template("feeds/new_arrivals.html", rows=rows, error=error, wanted=wanted, feed_query=feed_query,
                           members=accounts.list_members(session)), 400 if error else 200


@bp.route("/guides")
def public_list():
    session = get_session()
    member = (request.args.get("member") or "").strip().upper() or None
    rows = published_guides.published_guides(session, member=member, limit=100)
    return render_template("feeds/guides.html", rows=rows, member=member, members=accounts.list_members(session))


@bp.route("/guides/<int:guide_id>")
def public_guide(guide_id):
    """A published guide's permalink page."""
    session = get_session()
    guide, member = published_guides.public_guide(session, guide_id)
    view = published_guides.guide_view(session, guide, member, get_port(SEARCH), _today())
    return render_template("feeds/guide.html", guide=view, member=member)
