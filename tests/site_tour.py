"""Every page of the service with the data it needs: the demo consortium, loaded once.

``PAGES`` is the one list of pages a person can open. The phone-width test, the zh-CN
translation test and ``make screenshots`` (``python -m tests.site_tour screenshots``) all walk
it, and a test fails when a registered page endpoint is in neither ``PAGES`` nor ``NOT_PAGES``:
a feature adding a page adds one line here.
"""
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from consortium import create_app
from consortium.accounts.models import Member
from consortium.accounts.users import LinkSettings, invite_user
from consortium.catalogue.models import Holding
from consortium.db import get_engine, new_session
from consortium.db.migrate import upgrade
from consortium.demo.loader import PASSWORD, load_demo
from consortium.guides.models import Guide
from consortium.imports.service import create_import
from consortium.mail.models import OutboxMail
from consortium.management.models import Notice
from consortium.reference.common import ReferenceSettings
from consortium.reference.models import KnowledgeEntry, Question
from consortium.reference.questions import submit_question
from consortium.search.operations import sync_index
from consortium.subscriptions.mails import TemplateMailer
from consortium.subscriptions.service import SubscriptionSettings, confirm, subscribe

# who opens a page: None is a reader; the others are demo staff accounts
ACCOUNTS = {
    "librarian": "librarian@nju.demo.daodu.example",
    "liaison": "liaison@seu.demo.daodu.example",
    "liaison_njau": "liaison@njau.demo.daodu.example",
    "admin": "admin@demo.daodu.example",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # formatted with the site's facts: "/works/{work_id}"
    role: str | None = None
    status: int = 200
    # a whole page in a browser; False for HTML fragments that member sites include in their own
    # pages (the phone test then has nothing of its own to measure)
    standalone: bool = True


PAGES = [
    Page("home", "/"),
    Page("member", "/members/NJU"),
    Page("search", "/search?q=小说"),
    Page("search-filtered", "/search?q=小说&member=NJU&year_from=2001&year_to=2010"),
    Page("search-nothing", "/search?q=zzqqxxyy&format=book"),
    Page("record", "/works/{work_id}"),
    Page("ask", "/ask?work={work_id}"),
    Page("status", "/questions/{token}"),
    Page("answers", "/answers"),
    Page("answer", "/answers/{entry_id}"),
    Page("new-arrivals", "/new-arrivals"),
    Page("new-arrivals-filtered", "/new-arrivals?member=SEU&clc=T&format=book"),
    Page("guides", "/guides"),
    Page("guide", "/guides/{guide_id}"),
    Page("embed-fragment", "/embed/fragment?member=NJU", standalone=False),
    Page("embed-frame", "/embed/frame?member=NJU"),
    Page("embed-chat", "/embed/chat?member=NJU"),
    Page("login", "/staff/login"),
    Page("not-found", "/works/99999999", status=404),
    Page("forbidden", "/staff/reference/profiles", role="librarian", status=403),
    Page("staff-home", "/staff/", role="librarian"),
    Page("staff-guides", "/staff/guides/", role="librarian"),
    Page("guide-new", "/staff/guides/new", role="librarian"),
    Page("guide-edit", "/staff/guides/{guide_id}", role="librarian"),
    Page("embed-builder", "/embed/builder", role="librarian"),
    Page("imports", "/staff/imports/", role="librarian"),
    Page("import-report", "/staff/imports/{import_id}", role="librarian"),
    Page("queue", "/staff/questions", role="liaison"),
    Page("question", "/staff/questions/{question_id}", role="liaison"),
    Page("publish-preview", "/staff/questions/{answered_id}/publish", role="liaison_njau"),
    Page("profiles", "/staff/reference/profiles", role="admin"),
    Page("stats", "/staff/reference/stats", role="admin"),
    Page("canned", "/staff/reference/canned", role="liaison"),
    Page("chat-desk", "/staff/chats", role="liaison"),
    Page("guide-preview", "/staff/guides/{guide_id}/preview", role="librarian"),
    Page("admin-members", "/staff/admin/members", role="admin"),
    Page("admin-member", "/staff/admin/members/NJU", role="admin"),
    Page("admin-keys", "/staff/admin/keys", role="admin"),
    Page("admin-audit", "/staff/admin/audit", role="admin"),
    Page("admin-users", "/staff/admin/users/", role="admin"),
    Page("admin-user", "/staff/admin/users/{invited_id}", role="admin"),
    Page("set-password", "/staff/password/{invite_token}"),
    Page("match-reviews", "/staff/catalogue/reviews", role="librarian"),
    Page("match-work", "/staff/catalogue/works/{work_id}", role="librarian"),
    Page("feedback", "/staff/feedback", role="liaison"),
    Page("scorecards", "/staff/scorecards", role="admin"),
    Page("scorecard", "/staff/scorecards/SEU", role="liaison"),
    Page("annual-report", "/staff/scorecards/report", role="admin"),
    Page("targets", "/staff/targets", role="admin"),
    Page("directory", "/staff/directory", role="librarian"),
    Page("contact", "/staff/directory/me", role="liaison"),
    Page("notices", "/staff/notices", role="liaison"),
    Page("notice", "/staff/notices/{notice_id}", role="liaison"),
    Page("notices-admin", "/staff/notices", role="admin"),
    Page("notice-receipts", "/staff/notices/{notice_id}", role="admin"),
    Page("subscribe", "/subscribe?q=小说&member=NJU&clc=I"),
    Page("subscription-confirm", "/subscriptions/{subscription_token}/confirm"),
    Page("subscription", "/subscriptions/{subscription_token}"),
    Page("unsubscribe", "/subscriptions/{subscription_token}/unsubscribe"),
    Page("admin-subscriptions", "/staff/admin/subscriptions/", role="admin"),
    Page("resources", "/resources"),
    Page("resources-tp-njau", "/resources?subject=TP&format=database&home_member=NJAU&available=1"),
    Page("resources-librarian", "/resources?subject=T", role="librarian"),
]

# GET endpoints that are no page for a person (feeds, files, redirects, APIs): they need no
# phone layout or translation check.
NOT_PAGES = {
    "static", "feeds.feed", "feeds.opml", "feeds.search_feed", "embed.widget", "embed.feed_json", "oai.endpoint",
    "search_pages.opensearch", "search_pages.cite", "search_pages.choose_home_member", "pages.switch_language",
    "compose.preview", "admin.index", "reference_chat.events", "chat_api.chat_view", "chat_api.events",
    "reference.chat_panel", "api-docs.openapi_json", "operations.healthz", "operations.readyz", "operations.metrics",
    "catalogue_staff.go",
    "management.export_csv",
}


@dataclass
class Site:
    app: object
    facts: dict

    def url(self, page: Page) -> str:
        return page.path.format(**self.facts)


def build_site(root: Path, **config) -> Site:
    """The demo consortium in ``root`` (database, index, mail folder), indexed, with the ids pages need."""
    root.mkdir(parents=True, exist_ok=True)
    app = create_app({"TESTING": False, "SECRET_KEY": "site-tour", "CONSORTIUM_BACKGROUND_JOBS": False,
                      "CONSORTIUM_DATABASE_URL": f"sqlite:///{root / 'consortium.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(root / "index"), "MAIL_FOLDER": str(root / "mail"),
                      "REFERENCE_MIN_FILL_SECONDS": 1, **config}, instance_path=str(root / "instance"))
    upgrade(get_engine(app))
    for _line in load_demo(app, today=dt.date.today()):
        pass
    sync_index(app)
    return Site(app, _facts(app))


def _facts(app) -> dict:
    with new_session(app) as session:
        nju = session.exec(select(Member).where(Member.code == "NJU")).one()
        seu = session.exec(select(Member).where(Member.code == "SEU")).one()
        holders: dict[int, set] = {}
        for work_id, member_id in session.exec(select(Holding.work_id, Holding.member_id)).all():
            holders.setdefault(work_id, set()).add(member_id)
        work_id = max(sorted(holders), key=lambda w: len(holders[w]))
        asked = submit_question(session, {"question": "这本书哪里可以借到？", "name": "读者甲", "email": "reader@example.edu.cn",
                                          "home_member": "NJU", "work_id": work_id},
                                now=dt.datetime.now(dt.timezone.utc), settings=ReferenceSettings.from_config(app.config))
        record = create_import(session, nju, filename="new-books.csv", fmt="csv",
                               stream=io.BytesIO("local_id,title\nx1,测试书\n".encode()),
                               import_dir=app.config["MEMBER_SITES_IMPORT_DIR"])
        entry = session.exec(select(KnowledgeEntry)).first()
        invited = invite_user(session, None, "invited@nju.demo.daodu.example", "liaison", "NJU", "受邀馆员",
                              now=dt.datetime.now(dt.timezone.utc),
                              link=LinkSettings(base_url=app.config["CONSORTIUM_BASE_URL"]))
        mail = session.exec(select(OutboxMail).where(OutboxMail.recipient == invited.email)).one()
        return {"subscription_token": _subscription_token(app, session),
            "invited_id": invited.id, "invite_token": re.search(r"/staff/password/([\w-]+)", mail.text_body).group(1),
            "work_id": work_id, "token": asked["token"], "asked_id": asked["id"],
            "guide_id": session.exec(select(Guide.id).where(Guide.member_id == nju.id)).first(),
            "entry_id": entry.id, "answered_id": entry.question_id, "import_id": record.id,
            "question_id": session.exec(select(Question.id).where(Question.routed_member_id == seu.id)).first(),
            "notice_id": session.exec(select(Notice.id)).first(),
        }


def _subscription_token(app, session) -> str:
    """A reader's subscription to a search (confirmed), by the token of its confirmation mail."""
    settings = SubscriptionSettings.from_config(app.config)
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        subscribe(session, {"email": "subscriber@example.edu.cn", "search": {"q": "小说", "member": ["NJU"]},
                            "frequency": "weekly", "home_member": "NJU"}, now=now, settings=settings,
                  mailer=TemplateMailer(session, settings.base_url))
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "subscription.confirm")).one()
    token = re.search(r"/subscriptions/([\w-]+)/confirm", mail.text_body).group(1)
    confirm(session, token, now=now, settings=settings)
    return token


