"""Feed details readers notice: OPML folders typed, answers linked to themselves, absolute links in
content, and entries pushed together ordered with distinct ``updated`` times."""
import re
from datetime import datetime, timezone

from lxml import etree

from consortium.catalogue.service import ingest_batch
from feeds.formats import absolute_links, render
from feeds.model import Entry, Feed, Links


def test_opml_folders_have_a_type_and_answers_open_the_knowledge_base(client, members):
    """Every folder outline is type="folder"; the answers feeds' pages are /answers, not the home page."""
    root = etree.fromstring(client.get("/feeds.opml").data)
    folders = root.findall("body/outline")
    assert folders and all(f.get("type") == "folder" for f in folders)
    answers = [o for o in root.iter("outline") if "/feeds/answers.atom" in (o.get("xmlUrl") or "")]
    assert answers and all("/answers" in o.get("htmlUrl") for o in answers)
    assert answers[1].get("htmlUrl").endswith("/answers?member=A")


def test_answers_feed_links_its_page_not_the_home_page(client, members):
    """The answers feed's alternate link is the knowledge base."""
    rss = etree.fromstring(client.get("/feeds/answers.rss").data)
    assert rss.findtext("channel/link") == "http://localhost/answers"
    assert client.get("/feeds/answers.json").get_json()["home_page_url"] == "http://localhost/answers"


def _feed(content: str) -> Feed:
    now = datetime(2026, 3, 11, 2, 0, tzinfo=timezone.utc)
    entry = Entry(id="tag:x,2026:1", title="t", link="https://daodu.test/answers/1", published=now, updated=now,
                  content_html=content)
    url = "https://daodu.test/feeds/answers.rss"
    return Feed(id="tag:x,2026:feed", title="f", subtitle="s", language="zh-CN", entries=[entry], author="a",
                links=Links(self=url, first=url, alternate="https://daodu.test/answers"))


def test_rss_and_json_feed_content_carry_absolute_links():
    """A root-relative citation link becomes https://daodu.test/works/7 in every format."""
    html = '<p>见 <a href="/works/7">《围城》</a> 与 <a href="https://elsewhere.example/x">外链</a> <img src="/static/a.png"></p>'
    for fmt in ("rss", "atom", "json"):
        body = render(_feed(html), fmt).decode()
        assert "https://daodu.test/works/7" in body and "https://daodu.test/static/a.png" in body, fmt
        assert 'href=\\"/works' not in body and "href=&quot;/works" not in body and 'href="/works' not in body
    assert absolute_links('<a href="//cdn.example/x">x</a>', "https://d.test") == '<a href="//cdn.example/x">x</a>'


def test_entries_pushed_together_have_distinct_updated_times_in_feed_order(client, session, members):
    """Three records of one push: three different ``updated`` values, newest first as the feed is ordered."""
    ingest_batch(session, members["A"],
                 [{"local_id": f"x{i}", "title": f"同批新书{i}", "authors": ["某"]} for i in range(3)])
    atom = client.get("/feeds/new.atom?member=A").get_data(as_text=True)
    stamps = re.findall(r"<entry>.*?<updated>([^<]+)</updated>", atom, re.S)
    assert len(stamps) == 3 and len(set(stamps)) == 3
    assert stamps == sorted(stamps, reverse=True)
    items = client.get("/feeds/new.json?member=A").get_json()["items"]
    assert [i["date_modified"] for i in items] == [datetime.fromisoformat(s).isoformat() for s in stamps]

