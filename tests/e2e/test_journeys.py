"""The done-when journeys of issue #13 in a real browser, in zh-CN and English, at desktop and
phone width: a reader finds a book and asks about it until the answer arrives, and a member
library embeds its new arrivals on its own web site (another origin)."""
import email
import threading
import time
from datetime import datetime, timezone
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select

from consortium.accounts.models import Member, User
from consortium.catalogue.models import Holding, Work
from consortium.db import new_session
from consortium.mail.delivery import deliver_pending
from consortium.reference import liaison
from consortium.reference.common import Actor, ReferenceSettings
from tests.conftest import LiveServer
from tests.site_tour import DESKTOP, PHONE, login_page

pytestmark = pytest.mark.browser
VARIANTS = [("zh-CN", "desktop"), ("zh-CN", "phone"), ("en", "desktop"), ("en", "phone")]
IDS = [f"{locale}-{width}" for locale, width in VARIANTS]
WORDS = {
    "zh-CN": {"seu": "东南大学图书馆", "new": "新咨询", "zone": "北京时间", "answered_by": "答复馆", "saved": "已保存"},
    "en": {"seu": "Southeast University Library", "new": "New", "zone": "Beijing time", "answered_by": "Answered by",
           "saved": "saved"},
}


@pytest.fixture(scope="module")
def server(demo_site):
    live = LiveServer(demo_site.app).start()
    before = demo_site.app.config.get("CONSORTIUM_BASE_URL")
    demo_site.app.config["CONSORTIUM_BASE_URL"] = live.url  # the status link in mails and pages
    yield live
    demo_site.app.config["CONSORTIUM_BASE_URL"] = before
    live.stop()


@pytest.fixture(scope="module")
def only_seu(demo_site):
    """A book of the demo that SEU alone holds (readers of NJU must be sent there)."""
    with new_session(demo_site.app) as session:
        seu = session.exec(select(Member).where(Member.code == "SEU")).one()
        holders: dict[int, set] = {}
        for work_id, member_id in session.exec(select(Holding.work_id, Holding.member_id)).all():
            holders.setdefault(work_id, set()).add(member_id)
        work_id = min(w for w, m in holders.items() if m == {seu.id}
                      and session.get(Work, w).format == "book" and len(session.get(Work, w).title) >= 4)
        return work_id, session.get(Work, work_id).title


