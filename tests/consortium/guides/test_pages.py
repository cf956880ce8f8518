"""Staff guide pages (CSRF, own member only) and the public pages of the feeds feature."""
import pytest

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from tests.staff import csrf_token, login


@pytest.fixture
def staff(session, members):
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    add_user(session, "lib@b.example", "lib-pass-2", "librarian", "B")
    add_user(session, "admin@x.example", "admin-pass-1", "consortium_admin")
    result = ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "红楼梦", "isbns": ["9787020002207"], "call_number": "I242.4/C1",
         "acquired_on": "2026-11-20"},
        {"local_id": "a2", "title": "三国演义", "call_number": "I242.3/L1"},
    ])
    return [w["work_id"] for w in result.works]


def new_guide(client, title="本月新书"):
    token = csrf_token(client, "/staff/guides/new")
    response = client.post("/staff/guides/new", data={"title": title, "intro_md": "**好书**", "language": "zh",
                                                      "kind": "picked", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_librarian_writes_picks_and_publishes_a_guide_through_the_pages(client, staff):
    """Create, pick by ISBN, add with commentary, publish; the public page shows it in order."""
    login(client, "lib@a.example", "lib-pass-1")
    guide_id = new_guide(client)
    page = client.get(f"/staff/guides/{guide_id}?pick=7-02-000220-X").get_data(as_text=True)
    assert "红楼梦" in page and "三国演义" not in page
    token = csrf_token(client, f"/staff/guides/{guide_id}")
    for work_id, note in ((staff[1], "乱世英雄"), (staff[0], "必读")):
        client.post(f"/staff/guides/{guide_id}/items", data={"work_id": work_id, "commentary": note, "csrf_token": token})
    assert client.get(f"/guides/{guide_id}").status_code == 404  # still a draft
    client.post(f"/staff/guides/{guide_id}/state", data={"action": "publish", "csrf_token": token})
    html = client.get(f"/guides/{guide_id}").get_data(as_text=True)
    assert html.index("三国演义") < html.index("红楼梦") and "<strong>好书</strong>" in html and "乱世英雄" in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert "本月新书" in client.get("/guides").get_data(as_text=True)


def test_posting_without_csrf_token_is_refused(client, staff):
    """Guide forms are CSRF-protected like every staff form."""
    login(client, "lib@a.example", "lib-pass-1")
    response = client.post("/staff/guides/new", data={"title": "x", "language": "zh", "kind": "picked"})
    assert response.status_code == 400


def test_another_members_librarian_gets_403_on_a_guide(client, staff):
    """B's librarian can neither open nor change A's guide."""
    login(client, "lib@a.example", "lib-pass-1")
    guide_id = new_guide(client)
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    login(client, "lib@b.example", "lib-pass-2")
    assert client.get(f"/staff/guides/{guide_id}").status_code == 403
    token = csrf_token(client, "/staff/guides/new")
    assert client.post(f"/staff/guides/{guide_id}/state", data={"action": "publish", "csrf_token": token}).status_code == 403
    assert "本月新书" not in client.get("/staff/guides/").get_data(as_text=True)


def test_guide_pages_need_a_login(client, staff):
    """Anonymous visitors are sent to the login page."""
    assert client.get("/staff/guides/").status_code == 302


def test_new_arrivals_page_lists_arrivals_with_feed_links(client, staff):
    """The public page shows the newest arrivals and links every feed format."""
    html = client.get("/new-arrivals?member=A").get_data(as_text=True)
    assert "红楼梦" in html and "I242.4/C1" in html
    assert "/feeds/new.atom?member=A" in html and "/feeds/new.json?member=A" in html
    bad = client.get("/new-arrivals?clc=M1")
    assert bad.status_code == 400 and "中图法" in bad.get_data(as_text=True)
    english = client.get("/new-arrivals?lang=en").get_data(as_text=True)
    assert "New arrivals" in english and "Subscribe:" in english


def test_menu_offers_new_arrivals_and_guides_and_staff_their_tools(client, staff):
    """Public menu entries for everyone; "My guides" and the embed builder once logged in."""
    html = client.get("/").get_data(as_text=True)
    assert "新书通报" in html and "新书导读" in html and "我的导读" not in html
    login(client, "lib@a.example", "lib-pass-1")
    html = client.get("/").get_data(as_text=True)
    assert "我的导读" in html and "嵌入本馆网站" in html


def test_out_of_range_ids_are_404_not_database_errors(client, staff, backend):
    """A guide or work id beyond 32 bits is simply not found, on PostgreSQL too."""
    assert client.get("/guides/99999999999").status_code == 404
    login(client, "lib@a.example", "lib-pass-1")
    assert client.get("/staff/guides/99999999999").status_code == 404
    guide_id = new_guide(client)
    token = csrf_token(client, f"/staff/guides/{guide_id}")
    response = client.post(f"/staff/guides/{guide_id}/items", data={"work_id": "99999999999", "csrf_token": token})
    assert response.status_code == 302
