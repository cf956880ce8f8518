"""HTTP for feeds: ``/feeds/<kind>.<atom|rss|json>``, ``/feeds/search.atom``, ``/feeds.opml``.

Views parse nothing themselves: they hand the query to one service function, then add the
validators (strong ETag, Last-Modified), caching, WebSub ``Link:`` headers, and answer 304
when the client's copy is current. Errors here are always JSON, whatever the Accept header.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, request
from werkzeug.http import http_date

from consortium.db import get_read_session, reads_replica
from consortium.errors import ConsortiumError
from consortium.ports import ANSWERS, SEARCH, get_port
from consortium.publishing import listing, service
from consortium.publishing.errors import InvalidEmbedOption
from consortium.web.errors import json_error_response, status_for
from feeds.conditional import not_modified
from feeds.errors import FeedsError, InvalidFilter, SearchUnavailable, UnknownFeed

bp = Blueprint("feeds", __name__)
CACHE = "feeds.cache"


def feed_context(app=None) -> service.FeedContext:
    """The feed context of the current request (base URL from the request, config, ports)."""
    app = app or current_app
    config = app.config
    zone = ZoneInfo(config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    return service.FeedContext(
        base_url=request.host_url.rstrip("/"), today=dt.datetime.now(zone).date(),
        authority=config["FEEDS_TAG_AUTHORITY"], page_size=config["FEEDS_PAGE_SIZE"],
        default_days=config["FEEDS_DEFAULT_DAYS"], max_days=config["FEEDS_MAX_DAYS"],
        max_page=config["FEEDS_MAX_PAGE"], hub=config.get("FEEDS_HUB_URL") or None,
        search_port=get_port(SEARCH, app), answers_port=get_port(ANSWERS, app),
        cache=app.extensions.get(CACHE),
    )


def document_response(document: service.FeedDocument) -> Response:
    """200 with the document, or 304 when ``If-None-Match``/``If-Modified-Since`` say current."""
    headers = {"ETag": document.etag, "X-Content-Type-Options": "nosniff",
               "Cache-Control": f"public, max-age={current_app.config['FEEDS_MAX_AGE']}"}
    if document.last_modified is not None:
        headers["Last-Modified"] = http_date(document.last_modified.astimezone(dt.timezone.utc))
    links = [f'<{document.self_url}>; rel="self"']
    if document.hub:
        links.append(f'<{document.hub}>; rel="hub"')
    headers["Link"] = ", ".join(links)
    if not_modified(document.etag, document.last_modified, request.headers.get("If-None-Match"),
                    request.headers.get("If-Modified-Since")):
        return Response(status=304, headers=headers)
    return Response(document.body, status=200, headers=headers, content_type=document.media_type)


@bp.route("/feeds/search.atom")
@reads_replica
def search_feed():
    return document_response(listing.search_feed_document(get_read_session(), request.args, feed_context()))


@bp.route("/feeds/<kind>.<fmt>")
@reads_replica
def feed(kind, fmt):
    return document_response(service.feed_document(get_read_session(), kind, fmt, request.args, feed_context()))


@bp.route("/feeds.opml")
@reads_replica
def opml():
    return document_response(listing.opml_document(get_read_session(), request.args, feed_context()))


# The feeds surface's statuses for errors the domain mapping does not know, or words otherwise:
# a bad filter or embed option is a plain 400 here (feed readers are not form validators).
FEED_STATUS = (
    (UnknownFeed, 404),
    (InvalidFilter, 400),
    (InvalidEmbedOption, 400),
    (SearchUnavailable, 503),
)


@bp.errorhandler(ConsortiumError)
@bp.errorhandler(FeedsError)
def json_error(exc):
    """Feed clients are programs: every error is the contract's JSON payload."""
    status = next((code for cls, code in FEED_STATUS if isinstance(exc, cls)), None) or status_for(exc)
    headers = {"Retry-After": "60"} if status == 503 else None
    return json_error_response(status, exc.message, exc.errors, headers)
