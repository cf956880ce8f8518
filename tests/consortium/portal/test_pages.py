"""Staff login, CSRF, role scoping and the page languages."""
import pytest

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from tests.staff import csrf_token, login


@pytest.fixture
def staff(session, members):
    add_user(session, "admin@x.example", "admin-pass-1", "consortium_admin")
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    ingest_batch(session, members["A"], [{"local_id": "a1", "title": "史记", "authors": ["司马迁"]}])
    ingest_batch(session, members["B"], [{"local_id": "b1", "title": "汉书", "authors": ["班固"]}])


def test_login_without_csrf_token_is_refused(client, staff):
    response = client.post("/staff/login", data={"email": "lib@a.example", "password": "lib-pass-1"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_wrong_password_shows_a_message_and_no_session(client, staff):
    response = login(client, "lib@a.example", "wrong-pass")
    assert "邮箱未注册或密码错误" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_librarian_sees_only_their_members_pushes(client, staff):
    assert login(client, "lib@a.example", "lib-pass-1").status_code == 302
    html = client.get("/staff/").get_data(as_text=True)
    assert "甲大学图书馆" in html
    assert "<td>A</td>" in html and "<td>B</td>" not in html


def test_admin_sees_every_members_pushes(client, staff):
    login(client, "admin@x.example", "admin-pass-1")
    html = client.get("/staff/").get_data(as_text=True)
    assert "<td>A</td>" in html and "<td>B</td>" in html


def test_login_next_parameter_cannot_redirect_off_site(client, staff):
    token = csrf_token(client)
    response = client.post("/staff/login?next=//evil.example/", data={"email": "lib@a.example", "password": "lib-pass-1", "csrf_token": token})
    assert response.headers["Location"] == "/staff/"


def test_pages_default_to_chinese_and_switch_to_english(client, staff):
    assert "成员馆" in client.get("/").get_data(as_text=True)
    switch = client.get("/lang/en?next=/")
    assert switch.status_code == 302 and "lang=en" in switch.headers["Set-Cookie"]
    html = client.get("/").get_data(as_text=True)
    assert "Member libraries" in html and 'lang="en"' in html


def test_english_browsers_get_english_pages(client, staff):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Member libraries" in html


def test_unknown_page_is_an_html_404_in_the_readers_language(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "返回首页" in response.get_data(as_text=True)


def test_staff_menu_shows_each_role_only_its_own_tools(client, session, staff):
    """A librarian is not offered the liaison queue, a liaison not the imports page."""
    add_user(session, "li@a.example", "liaison-pass-1", "liaison", "A")
    login(client, "lib@a.example", "lib-pass-1")
    librarian_menu = client.get("/staff/").get_data(as_text=True)
    assert "文件导入" in librarian_menu
    assert "咨询队列" not in librarian_menu and "Question queue" not in librarian_menu
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    login(client, "li@a.example", "liaison-pass-1")
    liaison_menu = client.get("/staff/").get_data(as_text=True)
    assert "文件导入" not in liaison_menu and "咨询队列" in liaison_menu
