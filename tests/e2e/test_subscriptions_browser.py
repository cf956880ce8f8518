"""The issue's browser acceptance test: a reader subscribes to a search, confirms from the mail
(read from a real SMTP server on loopback), members push matching books over HTTP, one digest
lists them with the home member first, the one-click unsubscribe ends it, and nothing follows."""
import datetime as dt
import re

import pytest
import requests

from consortium.mail import deliver_pending
from consortium.subscriptions.cli import digests_group
from tests.consortium.mail.conftest import SmtpServer
from tests.consortium.subscriptions.conftest import NEW_BOOKS
from tests.site_tour import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def smtp(smtp_port):
    server = SmtpServer(smtp_port).start()
    yield server
    server.stop()


@pytest.fixture
def smtp_port():
    from tests.conftest import free_port

    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    return {**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port}


def _mails_to(smtp, address):
    return [message for rcpt, message in smtp.messages if rcpt == [address]]


def _digest_run(app, when: dt.datetime) -> str:
    result = app.test_cli_runner().invoke(digests_group, ["send", "--now", when.isoformat()])
    assert result.exit_code == 0, result.output
    deliver_pending(app)
    return result.output


def test_reader_subscribes_confirms_gets_one_digest_and_unsubscribes(page, live_server, app, smtp, members, keys):
    """Subscribe → confirm from the mail → pushes → one digest, home first → one-click POST → nothing more."""
    base = live_server.url
    app.config["CONSORTIUM_BASE_URL"] = base
    reader = "teacher@reader.example.edu.cn"
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/search?q=深度学习")
    page.click("a.subscribe-link")
    assert "深度学习" in page.inner_text(".subscription-what")
    page.fill("#email", reader)
    page.select_option("#frequency", "daily")
    page.select_option("#home_member", "A")
    page.click("#subscribe")
    page.wait_for_selector("p.pending")
    assert "请查收邮件" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    deliver_pending(app)
    [confirmation] = _mails_to(smtp, reader)
    link = re.search(r"(http://\S+/confirm)", confirmation.get_body(("plain",)).get_content()).group(1)
    page.goto(link)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#confirm")
    page.wait_for_selector("#sub-status")
    assert page.inner_text("#sub-status") == "生效中"

    for code in ("B", "A", "C"):
        response = requests.post(f"{base}/api/v1/members/{code}/records", json={"records": NEW_BOOKS[code]},
                                 headers={"Authorization": f"Bearer {keys[code]}"}, timeout=30)
        assert response.status_code == 200 and not response.json()["rejected"]

    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1, minutes=5)
    assert "1 digests queued" in _digest_run(app, tomorrow)
    digests = [m for m in _mails_to(smtp, reader) if m["X-Daodu-Kind"] == "subscription.digest"]
    assert len(digests) == 1
    digest = digests[0]
    text = digest.get_body(("plain",)).get_content()
    html = digest.get_body(("html",)).get_content()
    assert "深度学习入门" in text and "动手学深度学习" in html and "红楼梦研究" not in text
    assert text.index("动手学深度学习") < text.index("深度学习入门")  # A, the home member, holds it
    goodfellow = text[text.index("Goodfellow"):]
    assert goodfellow.index("甲大学图书馆") < goodfellow.index("丙大学图书馆")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = digest["List-Unsubscribe"].strip("<>")

    # what a mail client does for RFC 8058: a POST without cookies or CSRF token
    response = requests.post(unsubscribe, data="List-Unsubscribe=One-Click", timeout=30,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    assert page.goto(unsubscribe.removesuffix("/unsubscribe")).status == 404

    requests.post(f"{base}/api/v1/members/B/records", timeout=30, headers={"Authorization": f"Bearer {keys['B']}"},
                  json={"records": [{"local_id": "b-dl-9", "title": "深度学习进阶", "clc": "TP181"}]})
    assert "0 due" in _digest_run(app, tomorrow + dt.timedelta(days=2))
    assert len([m for m in _mails_to(smtp, reader) if m["X-Daodu-Kind"] == "subscription.digest"]) == 1
