"""Pure parts of the feeds package: filters, conditional GET, paging, formats, cache."""
import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds import filters
from feeds.cache import FeedCache
from feeds.conditional import not_modified, strong_etag
from feeds.errors import InvalidFilter
from feeds.formats import render
from feeds.model import Entry, Feed, Links
from feeds.paging import page_links
from member_sites.record.language import normalise_language
from tests.feeds.helpers import check_atom, check_json_feed, parse_feed

UTC = dt.timezone.utc
OPTS = dict(member_codes={"A", "B"}, formats=("book", "ebook"), normalise_language=normalise_language,
            default_days=90, max_days=366, max_page=200)


def feed_of(n: int) -> Feed:
    base = dt.datetime(2026, 11, 1, tzinfo=UTC)
    entries = [Entry(id=f"tag:t,2026:e/{i}", title=f"第{i}本", link=f"http://h/works/{i}",
                     published=base - dt.timedelta(days=i), updated=base - dt.timedelta(days=i),
                     content_html=f"<p>{i}</p>") for i in range(n)]
    return Feed(id="tag:t,2026:feed", title="新书", subtitle="s", language="zh-CN",
                links=Links(self="http://h/f.atom", alternate="http://h/", first="http://h/f.atom"), entries=entries)


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_renderers_keep_our_order_not_feedgens_prepend(fmt):
    """Entries come out in the order given (feedgen would prepend each one)."""
    body = render(feed_of(4), fmt)
    titles = [i["title"] for i in check_json_feed(body)["items"]] if fmt == "json" else [
        e.title for e in parse_feed(body).entries]
    assert titles == ["第0本", "第1本", "第2本", "第3本"]


def test_rendering_is_byte_identical_across_calls_and_never_uses_now():
    """No clock in the output: lastBuildDate and updated are the newest entry's."""
    feed = feed_of(2)
    assert render(feed, "atom") == render(feed, "atom") and render(feed, "rss") == render(feed, "rss")
    assert b"<lastBuildDate>Sun, 01 Nov 2026 00:00:00 +0000</lastBuildDate>" in render(feed, "rss")
    check_atom(render(feed, "atom"))
    empty = render(feed_of(0), "atom")
    assert b"<updated>2000-01-01T00:00:00+00:00</updated>" in empty and empty == render(feed_of(0), "atom")


def test_entries_refuse_naive_datetimes():
    """A date without a zone is a programming error, caught at construction."""
    with pytest.raises(ValueError):
        Entry(id="x:1", title="t", link="http://h", published=dt.datetime(2026, 1, 1),
              updated=dt.datetime(2026, 1, 1, tzinfo=UTC), content_html="")


def test_json_feed_carries_paging_and_extension_fields():
    """next_url when there is a next page; our data under _daodu."""
    feed = feed_of(1)
    feed.links.next = "http://h/f.json?page=2"
    feed.entries[0].extra = {"member": "A"}
    doc = json.loads(render(feed, "json"))
    assert doc["next_url"] == "http://h/f.json?page=2" and doc["items"][0]["_daodu"] == {"member": "A"}


def test_strong_etag_depends_only_on_the_bytes():
    assert strong_etag(b"x") == strong_etag(b"x") != strong_etag(b"y")
    assert strong_etag(b"x").startswith('"') and strong_etag(b"x").endswith('"')


def test_not_modified_prefers_if_none_match_over_if_modified_since():
    """A current date does not win over a stale ETag (RFC 9110 §13.2.2)."""
    modified = dt.datetime(2026, 11, 1, 12, 0, 0, 500000, tzinfo=UTC)
    tag = '"abc"'
    assert not_modified(tag, modified, '"abc"', None)
    assert not_modified(tag, modified, 'W/"abc", "zzz"', None)
    assert not_modified(tag, modified, "*", None)
    assert not not_modified(tag, modified, '"zzz"', "Sun, 01 Nov 2026 12:00:00 GMT")
    assert not_modified(tag, modified, None, "Sun, 01 Nov 2026 12:00:00 GMT")
    assert not not_modified(tag, modified, None, "Sun, 01 Nov 2026 11:59:59 GMT")
    assert not not_modified(tag, None, None, "Sun, 01 Nov 2026 12:00:00 GMT")
    assert not not_modified(tag, modified, None, "not a date")


def test_page_links_follow_rfc5005():
    """first always; previous after page 1; next only when there is more."""
    links = page_links("http://h", "/feeds/new.atom", lambda p: {"page": p} if p > 1 else {}, 2, False, "http://h/")
    assert (links.first, links.previous, links.next) == ("http://h/feeds/new.atom", "http://h/feeds/new.atom", None)
    assert links.self == "http://h/feeds/new.atom?page=2"


def test_filters_normalise_and_leave_defaults_out_of_links():
    """Member codes upper-cased, CLC upper-cased, default days and page omitted from the query."""
    wanted = filters.parse_filters("new", {"member": "a", "clc": "tp3", "language": "en"}, **OPTS)
    assert (wanted.member, wanted.clc, wanted.language, wanted.days) == ("A", "TP3", "eng", 90)
    assert wanted.query() == {"member": "A", "clc": "TP3", "language": "eng"}
    assert filters.parse_filters("new", {"days": "7", "page": "3"}, **OPTS).query() == {"days": 7, "page": 3}
    assert filters.since_date(wanted, dt.date(2026, 11, 27)) == dt.date(2026, 8, 30)


def test_guides_feeds_ignore_filters_they_do_not_have():
    """``format`` means nothing for guides and never reaches their cache key."""
    assert filters.parse_filters("guides", {"format": "scroll", "days": "x"}, **OPTS).query() == {}


@given(st.dictionaries(st.sampled_from(["member", "clc", "format", "language", "days", "scope", "page", "lang", "x"]),
                       st.text(max_size=12), max_size=6))
def test_any_query_either_parses_or_is_an_invalid_filter(args):
    """Whatever a client sends, parsing never raises anything but InvalidFilter."""
    try:
        wanted = filters.parse_filters("new", args, **OPTS)
    except InvalidFilter as exc:
        assert exc.message and exc.errors  # the feeds surface answers it as 400 (tests/feeds/test_new_arrivals_feed.py)
        return
    assert wanted.member in (None, "A", "B") and 1 <= wanted.days <= 366 and wanted.scope in filters.SCOPES
    assert filters.parse_filters("new", {k: str(v) for k, v in wanted.query().items()}, **OPTS) == wanted


def test_cache_expires_and_evicts_least_recently_used():
    """Entries live ``ttl`` seconds; beyond ``size`` the oldest goes."""
    now = [0.0]
    cache = FeedCache(size=2, ttl=10, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1
    now[0] = 11
    assert cache.get("a") is None
