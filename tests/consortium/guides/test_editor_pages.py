"""The guide editor: works picked through the search picker (real books, relevance first, with
what tells them apart), the in-page fragment, and the preview of the draft as readers will see it."""
import re

import pytest

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.search.operations import sync_index
from tests.consortium.compose.books import douban_records
from tests.staff import csrf_token, login


@pytest.fixture
def librarian(session, members):
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    add_user(session, "lib@b.example", "lib-pass-2", "librarian", "B")


@pytest.fixture
def books(app, session, members, shared_data):
    """Real Douban books; 三体Ⅲ pushed last, so a newest-first picker would list it first."""
    family = {r["title"]: r for r in douban_records(shared_data, containing="三体", limit=20)}
    third = family.pop("三体Ⅲ")
    ingest_batch(session, members["A"], douban_records(shared_data, limit=100) + list(family.values()))
    ingest_batch(session, members["B"], [third])
    sync_index(app)


def new_guide(client, title="科幻新书"):
    token = csrf_token(client, "/staff/guides/new")
    response = client.post("/staff/guides/new", data={"title": title, "intro_md": "**刘慈欣**的作品",
                                                      "language": "zh", "kind": "picked", "csrf_token": token})
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def candidates(html: str) -> list[str]:
    return re.findall(r'<span class="pick-title">([^<]+)</span>', html)


@pytest.mark.needs_search
def test_the_editor_lists_the_best_match_first_with_author_year_and_holders(client, librarian, books):
    """Searching 三体 lists 三体 first (not the newest 三体Ⅲ), each line with author, year, format and holders."""
    login(client, "lib@a.example", "lib-pass-1")
    guide_id = new_guide(client)
    html = client.get(f"/staff/guides/{guide_id}?pick=三体").get_data(as_text=True)
    titles = candidates(html)
    assert titles[0] == "三体" and titles.index("三体") < titles.index("三体Ⅲ")
    first = html[html.index('class="candidate"'):]
    first = first[:first.index("</li>")]
    assert "刘慈欣" in first and "2008" in first and "图书" in first and "收藏馆： A<" in first
    third = html[html.index('<span class="pick-title">三体Ⅲ</span>'):]
    assert "2010" in third[:third.index("</li>")] and "B" in third[:third.index("</li>")]
    fragment = client.get(f"/staff/guides/{guide_id}?pick=三体&fragment=picker").get_data(as_text=True)
    assert candidates(fragment) == titles and "<html" not in fragment and 'name="csrf_token"' in fragment


@pytest.mark.needs_search
def test_the_preview_shows_the_draft_as_readers_will_and_stays_private(client, librarian, books):
    """Preview of a draft: the public page's content with a banner; the public page is still a 404."""
    login(client, "lib@a.example", "lib-pass-1")
    guide_id = new_guide(client)
    html = client.get(f"/staff/guides/{guide_id}?pick=三体").get_data(as_text=True)
    work_id = re.search(r'name="work_id" value="(\d+)"', html).group(1)
    token = csrf_token(client, f"/staff/guides/{guide_id}")
    client.post(f"/staff/guides/{guide_id}/items", data={"work_id": work_id, "commentary": "地球往事第一部",
                                                          "csrf_token": token})
    preview = client.get(f"/staff/guides/{guide_id}/preview")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and preview.headers["Cache-Control"] == "no-store"
    assert 'id="preview-banner"' in page and "草稿" in page and "noindex" in page
    assert "<strong>刘慈欣</strong>" in page and "三体" in page and "地球往事第一部" in page
    assert client.get(f"/guides/{guide_id}").status_code == 404
    english = client.get(f"/staff/guides/{guide_id}/preview?lang=en").get_data(as_text=True)
    assert "This is how readers will see the guide once it is published." in english and "Draft" in english


def test_another_members_librarian_cannot_preview(client, librarian, members):
    """The preview is the editor's: B's librarian gets 403, anonymous visitors the login page."""
    login(client, "lib@a.example", "lib-pass-1")
    guide_id = new_guide(client)
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert client.get(f"/staff/guides/{guide_id}/preview").status_code == 302
    login(client, "lib@b.example", "lib-pass-2")
    assert client.get(f"/staff/guides/{guide_id}/preview").status_code == 403


def test_publish_and_state_words_differ_and_speak_both_languages(client, librarian, members):
    """The button says 发布 and the state 已发布 after publishing; English says Publish / Published."""
    login(client, "lib@a.example", "lib-pass-1")
    guide_id = new_guide(client)
    html = client.get(f"/staff/guides/{guide_id}").get_data(as_text=True)
    assert '<button type="submit" id="action-publish">发布</button>' in html and "草稿" in html
    token = csrf_token(client, f"/staff/guides/{guide_id}")
    done = client.post(f"/staff/guides/{guide_id}/state", data={"action": "publish", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "导读当前状态：已发布。" in done and ">已发布</strong>" in done and ">撤回</button>" in done
    english = client.get(f"/staff/guides/{guide_id}?lang=en").get_data(as_text=True)
    assert ">Published</strong>" in english and ">Retract</button>" in english


def test_a_guide_without_an_introduction_saves_and_refusals_speak_chinese(client, session, librarian, members):
    """An empty introduction is allowed; adding the same work twice says so in Chinese, no field codes."""
    work_id = ingest_batch(session, members["A"], [{"local_id": "s1", "title": "史记"}]).works[0]["work_id"]
    login(client, "lib@a.example", "lib-pass-1")
    token = csrf_token(client, "/staff/guides/new")
    response = client.post("/staff/guides/new", data={"title": "无导语的导读", "intro_md": "", "language": "zh",
                                                      "kind": "picked", "csrf_token": token})
    assert response.status_code == 302
    guide_path = response.headers["Location"]
    token = csrf_token(client, guide_path)
    for _ in range(2):
        page = client.post(guide_path + "/items", data={"work_id": work_id, "csrf_token": token}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "这部作品已在导读中。" in text and "duplicate" not in text
    assert [t.strip() for t in re.findall(r'<span class="title">([^<]+)</span>', text)] == ["史记"]
