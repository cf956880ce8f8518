"""Search-built feeds: /feeds/search.atom and saved-search guides.

Without a search port (a deployment without search) they answer clearly: 503 JSON for the
feed, "search is not available" on guide pages and entries. The ``needs_search`` tests run
against the real search port that create_app wires in.
"""
import datetime as dt
from types import SimpleNamespace

import pytest

from consortium.catalogue.service import ingest_batch
from consortium.guides import service as guides
from consortium.ports import SEARCH
from tests.feeds.helpers import check_atom, check_json_feed, parse_feed


def actor(member):
    return SimpleNamespace(id=None, member_id=member.id, is_admin=False)


@pytest.fixture
def search_app(app):
    """The app with its real search port (create_app wires search_index in)."""
    assert app.extensions.get(SEARCH) is not None, "create_app must wire the search port"
    return app


def index_now(app):
    """Run the registered indexer job once, so the index holds what was just pushed."""
    from consortium.jobs import get_jobs

    job = get_jobs(app).jobs.get("indexer")
    if job is not None:
        with app.app_context():
            job.run_once()


@pytest.fixture
def saved_search_guide(session, members):
    ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "数据库系统概论", "clc": "TP311.13", "call_number": "TP311.13/W1",
         "acquired_on": (dt.date.today() - dt.timedelta(days=3)).isoformat()},
        {"local_id": "a2", "title": "数据库原理（旧版）", "clc": "TP311.13",
         "acquired_on": (dt.date.today() - dt.timedelta(days=200)).isoformat()},
    ])
    guide = guides.create_guide(session, actor(members["A"]), {
        "title": "近期数据库新书", "kind": "saved_search", "search": {"q": "数据库", "days": 30}})
    guides.change_state(session, actor(members["A"]), guide.id, "publish")
    return guide


@pytest.fixture
def no_search(app):
    """A deployment without search (the port absent, as before search_index is wired in)."""
    app.extensions.pop(SEARCH, None)
    return app


def test_search_feed_without_search_port_is_a_503_json_error(no_search, client, members):
    """Never a 500: the JSON payload says search is not available, with Retry-After."""
    response = client.get("/feeds/search.atom?q=红楼梦")
    assert response.status_code == 503 and response.is_json
    assert "not available" in response.get_json()["message"] and response.headers["Retry-After"]


def test_saved_search_guide_says_search_is_unavailable_without_the_port(no_search, client, saved_search_guide):
    """The public page and the feed entry say so; the feed stays valid."""
    page = client.get(f"/guides/{saved_search_guide.id}")
    assert page.status_code == 200 and "检索服务暂不可用" in page.get_data(as_text=True)
    doc = check_json_feed(client.get("/feeds/guides.json").data)
    assert "检索服务暂不可用" in doc["items"][0]["content_html"]
    check_atom(client.get("/feeds/guides.atom").data)


@pytest.mark.needs_search
def test_search_feed_lists_matching_works_newest_acquisition_first(search_app, client, saved_search_guide):
    """/feeds/search.atom takes /api/v1/search parameters and is valid Atom."""
    index_now(search_app)
    response = client.get("/feeds/search.atom?q=数据库&clc=TP3")
    assert response.status_code == 200
    check_atom(response.data)
    entries = parse_feed(response.data).entries
    assert [e.title for e in entries][:2] == ["数据库系统概论", "数据库原理（旧版）"]
    assert all(e.id.startswith("tag:daodu.example,2026:work/") for e in entries)
    assert entries[0].link.startswith("http://localhost/works/")
    assert client.get("/feeds/search.atom?q=数据库&clc=TP3",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/feeds/search.atom?q=数据库&year_from=abc").status_code == 400


@pytest.mark.needs_search
def test_search_feed_days_keeps_recent_acquisitions_only(search_app, client, saved_search_guide):
    """``days`` becomes the port's ``acquired_since``."""
    index_now(search_app)
    entries = parse_feed(client.get("/feeds/search.atom?q=数据库&days=30").data).entries
    assert [e.title for e in entries] == ["数据库系统概论"]


@pytest.mark.needs_search
def test_saved_search_guide_fills_itself_with_recent_acquisitions(search_app, client, saved_search_guide):
    """The guide page and its feed entry list the recent match, not the old one."""
    index_now(search_app)
    html = client.get(f"/guides/{saved_search_guide.id}").get_data(as_text=True)
    assert "数据库系统概论" in html and "数据库原理（旧版）" not in html
    item = check_json_feed(client.get("/feeds/guides.json").data)["items"][0]
    assert [i["title"] for i in item["_daodu"]["items"]] == ["数据库系统概论"]
