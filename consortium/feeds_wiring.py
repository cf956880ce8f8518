"""Wiring of the feeds feature: feeds, guides pages, the new-arrivals page and the embed kit.

Every config key is documented here with its default (``app.config.setdefault``).
"""
from flask_babel import lazy_gettext as _l

CONFIG_DEFAULTS = {
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
    # Most entries an embedded widget, fragment or iframe may show.
    "FEEDS_EMBED_MAX_COUNT": 30,
}


def init_app(app) -> None:
    """Register the feeds blueprints, the feed cache and the menu entries."""
    from consortium.web import guides, pages, reading
    from feeds import views
    from feeds.cache import FeedCache
    from member_sites.embed import views as embed_views

    for name, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(name, value)
    app.extensions[views.CACHE] = FeedCache(app.config["FEEDS_CACHE_SIZE"], app.config["FEEDS_CACHE_SECONDS"])
    app.register_blueprint(views.bp)
    app.register_blueprint(guides.bp)
    app.register_blueprint(reading.bp)
    app.register_blueprint(embed_views.bp)
    pages.add_nav(app, "reading.new_arrivals", _l("New arrivals"))
    pages.add_nav(app, "reading.public_list", _l("Guides"))
    pages.add_nav(app, "guides.staff_list", _l("My guides"), staff=True, roles=("librarian",))
    pages.add_nav(app, "embed.builder", _l("Embed on your site"), staff=True, roles=("librarian",))
