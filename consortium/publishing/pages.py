"""The public new-arrivals page: works new at member libraries, grouped by work with every new
holder, paged, filtered by member, CLC class and format (and the window and scope the feeds take).

The page links its feeds (Atom, RSS, JSON Feed; those stay one entry per holding) and
advertises them with ``<link rel="alternate">`` so browsers and feed readers find them.
"""
from flask import Blueprint, current_app, render_template, request

from consortium.accounts import service as accounts
from consortium.db import get_read_session, reads_replica
from consortium.publishing import arrivals, service
from consortium.publishing.service import FORMATS
from consortium.publishing.views import feed_context
from feeds import filters
from feeds.errors import FeedsError

bp = Blueprint("reading", __name__, template_folder="templates")


def arrival_query(wanted, today) -> arrivals.ArrivalQuery:
    """The database query for parsed feed filters."""
    return arrivals.ArrivalQuery(member=wanted.member, clc=wanted.clc, format=wanted.format, language=wanted.language,
                                 since=filters.since_date(wanted, today), scope=wanted.scope)


@bp.route("/new-arrivals")
@reads_replica
def new_arrivals():
    """One page of new works with their new holders, with the filters the feeds take."""
    session = get_read_session()
    ctx = feed_context()
    per_page = current_app.config["NEW_ARRIVALS_PAGE_SIZE"]
    error, works, wanted = None, [], None
    try:
        wanted = service.parse(session, "new", request.args, ctx)
    except FeedsError as exc:
        error = {"message": exc.message, "fields": sorted(getattr(exc, "errors", None) or {})}
    if wanted is not None:
        works = arrivals.grouped_arrivals(session, arrival_query(wanted, ctx.today), per_page + 1,
                                          (wanted.page - 1) * per_page)
    has_next = len(works) > per_page
    feed_query = wanted.query(page=1) if wanted is not None else {}
    return render_template("publishing/new_arrivals.html", works=works[:per_page], error=error, wanted=wanted,
                           has_next=has_next, feed_query=feed_query, formats=FORMATS,
                           members=accounts.list_members(session)), 400 if error else 200
