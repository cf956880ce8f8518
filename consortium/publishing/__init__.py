"""Publishing: what the consortium sends out to readers and member sites.

The new-arrivals page (``pages``), the feeds of new arrivals, guides and answers in Atom, RSS and
JSON Feed with OPML and search feeds (``service``, ``listing``, ``views``; built by the ``feeds``
library), the new-arrival queries (``arrivals``), and the embed kit's server side (``embed``,
``embed_builder``, ``embed_options``) that member web pages load ``widget.js`` from.
"""
from flask_babel import lazy_gettext as _l

from consortium.config import apply_defaults
from consortium.publishing import embed, embed_builder, pages, views
from consortium.publishing.embed_blueprint import bp as embed_bp
from consortium.web.nav import add_nav
from feeds.cache import FeedCache

DEFAULTS = {
    # Tag-URI authority (RFC 4151 "DNS name,date") of every feed and entry id. Set it once per
    # deployment and never change it: feed readers recognise entries by these ids.
    "FEEDS_TAG_AUTHORITY": "daodu.example,2026",
    # Entries per feed page (RFC 5005 paging links lead to the next pages).
    "FEEDS_PAGE_SIZE": 50,
    # The new-arrivals window when ``days`` is not given, and the largest ``days`` accepted.
    "FEEDS_DEFAULT_DAYS": 90,
    "FEEDS_MAX_DAYS": 366,
    # Deepest page a feed serves (a guard against crawlers walking forever).
    "FEEDS_MAX_PAGE": 200,
    # Cache-Control max-age (seconds) of feed responses.
    "FEEDS_MAX_AGE": 300,
    # WebSub hub URL; when set, feeds carry rel="hub" and a Link: header. None: no hub.
    "FEEDS_HUB_URL": None,
    # Rendered feeds kept per process, and how long one may be reused (see feeds/cache.py).
    "FEEDS_CACHE_SIZE": 512,
    "FEEDS_CACHE_SECONDS": 30,
    # Works per page of the new-arrivals page (/new-arrivals).
    "NEW_ARRIVALS_PAGE_SIZE": 20,
    # Most entries an embedded widget, fragment or iframe may show.
    "FEEDS_EMBED_MAX_COUNT": 30,
}

# the embed views and the snippet builder register their routes on ``embed_bp`` when imported
_EMBED_VIEWS = (embed, embed_builder)


def init_app(app) -> None:
    """Register the feeds, the new-arrivals page, the embed kit, the feed cache and menu entries."""
    apply_defaults(app, DEFAULTS)
    app.extensions[views.CACHE] = FeedCache(app.config["FEEDS_CACHE_SIZE"], app.config["FEEDS_CACHE_SECONDS"])
    app.register_blueprint(views.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(embed_bp)
    add_nav(app, "reading.new_arrivals", _l("New arrivals"))
    add_nav(app, "embed.builder", _l("Embed on your site"), staff=True, roles=("librarian",))
