"""HTTP of the embed kit.

``/embed/feed.json`` and ``/embed/fragment`` answer browsers only for a page whose Origin is
one of the member's registered site origins (CORS allows exactly that origin); a request
without an Origin (server-side include, same-site page) is served without CORS headers.
A foreign origin gets 403 and no CORS headers, so its scripts cannot read anything: we are
never an open proxy. ``/embed/frame`` may be framed only by the member's origins.
"""
import json
from importlib.resources import files

from flask import Response, current_app, render_template, request
from flask_babel import force_locale

from consortium.accounts.origins import origin_allowed
from consortium.accounts.service import get_member
from consortium.db import get_read_session, reads_replica
from consortium.errors import ConsortiumError
from consortium.publishing import service
from consortium.publishing.embed_blueprint import bp
from consortium.publishing.embed_options import embed_options
from consortium.publishing.errors import ForeignOrigin
from consortium.publishing.views import document_response, feed_context, json_error
from feeds.errors import FeedsError

# The widget script is member_sites' client side; the consortium serves it from that package.
WIDGET = files("member_sites") / "static" / "embed" / "widget.js"
_SCRIPTS: dict[str, bytes] = {}


def _member_for_embed():
    """The member named by ``member``, checked against the request's Origin."""
    options = embed_options(request.args, current_app.config["FEEDS_EMBED_MAX_COUNT"])
    member = get_member(get_read_session(), options.member)
    origin = request.headers.get("Origin")
    if origin and not origin_allowed(member, origin) and origin != request.host_url.rstrip("/"):
        raise ForeignOrigin(f"{origin} is not a registered site of member {member.code}: a librarian of "
                            f"{member.code} adds it under 'Embed on your site' ({request.host_url}embed/builder).",
                            {"origin": [origin], "member": [member.code],
                             "register_at": [f"{request.host_url}embed/builder"]})
    return member, options, origin


def _cors(response: Response, origin: str | None) -> Response:
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    return response


def _feed(options):

    ctx = feed_context()
    ctx.page_size = options.count
    return service.feed_document(get_read_session(), options.kind, "json", options.feed_args(), ctx)


@bp.route("/widget.js")
def widget():
    """The custom element script (read once per process; ETag for revalidation)."""
    if "widget.js" not in _SCRIPTS:
        _SCRIPTS["widget.js"] = WIDGET.read_bytes()
    response = Response(_SCRIPTS["widget.js"], content_type="text/javascript; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/feed.json")
@reads_replica
def feed_json():
    """The member's JSON Feed for widgets (CORS for its registered origins only)."""
    member, options, origin = _member_for_embed()
    return _cors(document_response(_feed(options)), origin)


@bp.route("/fragment")
@reads_replica
def fragment():
    """The list as an HTML fragment, for sites that include HTML server-side."""
    member, options, origin = _member_for_embed()
    response = Response(_render_list("embed/fragment.html", member, options), content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['FEEDS_MAX_AGE']}"
    return _cors(response, origin)


@bp.route("/frame")
@reads_replica
def frame():
    """A whole page for an ``<iframe>``; it reports its height to the parent by postMessage."""
    member, options, _origin = _member_for_embed()
    response = Response(_render_list("embed/frame.html", member, options), content_type="text/html; charset=utf-8")
    ancestors = " ".join(["'self'"] + list(member.site_origins or []))
    response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    return response


def _render_list(template: str, member, options) -> str:
    feed = json.loads(_feed(options).body)
    with force_locale("en" if options.lang == "en" else "zh_CN"):
        return render_template(template, feed=feed, member=member, options=options)


@bp.errorhandler(ConsortiumError)
@bp.errorhandler(FeedsError)
def _json_error(exc):
    """Embeds are read by scripts: errors are the contract's JSON payload (never HTML)."""
    response = json_error(exc)
    response.headers["Vary"] = "Origin"
    if isinstance(exc, ForeignOrigin):
        # The refused page may read why (the error alone, no member data), so the widget can
        # tell the site how to register its origin instead of "could not be loaded".
        _cors(response, request.headers.get("Origin"))
    return response
