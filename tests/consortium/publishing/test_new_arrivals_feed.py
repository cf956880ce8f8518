"""/feeds/new.*: order, ids, dates, links, filters, paging, conditional GET, re-push stability."""
import datetime as dt

import pytest

from consortium.catalogue.service import ingest_batch
from tests.feeds.helpers import check_atom, check_json_feed, parse_feed, valid_in_every_format

TODAY = dt.date.today()


def day(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def record(local_id, title, days_ago=None, **extra):
    rec = {"local_id": local_id, "title": title, "authors": ["作者"], "call_number": f"CN/{local_id}", **extra}
    if days_ago is not None:
        rec["acquired_on"] = day(days_ago)
    return rec


@pytest.fixture
def catalogue(session, members):
    """A: three books (one a month old), B: one shared with A plus one of its own."""
    ingest_batch(session, members["A"], [
        record("a1", "红楼梦", 2, isbns=["9787020002207"], clc="I242.4", language="zh"),
        record("a2", "Algorithms", 5, isbns=["9780262033848"], clc="TP301.6", language="en", format="book"),
        record("a3", "史记", 30, clc="K204.2", language="zh"),
    ])
    ingest_batch(session, members["B"], [
        record("b1", "红楼梦", 1, isbns=["9787020002207"], clc="I242.4", language="zh"),
        record("b2", "数据库系统", 10, clc="TP311.13", language="zh", format="ebook"),
    ])
    return members


def test_new_arrivals_feeds_are_valid_in_every_format(client, catalogue, backend):
    """Atom passes the RFC 4287 schema and every format parses without bozo."""
    feeds = valid_in_every_format(client, "/feeds/new")
    assert len(feeds["atom"].entries) == 5 and len(feeds["rss"].entries) == 5 and len(feeds["json"]["items"]) == 5


def test_entries_come_newest_acquisition_first_in_every_format(client, catalogue):
    """Acquisition dates decide the order (feedgen's prepend default would reverse it)."""
    feeds = valid_in_every_format(client, "/feeds/new")
    expected = ["红楼梦", "红楼梦", "Algorithms", "数据库系统", "史记"]
    assert [e.title for e in feeds["atom"].entries] == expected
    assert [e.title for e in feeds["rss"].entries] == expected
    assert [i["title"] for i in feeds["json"]["items"]] == expected
    days = [i["_daodu"]["new_on"] for i in feeds["json"]["items"]]
    assert days == sorted(days, reverse=True) and days[0] == day(1)


def test_entry_ids_are_stable_tag_uris_shared_by_formats_and_member_views(client, catalogue):
    """The same holding has one id in Atom, RSS and JSON, and in the all-members and member feeds."""
    feeds = valid_in_every_format(client, "/feeds/new")
    atom_ids = [e.id for e in feeds["atom"].entries]
    assert all(i.startswith("tag:daodu.example,2026:holding/") for i in atom_ids)
    assert atom_ids == [e.id for e in feeds["rss"].entries] == [i["id"] for i in feeds["json"]["items"]]
    member_ids = [e.id for e in parse_feed(client.get("/feeds/new.atom?member=B").data).entries]
    assert set(member_ids) <= set(atom_ids) and len(member_ids) == 2
    assert atom_ids == [e.id for e in parse_feed(client.get("/feeds/new.atom").data).entries]


def test_dates_are_timezone_aware_and_feed_updated_is_the_newest_entry(client, catalogue):
    """``updated`` of the feed is its newest entry's, never the time of the request."""
    root = check_atom(client.get("/feeds/new.atom").data)
    ns = "{http://www.w3.org/2005/Atom}"
    entry_updated = [dt.datetime.fromisoformat(e.findtext(f"{ns}updated")) for e in root.findall(f"{ns}entry")]
    published = [dt.datetime.fromisoformat(e.findtext(f"{ns}published")) for e in root.findall(f"{ns}entry")]
    assert all(d.tzinfo is not None for d in entry_updated + published)
    assert dt.datetime.fromisoformat(root.findtext(f"{ns}updated")) == max(entry_updated)
    # an acquisition day is midnight where the member is (Asia/Shanghai, UTC+8)
    assert published[0] == dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(0),
                                               dt.timezone(dt.timedelta(hours=8)))


