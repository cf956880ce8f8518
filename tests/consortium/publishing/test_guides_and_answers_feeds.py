"""/feeds/guides.*, /feeds/answers.* and /feeds.opml."""
import time
from types import SimpleNamespace

import pytest

from consortium.catalogue.service import ingest_batch
from consortium.guides import service as guides
from tests.feeds.helpers import check_json_feed, parse_feed, valid_in_every_format


def actor(member):
    return SimpleNamespace(id=None, member_id=member.id, is_admin=False)


@pytest.fixture
def published(session, members):
    """Two published guides of A (the second one newer) and a draft of B."""
    result = ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "红楼梦", "call_number": "I242.4/C1", "acquired_on": "2026-11-01"},
        {"local_id": "a2", "title": "Algorithms", "call_number": "TP301.6/C7"},
    ])
    work_ids = [w["work_id"] for w in result.works]
    me = actor(members["A"])
    first = guides.create_guide(session, me, {"title": "古典文学导读", "intro_md": "经典**重读**", "clc": "I2",
                                              "audience": "本科生"})
    guides.add_item(session, me, first.id, work_ids[0], "四大名著之首")
    guides.change_state(session, me, first.id, "publish")
    time.sleep(0.01)
    second = guides.create_guide(session, me, {"title": "Computing picks", "language": "en", "clc": "TP3"})
    guides.add_item(session, me, second.id, work_ids[1], "A classic textbook")
    guides.add_item(session, me, second.id, work_ids[0], "")
    guides.change_state(session, me, second.id, "publish")
    guides.create_guide(session, actor(members["B"]), {"title": "乙馆草稿"})
    return {"first": first, "second": second, "works": work_ids}


def test_guides_feeds_are_valid_and_list_published_guides_newest_first(client, published, backend):
    """Drafts stay out; the most recently updated guide comes first in every format."""
    feeds = valid_in_every_format(client, "/feeds/guides")
    assert [e.title for e in feeds["atom"].entries] == ["Computing picks", "古典文学导读"]
    assert [e.title for e in feeds["rss"].entries] == ["Computing picks", "古典文学导读"]
    assert [i["title"] for i in feeds["json"]["items"]] == ["Computing picks", "古典文学导读"]


def test_a_guide_entry_carries_its_introduction_and_ordered_item_list(client, published):
    """Introduction HTML, then the picked works in order with call numbers and commentary."""
    doc = check_json_feed(client.get("/feeds/guides.json?member=A").data)
    computing = doc["items"][0]
    assert computing["url"] == f"http://localhost/guides/{published['second'].id}"
    assert computing["id"] == f"tag:daodu.example,2026:guide/{published['second'].id}"
    html = computing["content_html"]
    assert html.index("Algorithms") < html.index("红楼梦") and "A classic textbook" in html
    assert [i["title"] for i in computing["_daodu"]["items"]] == ["Algorithms", "红楼梦"]
    classic = doc["items"][1]["content_html"]
    assert "<strong>重读</strong>" in classic and "四大名著之首" in classic and "I242.4/C1" in classic


def test_editing_a_published_guide_updates_its_entry_instead_of_adding_one(client, session, members, published):
    """Same id, new ``updated``, same ``published``; the feed's ETag changes."""
    before = parse_feed(client.get("/feeds/guides.atom").data)
    etag = client.get("/feeds/guides.atom").headers["ETag"]
    time.sleep(0.01)
    guides.update_guide(session, actor(members["A"]), published["first"].id,
                        {"title": "古典文学导读（修订版）", "clc": "I2"})
    after = parse_feed(client.get("/feeds/guides.atom").data)
    assert len(after.entries) == len(before.entries) == 2
    edited = after.entries[0]
    old = next(e for e in before.entries if e.id == edited.id)
    assert edited.title == "古典文学导读（修订版）"
    assert edited.updated_parsed > old.updated_parsed or edited.updated > old.updated
    assert edited.published == old.published
    assert client.get("/feeds/guides.atom", headers={"If-None-Match": etag}).status_code == 200


def test_retracted_guides_leave_the_feed(client, session, members, published):
    """Retracting removes the entry; republishing brings back the same id."""
    guides.change_state(session, actor(members["A"]), published["second"].id, "retract")
    ids = [e.id for e in parse_feed(client.get("/feeds/guides.atom").data).entries]
    assert ids == [f"tag:daodu.example,2026:guide/{published['first'].id}"]


def test_guides_feed_filters_by_member_and_clc(client, published):
    """member=B has nothing published; clc=TP keeps the computing guide only."""
    assert check_json_feed(client.get("/feeds/guides.json?member=B").data)["items"] == []
    assert [i["title"] for i in check_json_feed(client.get("/feeds/guides.json?clc=TP").data)["items"]] == [
        "Computing picks"]
    assert client.get("/feeds/guides.atom?member=nobody").status_code == 400
    assert client.get("/feeds/guides.atom?clc=*").status_code == 400


def test_answers_feeds_are_valid_and_empty_before_anything_is_published(client, members):
    """The answers port is wired but nothing is published: a valid, empty feed in every format."""
    feeds = valid_in_every_format(client, "/feeds/answers")
    assert feeds["atom"].entries == [] and feeds["json"]["items"] == []
    assert client.get("/feeds/answers.atom?member=ZZ").status_code == 400


def test_opml_lists_every_member_and_feed_kind_with_titles(client, members):
    """Whole consortium + three members, three kinds each; titles in the chosen language."""
    from defusedxml.ElementTree import fromstring

    response = client.get("/feeds.opml")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/x-opml")
    root = fromstring(response.data)
    groups = root.find("body").findall("outline")
    assert [g.get("title") for g in groups] == ["整个联盟", "甲大学图书馆", "乙大学图书馆", "丙大学图书馆"]
    urls = [o.get("xmlUrl") for g in groups for o in g.findall("outline")]
    assert len(urls) == 12 and "http://localhost/feeds/guides.atom?member=B" in urls
    assert all(o.get("title") for g in groups for o in g.findall("outline"))
    english = fromstring(client.get("/feeds.opml?lang=en").data)
    assert english.find("body").findall("outline")[1].get("title") == "University A Library"
    assert client.get("/feeds.opml", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
