"""Real browser under the Content-Security-Policy: the main pages, the staff pages and the
embed builder (widget, iframe and fragment previews) work with no inline script or style,
and the browser reports no CSP violation on any of them."""
import datetime as dt
from types import SimpleNamespace

import pytest

from consortium.accounts.origins import change_origins
from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.db import new_session
from consortium.guides import service as guides
from consortium.jobs import get_jobs
from consortium.reference.profiles import set_profile

pytestmark = pytest.mark.browser

WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});"""


@pytest.fixture
def catalogue(app, session, members):
    today = dt.date.today().isoformat()
    result = ingest_batch(session, members["A"], [
        {"local_id": f"a{i}", "title": title, "authors": ["作者"], "clc": "I247.5", "acquired_on": today}
        for i, title in enumerate(["红楼梦", "围城", "活着"])])
    me = SimpleNamespace(id=None, member_id=members["A"].id, is_admin=False)
    guide = guides.create_guide(session, me, {"title": "文学导读", "intro_md": "经典**重读**", "clc": "I2"})
    guides.add_item(session, me, guide.id, result.works[0]["work_id"], "必读")
    guides.change_state(session, me, guide.id, "publish")
    set_profile(session, "A", {"languages": ["zh"], "opening_hours": "mon-sun 00:00-23:59"},
                now=dt.datetime.now(dt.timezone.utc))
    change_origins(session, None, "A", add=["http://example.org"])
    add_user(session, "lib@a.example", "lib-pass-123", "librarian", "A")
    add_user(session, "liaison@a.example", "liaison-pass-A", "liaison", "A")
    with app.app_context():
        get_jobs(app).jobs["indexer"].run_once()
    return {"work": result.works[0]["work_id"], "guide": guide.id}


def _visit(page, url: str, violations: list) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations += [f"{url}: {v}" for v in page.evaluate("window.__csp")]


def test_pages_work_under_the_csp_with_no_violations(live_server, page, catalogue):
    page.add_init_script(WATCH)
    console = []  # the browser's own console lines about the policy, as a person would see them
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    base, violations = live_server.url, []
    for path in ("/", "/search?q=红楼梦", f"/works/{catalogue['work']}", "/new-arrivals", "/guides",
                 f"/guides/{catalogue['guide']}", "/ask", "/answers", "/staff/login"):
        _visit(page, base + path, violations)
    assert page.locator("form input[name=email]").count() == 1

    page.fill("input[name=email]", "lib@a.example")
    page.fill("input[name=password]", "lib-pass-123")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(base + "/staff/")
    for path in ("/staff/", "/staff/guides/", "/staff/imports/"):
        _visit(page, base + path, violations)

    _visit(page, base + "/embed/builder", violations)
    page.wait_for_selector("#snippet-preview daodu-feed[state=ready] li")  # the widget, styled by a constructed sheet
    assert "daodu-feed" in page.input_value("#snippet-code")
    page.select_option("#sb-way", "iframe")
    frame = page.frame_locator("#snippet-preview iframe")
    frame.locator(".daodu-item").first.wait_for()
    assert "<iframe" in page.input_value("#snippet-code")
    page.select_option("#sb-way", "fragment")
    page.wait_for_selector("#snippet-preview .daodu-item")
    page.wait_for_load_state("networkidle")
    violations += page.evaluate("window.__csp")
    assert violations == [] and console == [], violations + console


def test_the_canned_answer_button_works_without_inline_script(live_server, page, catalogue, client):
    """The liaison's canned answer fills the answer box (it was an inline onclick)."""
    with new_session(live_server.app) as session:
        set_profile(session, "A", {"canned_answers": [{"title": "馆际互借", "body": "请到总馆二楼办理馆际互借。"}]},
             now=dt.datetime.now(dt.timezone.utc))
    asked = client.post("/api/v1/questions", json={"question": "红楼梦哪里有？", "name": "读者", "email": "r@x.example",
                                                    "home_member": "A"})
    assert asked.status_code == 201
    page.add_init_script(WATCH)
    base = live_server.url
    page.goto(base + "/staff/login")
    page.fill("input[name=email]", "liaison@a.example")
    page.fill("input[name=password]", "liaison-pass-A")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(base + "/staff/")
    page.goto(f"{base}/staff/questions/{asked.get_json()['id']}")
    page.click("#claim")
    page.click("button.canned-answer")
    assert page.input_value("#answer-body") == "请到总馆二楼办理馆际互借。"
    assert page.evaluate("window.__csp") == []
