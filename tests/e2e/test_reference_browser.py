"""A real browser: a reader asks; C's liaison claims and transfers to B; B's liaison answers;
the reader sees the answer and receives it by e-mail through a real loopback SMTP server."""
import email
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from consortium.catalogue.service import ingest_batch
from consortium.reference.profiles import set_profile
from tests.conftest import free_port
from tests.consortium.reference import conftest as reference_fixtures
from tests.consortium.reference.conftest import ONLY_C_ISBN, WEDNESDAY

liaisons = reference_fixtures.liaisons  # the reference tests' liaison accounts, as a fixture here too

pytestmark = pytest.mark.browser


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_config(app_config, smtp):
    controller, _inbox = smtp
    return {**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
            "REFERENCE_MIN_FILL_SECONDS": 1}


@pytest.fixture
def consortium_setup(session, members, liaisons):
    for code, strengths in (("A", {"I": 0.9}), ("B", {"TP": 0.9}), ("C", {"T": 0.3})):
        set_profile(session, code, {"strengths": strengths, "languages": ["zh", "en"],
                                    "opening_hours": "mon-sun 00:00-23:59"}, now=WEDNESDAY)
    ingest_batch(session, members["C"], [{"local_id": "c1", "title": "计算机程序设计艺术", "authors": ["Knuth"],
                                          "isbns": [ONLY_C_ISBN], "clc": "TP311"}])


def _login(browser, base, email_address, password):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/staff/login")
    page.fill("#email", email_address)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")
    return context, page


def test_reader_question_is_transferred_answered_and_mailed(page, browser, live_server, app, smtp, consortium_setup):
    """The issue's browser acceptance test, end to end over HTTP and SMTP."""
    base = live_server.url
    _controller, inbox = smtp
    page.goto(f"{base}/ask")
    page.fill("#question", f"请问 ISBN {ONLY_C_ISBN} 这本书哪里能借到？")
    page.fill("#name", "张三")
    page.fill("#email", "zhangsan@reader.example")
    page.select_option("#home_member", "A")
    page.wait_for_timeout(1200)  # a person takes longer than the minimum fill time
    page.click("button[type=submit]")
    page.wait_for_selector("a.status-link")
    status_url = page.get_attribute("a.status-link", "href")
    status_path = "/" + status_url.split("/", 3)[3]

    c_context, c_page = _login(browser, base, "liaison@c.example", "liaison-pass-C")
    c_page.goto(f"{base}/staff/questions?tab=new")
    c_page.click("table.queue a")
    assert "馆藏所询图书 1 种" in c_page.inner_text("ol.routing")
    question_path = c_page.url.split(base, 1)[1]
    c_page.click("#claim")
    assert c_page.inner_text("#q-status") == "处理中"
    c_page.select_option("#to_member", "B")
    c_page.fill("#reason", "本馆此书外借中，请东大馆协助")
    c_page.click("#transfer")
    c_page.wait_for_url(f"{base}/staff/questions")
    assert "已完成" in c_page.inner_text(".flash") and c_page.locator("table.queue a").count() == 0
    c_context.close()

    b_context, b_page = _login(browser, base, "liaison@b.example", "liaison-pass-B")
    b_page.goto(f"{base}{question_path}")
    assert b_page.inner_text("#reader-email") == "zhangsan@reader.example"
    b_page.click("#claim")
    b_page.fill("#answer-body", "本馆总馆三楼有两册，可直接借阅。")
    b_page.click("#send-answer")
    assert b_page.inner_text("#q-status") == "已答复"
    b_context.close()

    page.goto(f"{base}{status_path}")
    assert page.inner_text(".question-status .state") == "已答复"
    assert page.inner_text(".question-status .who") == "乙大学图书馆"
    assert "本馆总馆三楼有两册" in page.inner_text("section.conversation")

    from consortium.mail import deliver_pending

    report = deliver_pending(app)
    assert report.sent >= 3
    to_reader = [m for rcpt, m in inbox.messages if rcpt == ["zhangsan@reader.example"]]
    subjects = [m["subject"] for m in to_reader]
    assert any("已收到" in s for s in subjects) and any("已答复" in s for s in subjects)
    assert any("已转至其他图书馆" in s for s in subjects)  # told when the question moved from C to B
    answered = next(m for m in to_reader if "已答复" in m["subject"])
    assert "本馆总馆三楼有两册" in answered.get_body(("plain",)).get_content()
    to_b = [m["subject"] for rcpt, m in inbox.messages if rcpt == ["liaison@b.example"]]
    assert any("转来" in s for s in to_b)

    a_context, a_page = _login(browser, base, "liaison@a.example", "liaison-pass-A")
    response = a_page.goto(f"{base}{question_path}")
    assert response.status == 403
    api = a_page.request.get(f"{base}/api/v1/staff/questions/{question_path.rsplit('/', 1)[1]}")
    assert api.status == 403 and api.json()["code"] == 403
    a_context.close()
