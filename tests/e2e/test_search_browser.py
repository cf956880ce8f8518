"""A real browser searches, filters by a member facet, opens a record and sees every holder."""
import pytest

from consortium.search.operations import sync_index
from tests.search_index.conftest import push_books

pytestmark = pytest.mark.browser


@pytest.fixture
def indexed(app, session, members):
    ids = push_books(session, members)
    sync_index(app)  # the live server runs no background jobs: index once, synchronously
    return ids


def test_reader_searches_filters_by_member_and_sees_all_holding_members(page, live_server, indexed):
    page.goto(f"{live_server.url}/")
    page.fill("#q", "clc:TP3")
    page.click("form.search-box button[type=submit]")
    page.wait_for_url("**/search?q=*")
    assert "共找到 2 种作品" in page.locator(".total").inner_text()
    page.click(".facet-member a:has-text('丙大学图书馆')")
    page.wait_for_url("**member=C*")
    assert "共找到 1 种作品" in page.locator(".total").inner_text()
    active = page.locator(".facet-member a.active").inner_text().strip()
    assert active.startswith("丙大学图书馆") and "✕" in active  # chosen, and removable
    page.click(".result-title")
    page.wait_for_url(f"**/works/{indexed['a2']}")
    holders = page.locator("table.holdings td.member").all_inner_texts()
    assert [h.strip() for h in holders] == ["甲大学图书馆", "丙大学图书馆"]
    page.select_option("#home-code", "C")
    page.click("form.home-member button[type=submit]")
    page.wait_for_url(f"**/works/{indexed['a2']}")
    holders = page.locator("table.holdings td.member").all_inner_texts()
    assert holders[0].startswith("丙大学图书馆") and "我的图书馆" in holders[0]
    assert page.locator("a.ask").get_attribute("href") == f"/ask?work={indexed['a2']}"
