"""Property tests of the pure pieces of the hardening: the record's text rule, the feed
writers, the redirect rule and the JSON bounds, over arbitrary text (control characters and
lone surrogates included)."""
import datetime as dt
import json
import re

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from werkzeug.urls import urlsplit

from consortium.web.jsonbody import JSONBodyError, bounded_loads
from consortium.web.redirects import safe_next
from feeds.formats import render
from feeds.model import Entry, Feed, Links
from member_sites.record.xmlchars import first_forbidden, strip_forbidden

ANY_TEXT = st.text(alphabet=st.characters(codec=None), max_size=40)  # surrogates and controls too
XML_ALLOWED = re.compile("^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")


@given(ANY_TEXT)
def test_stripping_leaves_only_what_xml_allows_and_is_idempotent(text):
    cleaned = strip_forbidden(text)
    assert XML_ALLOWED.match(cleaned) and first_forbidden(cleaned) is None
    assert strip_forbidden(cleaned) == cleaned
    assert (cleaned == text) == (first_forbidden(text) is None)


@given(title=ANY_TEXT, summary=ANY_TEXT, content=ANY_TEXT, author=ANY_TEXT, fmt=st.sampled_from(["atom", "rss", "json"]))
def test_a_feed_of_any_text_is_written_and_parses(title, summary, content, author, fmt):
    """Whatever the text, every format is written, parses, and carries no script element."""
    when = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    entry = Entry(id="tag:t,2026:e/1", title=title or "x", link="http://h/works/1", published=when, updated=when,
                  content_html=f"<p>{content}</p><script>alert(1)</script>", summary=summary, authors=[author],
                  extra={"member": author})
    feed = Feed(id="tag:t,2026:feed", title=title, subtitle=summary, language="zh-CN",
                links=Links(self="http://h/f", alternate="http://h/", first="http://h/f"), entries=[entry])
    body = render(feed, fmt)
    if fmt == "json":
        item = json.loads(body)["items"][0]
        assert "<script" not in item["content_html"]
    else:
        root = etree.fromstring(body)
        assert not root.xpath("//*[local-name()='script']")


@given(ANY_TEXT)
def test_a_redirect_target_is_a_same_site_path_or_nothing(text):
    """Kept targets start with one "/", carry nothing browsers drop, and have no scheme or host,
    even after a browser removes tabs and newlines."""
    target = safe_next("/" + text) if not text.startswith("/") else safe_next(text)
    if target is None:
        return
    as_browser_reads = re.sub(r"[\t\n\r]", "", target).strip("\x00 ").replace("\\", "/")
    parts = urlsplit(as_browser_reads)
    assert as_browser_reads.startswith("/") and not as_browser_reads.startswith("//")
    assert not parts.scheme and not parts.netloc


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
                    max_leaves=30))
def test_bounded_json_reads_what_json_writes_within_the_depth(value):
    text = json.dumps(value)

    def depth(v):
        if isinstance(v, dict):
            return 1 + max((depth(c) for c in v.values()), default=0)
        if isinstance(v, list):
            return 1 + max((depth(c) for c in v), default=0)
        return 0

    for limit in (1, 3, 20):
        if depth(value) <= limit:
            assert bounded_loads(text, limit) == value
        else:
            try:
                bounded_loads(text, limit)
            except JSONBodyError:
                continue
            raise AssertionError(f"depth {depth(value)} passed limit {limit}")