def test_entries_link_to_the_record_page_and_carry_member_and_call_number(client, catalogue):
    """Each entry links /works/<id> and names its holding member and call number."""
    doc = check_json_feed(client.get("/feeds/new.json?member=B").data)
    first = doc["items"][0]
    assert first["url"].startswith("http://localhost/works/")
    assert first["_daodu"]["member"] == "B" and first["_daodu"]["call_number"] == "CN/b1"
    assert "乙大学图书馆" in first["content_html"] and "CN/b1" in first["content_html"]
    atom = parse_feed(client.get("/feeds/new.atom?member=B").data)
    assert atom.entries[0].link == first["url"]


def test_feeds_declare_language_self_link_and_rss_atom_self(client, catalogue):
    """xml:lang per feed, rel=self in Atom and RSS (atom:link), feed_url in JSON."""
    atom = client.get("/feeds/new.atom?member=A&lang=en")
    assert b'xml:lang="en"' in atom.data and b"New arrivals" in atom.data
    assert b'xml:lang="zh-CN"' in client.get("/feeds/new.atom").data
    rss = parse_feed(client.get("/feeds/new.rss?member=A").data)
    assert rss.feed.language == "zh-CN"
    assert {"rel": "self", "href": "http://localhost/feeds/new.rss?member=A", "type": "application/rss+xml"} in rss.feed.links, rss.feed.links
    assert atom.headers["Link"] == '<http://localhost/feeds/new.atom?member=A&lang=en>; rel="self"'


def test_scope_consortium_lists_each_work_once_dated_by_its_first_holding(client, catalogue):
    """红楼梦 is new to the consortium when A got it (2 days ago), not when B did."""
    doc = check_json_feed(client.get("/feeds/new.json?scope=consortium").data)
    titles = [i["title"] for i in doc["items"]]
    assert titles == ["红楼梦", "Algorithms", "数据库系统", "史记"]
    assert doc["items"][0]["_daodu"]["member"] == "A" and doc["items"][0]["id"].endswith(":work/" + str(
        doc["items"][0]["_daodu"]["work_id"]))
    only_b = check_json_feed(client.get("/feeds/new.json?scope=consortium&member=B").data)
    assert [i["title"] for i in only_b["items"]] == ["红楼梦", "数据库系统"]


@pytest.mark.parametrize("query,titles", [
    ("clc=TP3", ["Algorithms", "数据库系统"]),
    ("clc=i", ["红楼梦", "红楼梦"]),
    ("format=ebook", ["数据库系统"]),
    ("language=en", ["Algorithms"]),
    ("language=chi&member=A", ["红楼梦", "史记"]),
    ("days=7", ["红楼梦", "红楼梦", "Algorithms"]),
])
def test_filters_narrow_the_feed(client, catalogue, query, titles):
    """CLC prefix, format, language (ISO 639-1 or -2), days and member filters combine."""
    doc = check_json_feed(client.get(f"/feeds/new.json?{query}").data)
    assert [i["title"] for i in doc["items"]] == titles


@pytest.mark.parametrize("query,field", [
    ("member=ZZZ", "member"), ("format=scroll", "format"), ("clc=M12", "clc"), ("clc=%25%25", "clc"),
    ("language=xx", "language"), ("days=0", "days"), ("days=abc", "days"), ("scope=world", "scope"),
    ("page=0", "page"), ("lang=fr", "lang"),
])
def test_unknown_filter_values_are_a_400_json_error_with_a_message(client, catalogue, query, field):
    """Never a 500 and never an HTML page: the contract's JSON payload names the field."""
    response = client.get(f"/feeds/new.atom?{query}")
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["code"] == 400 and body["message"] and field in body["errors"]


def test_a_filter_matching_nothing_is_a_valid_empty_feed(client, catalogue):
    """An empty feed is still valid, with a fixed ``updated`` so its ETag is stable."""
    feeds = valid_in_every_format(client, "/feeds/new?member=C")
    assert feeds["atom"].entries == [] and feeds["json"]["items"] == []
    first = client.get("/feeds/new.atom?member=C")
    assert first.headers["ETag"] == client.get("/feeds/new.atom?member=C").headers["ETag"]
    assert "Last-Modified" not in first.headers