def login_client(client, role: str | None) -> None:
    """Log a test client in as the demo account of ``role`` (readers stay anonymous)."""
    from tests.staff import login

    if role:
        assert login(client, ACCOUNTS[role], PASSWORD).status_code == 302


def login_page(page, base: str, role: str | None) -> None:
    """Log a browser page in through the login form."""
    if not role:
        return
    page.goto(f"{base}/staff/login")
    page.fill("#email", ACCOUNTS[role])
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/staff/**")


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def screenshots(out: Path) -> int:
    """Every page in zh-CN and English at desktop and phone width, as PNG files in ``out``."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer

    out.mkdir(parents=True, exist_ok=True)
    site = build_site(Path(tempfile.mkdtemp(prefix="daodu-tour-")))
    server = LiveServer(site.app).start()
    count = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for locale, lang in (("zh-CN", "zh_CN"), ("en", "en")):
                for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                    for role in [None, *ACCOUNTS]:
                        pages = [p for p in PAGES if p.role == role]
                        if not pages:
                            continue
                        context = browser.new_context(locale=locale, viewport=viewport,
                                                      is_mobile=width == "phone", has_touch=width == "phone")
                        context.add_cookies([{"name": "lang", "value": lang, "url": server.url}])
                        tab = context.new_page()
                        login_page(tab, server.url, role)
                        for p in pages:
                            tab.goto(server.url + site.url(p))
                            tab.screenshot(path=str(out / f"{p.name}.{lang}.{width}.png"), full_page=True)
                            count += 1
                        context.close()
            browser.close()
    finally:
        server.stop()
    return count


if __name__ == "__main__":
    if sys.argv[1:2] != ["screenshots"]:
        sys.exit("usage: python -m tests.site_tour screenshots [DIR]")
    target = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    print(f"{screenshots(target)} screenshots written to {target}/")


def demo_site(tmp_path_factory):
    """The demo site as a session fixture: a conftest says ``demo_site = pytest.fixture(scope="session")(site_tour.demo_site)``."""
    site = build_site(tmp_path_factory.mktemp("site-tour"))
    yield site
    get_engine(site.app).dispose()
