"""A librarian on a phone answers the review queue in a real browser (chromium, 390×844)."""
import pytest

from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch

pytestmark = pytest.mark.browser

SHARED_ISBN = ["9780387095141"]


@pytest.fixture
def review(session, members):
    add_user(session, "lib-b@x.cn", "phone-pass-1", "librarian", "B", "李老师")
    ingest_batch(session, members["A"], [{"local_id": "a-1", "title": "Spectral representations for Schrödinger operators",
                                          "year": 1979, "format": "ebook", "isbns": SHARED_ISBN}])
    ingest_batch(session, members["B"], [{"local_id": "b-1", "title": "Surgical anatomy and technique",
                                          "format": "ebook", "isbns": SHARED_ISBN}])


def test_a_librarian_keeps_a_reused_isbn_apart_from_a_phone(browser, live_server, review):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/staff/login")
        page.fill("#email", "lib-b@x.cn")
        page.fill("#password", "phone-pass-1")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/staff/")
        page.click("button.menu-toggle")  # on a phone the menu folds behind its button
        page.click("nav >> text=匹配复核")
        page.wait_for_url(f"{live_server.url}/staff/catalogue/reviews")
        section = page.locator("section.review")
        assert "Surgical anatomy" in section.inner_text() and "Spectral representations" in section.inner_text()
        # nothing wider than the phone: the queue reads without sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        section.locator("input[name=reason]").fill("书号被重复使用：一本数学书，一本外科手册")
        section.locator("button[value=apart]").click()
        page.wait_for_url(f"{live_server.url}/staff/catalogue/reviews")
        assert "已完成" in page.locator(".flash").inner_text()
        assert "没有待复核的匹配。" in page.inner_text("main")
        page.click("p.tabs >> text=保持分开")  # the answered reviews
        page.wait_for_url(f"{live_server.url}/staff/catalogue/reviews?status=apart")
        assert page.locator("section.review").count() == 1
        assert "Surgical anatomy" in page.locator("section.review").inner_text()
    finally:
        context.close()