@pytest.fixture
def tab(browser, server):
    contexts = []

    def open_tab(locale, width):
        context = browser.new_context(locale=locale, viewport=PHONE if width == "phone" else DESKTOP,
                                      is_mobile=width == "phone", has_touch=width == "phone")
        context.add_cookies([{"name": "lang", "value": "en" if locale == "en" else "zh_CN", "url": server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    yield open_tab
    for context in contexts:
        context.close()


def _answer_as_seu(app, question_id: int) -> None:
    with new_session(app) as session:
        user = session.exec(select(User).where(User.email == "liaison@seu.demo.daodu.example")).one()
        actor = Actor(user.id, user.member_id, "liaison", user.display_name)
        settings = ReferenceSettings.from_config(app.config)
        now = datetime.now(timezone.utc)
        liaison.claim(session, question_id, actor, now=now, settings=settings)
        liaison.answer(session, question_id, actor, "<p>可在东大总馆借阅，详见<strong>第三章</strong>。</p>",
                       now=now, settings=settings)


def _mail_to(folder: Path, address: str, kind_word: str) -> email.message.EmailMessage:
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address and kind_word in message["Subject"]:
            return message
    raise AssertionError(f"no mail to {address} about {kind_word!r} in {folder}")


@pytest.mark.parametrize("locale, width", VARIANTS, ids=IDS)
def test_reader_searches_asks_about_a_title_and_gets_the_answer(demo_site, server, tab, only_seu, locale, width):
    """Search → member facet → record → ask about this title → status (who, when) → answer by mail and page."""
    work_id, title = only_seu
    words = WORDS[locale]
    page = tab(locale, width)
    page.goto(server.url + "/")
    page.fill("#q", title)
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=*")
    if width == "phone":
        page.locator("button.facets-toggle").tap()
    page.locator(".facet-member a", has_text=words["seu"]).click()
    page.wait_for_url("**member=SEU*")
    assert page.locator(".facet-member a.active").inner_text().strip().startswith(words["seu"])
    page.locator(f'a.result-title[href="/works/{work_id}"]').click()
    page.wait_for_url(f"**/works/{work_id}")
    assert [m.strip() for m in page.locator("table.holdings td.member").all_inner_texts()] == [words["seu"]]
    page.locator("a.ask").click()
    page.wait_for_url(f"**/ask?work={work_id}")
    assert title in page.locator(".about-work").inner_text()
    address = f"reader-{locale.lower()}-{width}@example.edu.cn"
    page.fill("#question", "这本书现在能借到吗？" if locale == "zh-CN" else "Can I borrow this book now?")
    page.fill("#name", "读者乙" if locale == "zh-CN" else "Reader Two")
    page.fill("#email", address)
    page.select_option("#home_member", "NJU")
    time.sleep(1.2)  # the form refuses what is sent faster than a person types (REFERENCE_MIN_FILL_SECONDS)
    page.locator(".ask-form button[type=submit]").click()
    page.locator("a.status-link").click()
    page.wait_for_url("**/questions/*")
    assert page.locator(".question-status .state").inner_text() == words["new"]
    assert page.locator(".question-status .who").inner_text() == words["seu"]
    assert words["zone"] in page.locator(".question-status .expected.answer").inner_text()
    assert words["answered_by"] not in page.locator(".question-status").inner_text()

    question_id = int(page.locator("h1").inner_text().rsplit("#", 1)[1])
    _answer_as_seu(demo_site.app, question_id)
    deliver_pending(demo_site.app)
    mail = _mail_to(Path(demo_site.app.config["MAIL_FOLDER"]), address, "answered")
    text = mail.get_body(("plain",)).get_content()
    assert "第三章" in text and "<strong>" not in text and "**" not in text
    page.reload()
    assert words["answered_by"] in page.locator(".question-status").inner_text()
    assert page.locator(".question-status .who").inner_text() == words["seu"]
    assert page.locator(".message-answer .body strong").inner_text() == "第三章"


class MemberSite:
    """A member library's own page on another loopback origin; its HTML is set once the snippet is known."""

    def __init__(self):
        site = self
        self.html = b""

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.html)))
                self.end_headers()
                self.wfile.write(site.html)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def member_site():
    site = MemberSite()
    yield site
    site.close()


@pytest.mark.parametrize("locale, width", VARIANTS, ids=IDS)
def test_librarian_embeds_new_arrivals_on_the_library_site(demo_site, server, tab, member_site, locale, width):
    """Embed builder → register the site's origin → paste the widget code → the site shows NJU's newest items."""
    page = tab(locale, width)
    login_page(page, server.url, "librarian")
    page.goto(server.url + "/embed/builder")
    page.select_option("#sb-lang", "en" if locale == "en" else "zh-CN")
    page.fill("#sb-count", "3")
    page.dispatch_event("#sb-count", "input")
    snippet = page.locator("#snippet-code").input_value()
    assert '<daodu-feed member="NJU"' in snippet and 'count="3"' in snippet
    page.fill("#new-origin", member_site.origin)
    page.locator("#new-origin").press("Enter")
    page.wait_for_url("**/embed/builder*")
    assert page.locator(".flash-success").is_visible()
    assert member_site.origin in page.locator("ul.origins").inner_text()

    member_site.html = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        f"<title>NJU</title></head><body><h1>南京大学图书馆</h1>{snippet}</body></html>").encode()
    page.goto(member_site.origin + "/")
    page.wait_for_selector("daodu-feed[state=ready]")
    shown = [t.split("\n")[0].strip() for t in page.locator("daodu-feed li.daodu-item").all_inner_texts()]
    feed = page.request.get(f"{server.url}/feeds/new.json?member=NJU&days=30").json()
    assert shown == [item["title"] for item in feed["items"][:3]]
    assert page.evaluate("document.documentElement.scrollWidth") <= (390 if width == "phone" else 1280)
