"""The public new-arrivals page: the newest arrivals with the filters the feeds take.

The page links its feeds (Atom, RSS, JSON Feed) and advertises them with
``<link rel="alternate">`` so browsers and feed readers find them.
"""
from flask import Blueprint, render_template, request

from consortium.accounts import service as accounts
from consortium.db import get_session
from consortium.publishing import arrivals, service
from consortium.publishing.views import feed_context
from feeds import filters
from feeds.errors import FeedsError

bp = Blueprint("reading", __name__, template_folder="templates")


@bp.route("/new-arrivals")
def new_arrivals():
    """The newest arrivals (first feed page) with the filters the feeds take."""
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
    return render_template("publishing/new_arrivals.html", rows=rows, error=error, wanted=wanted,
                           feed_query=feed_query, members=accounts.list_members(session)), 400 if error else 200
