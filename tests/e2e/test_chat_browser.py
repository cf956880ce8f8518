"""Live chat in a real browser, two contexts: a reader on a record page and a liaison of another
member on duty. The liaison's desk rings, they accept, talk both ways, a work card, end; the
transcript is in the statistics and in the reader's mail (a real loopback SMTP server)."""
import re

import pytest
from sqlmodel import select

from consortium.catalogue.models import Work
from consortium.catalogue.service import ingest_batch
from consortium.mail import deliver_pending
from consortium.reference.profiles import set_profile
from tests.consortium.reference import conftest as reference_fixtures
from tests.consortium.reference.conftest import WEDNESDAY
from tests.e2e.test_reference_browser import _login, smtp  # noqa: F401  (the SMTP fixture)

liaisons = reference_fixtures.liaisons

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config, smtp):  # noqa: F811
    controller, _inbox = smtp
    return {**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
            "CHAT_HEARTBEAT_SECONDS": 3, "CHAT_STREAM_SECONDS": 5, "CHAT_POLL_SECONDS": 0.1}


@pytest.fixture
def work_id(session, members, liaisons):
    for code in ("A", "B", "C"):
        set_profile(session, code, {"languages": ["zh", "en"], "opening_hours": "mon-sun 00:00-23:59",
                                    "canned_answers": [{"title": "问候", "body": "您好，我是乙大学图书馆的馆员。"}]},
                    now=WEDNESDAY)
    ingest_batch(session, members["B"], [{"local_id": "b1", "title": "建筑结构设计", "authors": ["王"], "clc": "TU3"}])
    return session.exec(select(Work.id).where(Work.title == "建筑结构设计")).one()


def test_reader_chats_with_the_liaison_on_duty_of_another_member(page, browser, live_server, app, smtp, work_id):  # noqa: F811
    """The issue's "Done when" browser test."""
    base = live_server.url
    _controller, inbox = smtp
    b_context, desk = _login(browser, base, "liaison@b.example", "liaison-pass-B")
    desk.goto(f"{base}/staff/chats")
    desk.click("#duty-toggle")
    assert "值班" in desk.inner_text("#duty-state") and "不在" not in desk.inner_text("#duty-state")

    page.goto(f"{base}/works/{work_id}")
    page.click(".chat-open")
    page.fill("#chat-question", "请问这本书可以借到吗？")
    page.fill("#chat-name", "王五")
    page.fill("#chat-email", "wangwu@reader.example")
    page.select_option("#chat-home", "A")
    page.click("#chat-submit")
    page.wait_for_selector("#chat-status >> text=乙大学图书馆")

    desk.wait_for_selector(".ring .accept")
    assert "请问这本书可以借到吗" in desk.inner_text("#ringing")
    desk.click(".ring .accept")
    box = desk.wait_for_selector(".chat-box")
    page.wait_for_selector("#chat-status >> text=正在为您服务")

    page.fill("#chat-text", "我在甲大学，能馆际互借吗？")
    page.click("#chat-send-button")
    desk.wait_for_selector(".chat-box .chat-line.reader >> text=能馆际互借吗")
    desk.select_option(".chat-box select.canned", label="问候")
    assert desk.input_value(".chat-box .chat-input") == "您好，我是乙大学图书馆的馆员。"
    desk.fill(".chat-box .chat-input", "可以，**三个工作日**内送到甲大学。")
    desk.click(".chat-box .chat-send button[type=submit]")
    page.wait_for_selector("#chat-log .chat-line.staff strong >> text=三个工作日")
    desk.fill(".chat-box .card-work", str(work_id))
    desk.click(".chat-box .send-card")
    card = page.wait_for_selector("#chat-log .chat-card a")
    assert card.inner_text() == "建筑结构设计" and card.get_attribute("href") == f"/works/{work_id}"

    page.click("#chat-transcript")
    page.wait_for_selector("#chat-log >> text=对话记录发送到您的邮箱")
    box.query_selector(".end-chat").click()
    page.wait_for_selector("#chat-log >> text=对话已结束")
    assert page.is_hidden("#chat-send")

    desk.goto(f"{base}/staff/reference/stats")
    row = desk.inner_text("table tr:has-text('B')")
    assert re.search(r"\bB\s+1\s+1\b", row), row  # received 1, answered 1
    b_context.close()

    deliver_pending(app)
    mails = [m for rcpt, m in inbox.messages if rcpt == ["wangwu@reader.example"]]
    transcript = next(m for m in mails if "在线咨询记录" in m["subject"]).get_body(("plain",)).get_content()
    for said in ("能馆际互借吗", "三个工作日", "建筑结构设计"):
        assert said in transcript
