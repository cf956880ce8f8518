"""Rendering one ``Feed`` as Atom (RFC 4287), RSS 2.0 or JSON Feed 1.1.

feedgen builds Atom and RSS behind this thin adapter; we pin every field feedgen would
otherwise fill with "now" (``updated``, ``lastBuildDate``) and append entries in our order
(feedgen prepends by default, which reverses a feed). JSON Feed is written here.

Every format is written from ``xmltext.clean_feed(feed)``: no character XML forbids, entry
HTML sanitised. RSS 2.0 has no way to say a title is text, and readers render RSS titles and
descriptions as HTML, so there they are written HTML-escaped (``<script>`` reads as text);
the entry's HTML goes in ``content:encoded``.
"""
import html
import json
import re
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.model import Feed
from feeds.xmltext import clean_feed

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
_LINK_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}


def render(feed: Feed, fmt: str) -> bytes:
    return {"atom": render_atom, "rss": render_rss, "json": render_json}[fmt](feed)


# href/src of sanitised HTML (nh3 writes attributes in double quotes) that start with one "/"
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/))')


def absolute_links(html: str, base_url: str) -> str:
    """Root-relative links of entry content made absolute: RSS and JSON Feed have no xml:base,
    and a feed reader resolves a bare "/works/1" against its own address, not ours."""
    if not html or not base_url:
        return html
    return _ROOT_RELATIVE.sub(lambda m: m.group(1) + base_url.rstrip("/") + "/", html)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _generator(feed: Feed, fmt: str):

    fg = FeedGenerator()
    fg.id(feed.id)
    fg.title(feed.title)
    fg.subtitle(feed.subtitle or feed.title)
    fg.author({"name": feed.author})
    fg.language(feed.language)
    fg.updated(feed.updated)
    fg.link(href=feed.links.self, rel="self", type=_LINK_TYPES[fmt])
    for rel in ("first", "next", "previous", "hub"):
        href = getattr(feed.links, rel)
        if href and fmt == "atom":
            fg.link(href=href, rel=rel)
    # RSS takes its <link> from the last link added: the human-readable page.
    fg.link(href=feed.links.alternate, rel="alternate", type="text/html")
    for item in feed.entries:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.guid(item.id, permalink=False)
        fe.title(html.escape(item.title, quote=False) if fmt == "rss" else item.title)
        fe.link(href=item.link, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.updated)
        fe.content(absolute_links(item.content_html, _origin(feed.links.self)), type="html")
        if item.summary:
            fe.summary(html.escape(item.summary, quote=False) if fmt == "rss" else item.summary)
        for term in item.categories:
            fe.category(term=term)
    return fg


def render_atom(feed: Feed) -> bytes:
    return _generator(clean_feed(feed), "atom").atom_str(pretty=False)


def render_rss(feed: Feed) -> bytes:
    """RSS 2.0; feedgen writes only ``atom:link rel=self``, so paging and hub links are added.

    ``_create_rss`` is the tree ``rss_str`` serialises (feedgen 1.x); adding to the tree
    saves parsing our own output again.
    """
    feed = clean_feed(feed)
    root, doc = _generator(feed, "rss")._create_rss()
    channel = root.find("channel")
    self_link = channel.find(f"{{{ATOM_NS}}}link")
    extra = [(rel, getattr(feed.links, rel)) for rel in ("first", "next", "previous", "hub")]
    for offset, (rel, href) in enumerate([(r, h) for r, h in extra if h], start=1):
        channel.insert(channel.index(self_link) + offset, etree.Element(f"{{{ATOM_NS}}}link", href=href, rel=rel))
    return etree.tostring(doc, pretty_print=False, encoding="UTF-8", xml_declaration=True)


def render_json(feed: Feed) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1); our extra fields live under ``_daodu``."""
    feed = clean_feed(feed)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.subtitle,
        "home_page_url": feed.links.alternate,
        "feed_url": feed.links.self,
        "language": feed.language,
        "authors": [{"name": feed.author}],
        "_daodu": {"id": feed.id, "updated": feed.updated.isoformat(), "first_url": feed.links.first,
                   "previous_url": feed.links.previous},
        "items": [_json_item(e, _origin(feed.links.self)) for e in feed.entries],
    }
    if feed.links.next:
        doc["next_url"] = feed.links.next
    if feed.links.hub:
        doc["hubs"] = [{"type": "WebSub", "url": feed.links.hub}]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_item(entry, origin: str = "") -> dict:
    item = {
        "id": entry.id,
        "url": entry.link,
        "title": entry.title,
        "content_html": absolute_links(entry.content_html, origin),
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
    }
    if entry.summary:
        item["summary"] = entry.summary
    if entry.authors:
        item["authors"] = [{"name": a} for a in entry.authors]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.extra:
        item["_daodu"] = entry.extra
    return item
