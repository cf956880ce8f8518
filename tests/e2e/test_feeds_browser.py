"""Real browser: a librarian publishes a guide; member sites on other loopback origins embed
the widget (registered origin: it shows the newest arrivals and the guide; unregistered
origin: it is refused, and the widget tells the site how to register its origin)."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from consortium.accounts.origins import change_origins
from consortium.accounts.service import add_user
from consortium.catalogue.service import ingest_batch
from consortium.guides import service as guides
from tests.feeds.helpers import check_atom, check_json_feed, parse_feed

pytestmark = pytest.mark.browser

MEMBER_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>甲大学图书馆</title>
<style>body {{ font-family: "Noto Serif CJK SC", serif; }}</style></head>
<body><h1>甲大学图书馆 · 新书</h1>
<daodu-feed id="new" member="A" kind="new" count="3"></daodu-feed>
<daodu-feed id="guides" member="A" kind="guides" count="5" lang="en"></daodu-feed>
<iframe id="daodu-a" title="新书" src="{app}/embed/frame?member=A&count=2&frame=daodu-a" style="width:100%;border:0;height:10px"></iframe>
<script>addEventListener("message", function (e) {{
  if (e.origin === "{app}" && e.data && e.data.type === "daodu-embed-height") {{
    document.getElementById(e.data.frame).style.height = e.data.height + "px"; }} }});</script>
<script src="{app}/embed/widget.js"></script>
</body></html>"""


class MemberSite:
    """A static "member site" page served on its own loopback port (another origin)."""

    def __init__(self, html: str):
        body = html.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

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
def consortium(session, members):
    """A librarian of A, A's arrivals (one a month old), and an older published guide."""
    add_user(session, "wang@a.example", "browser-pass-1", "librarian", "A", "王老师")
    today = time.strftime("%Y-%m-%d")
    ingest_batch(session, members["A"], [
        {"local_id": "a1", "title": "红楼梦", "isbns": ["9787020002207"], "call_number": "I242.4/C1", "acquired_on": today},
        {"local_id": "a2", "title": "史记", "call_number": "K204.2/S1", "acquired_on": "2026-11-02"},
        {"local_id": "a3", "title": "Algorithms", "call_number": "TP301.6/C7", "acquired_on": "2026-11-10"},
        {"local_id": "a4", "title": "论语", "call_number": "B222.2/K1", "acquired_on": "2026-10-28"},
    ])
    me = SimpleNamespace(id=None, member_id=members["A"].id, is_admin=False)
    older = guides.create_guide(session, me, {"title": "上月导读"})
    guides.change_state(session, me, older.id, "publish")
    return members


@pytest.fixture
def sites(live_server, session, consortium):
    registered = MemberSite(MEMBER_PAGE.format(app=live_server.url))
    foreign = MemberSite(MEMBER_PAGE.format(app=live_server.url))
    change_origins(session, None, "A", add=[registered.origin])
    yield SimpleNamespace(registered=registered, foreign=foreign)
    registered.close()
    foreign.close()


def publish_guide_in_the_browser(page, app_url):
    page.goto(f"{app_url}/staff/login")
    page.fill("#email", "wang@a.example")
    page.fill("#password", "browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{app_url}/staff/")
    page.goto(f"{app_url}/staff/guides/new")
    page.fill("#title", "十一月新书导读")
    page.fill("#intro_md", "本月**推荐**两本书。")
    page.click("#save-guide")
    page.wait_for_selector("#guide-state")
    for query, note in (("Algorithms", "算法经典"), ("7-02-000220-X", "四大名著之首")):
        page.fill("#pick", query)
        page.click("#pick-search")
        form = page.locator(".candidates .add-form").first
        form.locator("input[name=commentary]").fill(note)
        form.locator("button").click()
        page.wait_for_selector(f"#picked-items li input[value=\"{note}\"]")
    page.click("#action-publish")
    page.wait_for_selector("#public-link")
    assert page.locator("#guide-state").inner_text() == "已发布"


def test_librarian_publishes_a_guide_and_member_sites_embed_it(page, live_server, sites):
    """Done-when of the feeds issue, end to end in chromium."""
    publish_guide_in_the_browser(page, live_server.url)
    assert [t.strip() for t in page.locator("#picked-items .title").all_inner_texts()] == ["Algorithms", "红楼梦"]

    atom = page.request.get(f"{live_server.url}/feeds/guides.atom").body()
    check_atom(atom)
    assert [e.title for e in parse_feed(atom).entries] == ["十一月新书导读", "上月导读"]
    rss = parse_feed(page.request.get(f"{live_server.url}/feeds/guides.rss").body())
    assert [e.title for e in rss.entries] == ["十一月新书导读", "上月导读"]
    doc = check_json_feed(page.request.get(f"{live_server.url}/feeds/guides.json").body())
    assert [i["title"] for i in doc["items"][0]["_daodu"]["items"]] == ["Algorithms", "红楼梦"]

    page.goto(sites.registered.origin + "/")
    page.wait_for_selector("daodu-feed#new[state=ready]")
    page.wait_for_selector("daodu-feed#guides[state=ready]")
    new_items = page.locator("daodu-feed#new li.daodu-item")
    assert new_items.count() == 3
    assert [t.split("\n")[0] for t in new_items.all_inner_texts()] == ["红楼梦", "Algorithms", "史记"]
    assert "索书号 I242.4/C1" in new_items.first.inner_text()
    assert page.locator("daodu-feed#new section[aria-labelledby] h2").count() == 1
    host_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("getComputedStyle(document.querySelector('daodu-feed#new a')).fontFamily") == host_font
    guide_titles = page.locator("daodu-feed#guides li.daodu-item a").all_inner_texts()
    assert guide_titles == ["十一月新书导读", "上月导读"]
    page.wait_for_function("document.getElementById('daodu-a').offsetHeight > 40")


def test_a_page_on_an_unregistered_origin_is_told_how_to_register(page, live_server, sites):
    """The widget shows no items and tells the site how its member registers the origin."""
    page.goto(sites.foreign.origin + "/")
    page.wait_for_selector("daodu-feed#new[state=error]")
    refused = page.locator("daodu-feed#new .daodu-error[role=alert]").inner_text()
    assert f"本网站（{sites.foreign.origin}）尚未登记为A的嵌入站点" in refused
    assert "“嵌入到您的网站”页面登记此来源" in refused and f"{live_server.url}/embed/builder" in refused
    assert page.locator("daodu-feed#new li").count() == 0
    page.wait_for_selector("daodu-feed#guides[state=error]")
    english = page.locator("daodu-feed#guides .daodu-error").inner_text()
    assert f"This site ({sites.foreign.origin}) is not registered to show A's feeds." in english
