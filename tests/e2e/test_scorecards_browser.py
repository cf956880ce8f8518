"""Issue #20's done-when in a real browser: the demo's year on the scorecard pages, figures
matching the database's own counts in zh-CN and English, and the annual report printed to PDF."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding
from consortium.db import new_session
from consortium.guides.models import Guide
from consortium.reference.models import Question, QuestionEvent
from tests.conftest import LiveServer
from tests.site_tour import DESKTOP, login_page

pytestmark = pytest.mark.browser
ZONE = ZoneInfo("Asia/Shanghai")
def demo_year() -> int:
    """The calendar year holding most of the demo's year of activity (the 365 days before today):
    this year from July on, last year before (in early January this year has hardly begun)."""
    return (dt.datetime.now(ZONE) - dt.timedelta(days=182)).year


HEADINGS = {"zh-CN": ("考评记分卡", "答复咨询数", "联盟合计"), "en": ("Scorecards", "Questions answered", "The consortium")}


@pytest.fixture(scope="module")
def server(demo_site):
    live = LiveServer(demo_site.app).start()
    yield live
    live.stop()


@pytest.fixture
def admin_tab(browser, server):
    contexts = []

    def open_tab(locale):
        context = browser.new_context(locale=locale, viewport=DESKTOP)
        context.add_cookies([{"name": "lang", "value": "en" if locale == "en" else "zh_CN", "url": server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        login_page(page, server.url, "admin")
        return page

    yield open_tab
    for context in contexts:
        context.close()


def database_counts(app, year: int) -> dict:
    """Per member, counted straight from the tables: holdings first seen, guides first published
    and questions first answered within the year (Beijing calendar)."""
    start = dt.datetime(year, 1, 1, tzinfo=ZONE)
    end = dt.datetime(year + 1, 1, 1, tzinfo=ZONE)
    with new_session(app) as session:
        codes = dict(session.exec(select(Member.id, Member.code)).all())
        pushed = dict(session.exec(select(Holding.member_id, func.count()).where(
            Holding.first_seen_at >= start, Holding.first_seen_at < end).group_by(Holding.member_id)).all())
        guides = dict(session.exec(select(Guide.member_id, func.count()).where(
            Guide.published_at >= start, Guide.published_at < end).group_by(Guide.member_id)).all())
        answered: dict[int, int] = {}
        seen = set()
        for event, question in session.exec(select(QuestionEvent, Question).join(
                Question, Question.id == QuestionEvent.question_id).where(QuestionEvent.kind == "answered")
                .order_by(QuestionEvent.id)).all():
            if event.question_id in seen:
                continue
            seen.add(event.question_id)
            if start <= event.created_at.replace(tzinfo=event.created_at.tzinfo or dt.timezone.utc) < end:
                member = event.member_id or question.routed_member_id
                answered[member] = answered.get(member, 0) + 1
    return {code: {"records_pushed": pushed.get(mid, 0), "guides_published": guides.get(mid, 0),
                   "questions_answered": answered.get(mid, 0)} for mid, code in codes.items()}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_scorecards_page_shows_the_database_s_counts(demo_site, server, admin_tab, locale):
    """Every member's pushes, guides and answered questions on the page equal the tables' counts,
    a year of them (several months with answers), under headings in the page language."""
    year = demo_year()
    page = admin_tab(locale)
    page.goto(f"{server.url}/staff/scorecards?year={year}")
    for text in HEADINGS[locale]:
        assert page.get_by_text(text, exact=False).first.is_visible()
    expected = database_counts(demo_site.app, year)
    assert sum(c["questions_answered"] for c in expected.values()) >= 20
    for code, counts in expected.items():
        row = page.locator(f"#scorecards tr[data-member='{code}']")
        for name, value in counts.items():
            assert row.locator(f"td[data-measure='{name}'] .value").inner_text() == str(value), (code, name)
    card = page.goto(f"{server.url}/staff/scorecards/NJU?year={year}")
    assert card.ok
    months = page.locator("#trend-questions_answered table.chart-data tbody td").all_text_contents()
    assert sum(int(m) for m in months) == expected["NJU"]["questions_answered"]
    chart = page.locator("#trend-questions_answered svg")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("desc").text_content().strip().startswith(
        "南京大学图书馆" if locale == "zh-CN" else "Questions answered by month, Nanjing University Library")


def test_the_annual_report_prints_to_pdf_without_the_menu(demo_site, server, admin_tab, tmp_path):
    """Chromium prints the report: a PDF of A4 pages; on paper the site menu and hints are gone."""
    year = demo_year()
    page = admin_tab("zh-CN")
    page.goto(f"{server.url}/staff/scorecards/report?year={year}")
    assert page.locator("h1").inner_text() == f"{year}年度导读工作报告"
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("#report-members").is_visible() and page.locator("#report-sla svg").is_visible()
    pdf = page.pdf(path=str(tmp_path / "annual-report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 1
    assert len(pdf) > 20_000