def test_unknown_feed_kind_or_format_is_a_404_json_error(client, catalogue):
    """/feeds/old.atom and /feeds/new.xml name what exists."""
    for path in ("/feeds/old.atom", "/feeds/new.xml"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["code"] == 404


def test_paging_follows_rfc5005_first_next_previous(app, client, catalogue):
    """Two entries per page: page 2 links first, previous and next; the last page has no next."""
    app.config["FEEDS_PAGE_SIZE"] = 2
    pages = [parse_feed(client.get(f"/feeds/new.atom?page={p}").data) for p in (1, 2, 3)]
    rels = [{link.rel: link.href for link in page.feed.links} for page in pages]
    assert rels[0]["next"].endswith("/feeds/new.atom?page=2") and "previous" not in rels[0]
    assert rels[1]["first"].endswith("/feeds/new.atom") and rels[1]["previous"].endswith("/feeds/new.atom")
    assert rels[1]["next"].endswith("page=3") and "next" not in rels[2]
    ids = [e.id for page in pages for e in page.entries]
    assert len(ids) == 5 == len(set(ids))
    rss = client.get("/feeds/new.rss?page=2").data
    assert b'rel="next"' in rss and b'rel="previous"' in rss and b'rel="first"' in rss
    assert check_json_feed(client.get("/feeds/new.json").data)["next_url"].endswith("/feeds/new.json?page=2")


def test_conditional_get_answers_304_on_etag_and_on_last_modified(client, catalogue, backend):
    """A strong ETag and Last-Modified; either validator, when current, gives an empty 304."""
    first = client.get("/feeds/new.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get("/feeds/new.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/feeds/new.atom", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/feeds/new.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/feeds/new.atom", headers={"If-Modified-Since": old}).status_code == 200


def test_repushing_last_months_records_leaves_the_feed_unchanged(app, client, keys, catalogue, backend):
    """Re-pushing the same records through the push API changes neither bytes nor ETag."""
    app.extensions["feeds.cache"].clear()
    before = client.get("/feeds/new.atom")
    records = [record("a1", "红楼梦", 2, isbns=["9787020002207"], clc="I242.4", language="zh"),
               record("a3", "史记", 30, clc="K204.2", language="zh")]
    pushed = client.post("/api/v1/members/A/records", json={"records": records},
                         headers={"Authorization": f"Bearer {keys['A']}"})
    assert pushed.status_code == 200 and pushed.get_json()["unchanged"] == 2
    app.extensions["feeds.cache"].clear()  # the bytes are rebuilt, not served from the cache
    after = client.get("/feeds/new.atom")
    assert after.headers["ETag"] == before.headers["ETag"] and after.data == before.data
    assert client.get("/feeds/new.atom", headers={"If-None-Match": before.headers["ETag"]}).status_code == 304


def test_recataloguing_a_record_never_makes_it_new_again(client, keys, catalogue):
    """A changed re-push (new call number) keeps the holding's place and id in the feed."""
    before = check_json_feed(client.get("/feeds/new.json?member=A").data)
    changed = record("a3", "史记", 30, clc="K204.2", language="zh")
    changed["call_number"] = "K204.2/S1"
    client.post("/api/v1/members/A/records", json={"records": [changed]},
                headers={"Authorization": f"Bearer {keys['A']}"})
    after = check_json_feed(client.get("/feeds/new.json?member=A").data)
    assert [i["id"] for i in after["items"]] == [i["id"] for i in before["items"]]
    assert after["items"][-1]["_daodu"]["call_number"] == "K204.2/S1"
    assert after["items"][-1]["date_published"] == before["items"][-1]["date_published"]


def test_without_acquisition_date_the_first_push_is_the_new_date(client, session, members):
    """A record without ``acquired_on`` is new from the moment the consortium first saw it."""
    ingest_batch(session, members["C"], [record("c1", "论语")])
    doc = check_json_feed(client.get("/feeds/new.json?member=C").data)
    published = dt.datetime.fromisoformat(doc["items"][0]["date_published"])
    assert abs(published - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)


def test_merged_away_and_withdrawn_works_are_not_in_feeds(client, session, keys, catalogue):
    """A withdrawn holding leaves the feed; only live works appear."""
    client.delete("/api/v1/members/B/records/b2", headers={"Authorization": f"Bearer {keys['B']}"})
    titles = [i["title"] for i in check_json_feed(client.get("/feeds/new.json").data)["items"]]
    assert "数据库系统" not in titles and len(titles) == 4


def test_websub_hub_is_advertised_in_the_feed_and_link_header_when_configured(app, client, catalogue):
    """FEEDS_HUB_URL adds rel=hub to Atom, RSS, JSON (hubs) and the Link header."""
    app.config["FEEDS_HUB_URL"] = "https://hub.example.org/"
    response = client.get("/feeds/new.atom")
    assert '<https://hub.example.org/>; rel="hub"' in response.headers["Link"]
    assert any(link.rel == "hub" for link in parse_feed(response.data).feed.links)
    assert b'rel="hub"' in client.get("/feeds/new.rss").data
    assert check_json_feed(client.get("/feeds/new.json").data)["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example.org/"}]
