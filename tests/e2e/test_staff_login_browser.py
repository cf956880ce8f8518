"""A real browser logs in as staff and sees the staff home page in both languages."""
import pytest

from consortium.accounts.service import add_user

pytestmark = pytest.mark.browser


@pytest.fixture
def librarian(session, members):
    add_user(session, "wang@a.example", "browser-pass-1", "librarian", "A", "王老师")


def test_librarian_logs_in_and_sees_the_staff_home_in_chinese_and_english(page, live_server, librarian):
    page.goto(f"{live_server.url}/staff/login")
    assert page.locator("h1").inner_text() == "馆员登录"
    page.fill("#email", "wang@a.example")
    page.fill("#password", "browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    assert page.locator("h1").inner_text() == "馆员工作台"
    assert "甲大学图书馆" in page.locator(".who").inner_text()
    page.click("text=English")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Staff home"
    assert "University A Library" in page.locator(".who").inner_text()
    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("text=Staff login").is_visible()
