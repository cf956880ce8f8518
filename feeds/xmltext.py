"""Feed text made safe to write, whatever the database holds. Pure.

- ``clean``: characters XML 1.0 forbids (NUL and the other C0 controls, U+FFFE/U+FFFF, lone
  surrogates) removed. lxml (under feedgen) refuses to write them, so one such character in
  one record used to fail every feed page holding it; JSON Feed loses them too (a lone
  surrogate cannot be encoded as UTF-8).
- ``sanitise_html``: entry HTML through nh3 (scripts, event handlers, ``javascript:`` links
  and styles gone), so content is safe in every format even if a stored value is not.
- ``clean_feed``: a copy of a ``Feed`` with both applied to every entry. Atom requires a
  title, so a title left empty by cleaning becomes ``UNTITLED`` (an entry) or the feed's id.
"""
import dataclasses
import re

import nh3

from feeds.model import Entry, Feed

UNTITLED = "…"
_FORBIDDEN = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)


def clean_value(value):
    """Strings cleaned in any nesting of dicts, lists and tuples; other values as they are."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_value(v) for v in value)
    return value


def sanitise_html(html: str) -> str:
    """Entry HTML with anything active removed (nh3's default allow-list)."""
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")


def _clean_entry(entry: Entry) -> Entry:
    changes = {f.name: clean_value(getattr(entry, f.name)) for f in dataclasses.fields(entry)
               if f.name not in ("published", "updated")}
    changes["content_html"] = sanitise_html(changes["content_html"])
    changes["title"] = changes["title"].strip() and changes["title"] or UNTITLED
    return dataclasses.replace(entry, **changes)


def clean_feed(feed: Feed) -> Feed:
    """The feed as it may be written in any format."""
    links = dataclasses.replace(feed.links, **{f.name: clean_value(getattr(feed.links, f.name))
                                               for f in dataclasses.fields(feed.links)})
    title = clean(feed.title)
    return dataclasses.replace(feed, id=clean(feed.id), title=title if title.strip() else clean(feed.id),
                               subtitle=clean(feed.subtitle),
                               language=clean(feed.language), author=clean(feed.author), links=links,
                               entries=[_clean_entry(e) for e in feed.entries])
