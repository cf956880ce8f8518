"""Every time on staff pages is in the viewer's member's time zone (admins: the consortium's),
named where it could be doubted; the queue and the question page agree."""
import io
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from consortium.accounts.models import Member
from consortium.accounts.service import add_user
from consortium.guides import service as guides
from consortium.i18n import local_time
from consortium.imports.models import Import
from consortium.reference import liaison
from consortium.reference.questions import submit_question
from tests.consortium.reference.conftest import WEDNESDAY, ask_data
from tests.staff import login


def test_local_time_shows_a_utc_time_in_the_zone_asked_for(app):
    """Urumqi is UTC+6, the consortium default (Shanghai) UTC+8; text, naive and unknown zones are handled."""
    with app.test_request_context("/?lang=zh_CN"):
        assert local_time(WEDNESDAY, "Asia/Urumqi") == "2026-03-11 08:00"
        assert local_time(WEDNESDAY) == "2026-03-11 10:00"
        assert local_time(WEDNESDAY.isoformat(), "Europe/London", "HH:mm zzzz") == "02:00 格林尼治标准时间"
        assert local_time(WEDNESDAY.replace(tzinfo=None), "Asia/Shanghai") == "2026-03-11 10:00"
        assert local_time(WEDNESDAY, "Mars/Olympus") == "2026-03-11 10:00"
        assert local_time(None, "Asia/Shanghai") == ""
    with app.test_request_context("/?lang=en"):
        assert local_time(WEDNESDAY, "Asia/Shanghai", "HH:mm zzzz") == "10:00 China Standard Time"


@pytest.fixture
def urumqi_question(session, members, profiles, books, liaisons, settings):
    """Member A works in Urumqi time; its liaison answered a question asked at 02:00 UTC."""
    member = session.get(Member, members["A"].id)
    member.timezone = "Asia/Urumqi"
    session.add(member)
    session.commit()
    result = submit_question(session, ask_data(question="红楼梦有哪些版本？"), now=WEDNESDAY, settings=settings)
    liaison.claim(session, result["id"], liaisons["A"], now=WEDNESDAY + timedelta(minutes=30), settings=settings)
    liaison.answer(session, result["id"], liaisons["A"], "有程甲本。", now=WEDNESDAY + timedelta(hours=1),
                   settings=settings)
    return result


def _times(html: str) -> list[str]:
    return re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", html)


def test_a_liaison_reads_every_time_of_a_question_in_their_members_zone(client, urumqi_question):
    """Asked, messages and history in Urumqi time (08:00 for 02:00 UTC), the zone named once for all."""
    login(client, "liaison@a.example", "liaison-pass-A")
    html = client.get(f"/staff/questions/{urumqi_question['id']}").get_data(as_text=True)
    asked = html[html.index('id="q-asked"'):]
    assert _times(asked)[0] == "2026-03-11 08:00"
    history = html[html.index('class="history"'):]
    assert [t[-5:] for t in _times(history)] == ["08:00", "08:30", "09:00"]
    assert "已分派" in history and "已认领" in history and "routed" not in history
    conversation = html[html.index('<article class="message'):html.index('class="history"')]
    assert "2026-03-11 09:00" in _times(conversation)
    assert "时间均为乌鲁木齐时间" in html and "乌鲁木齐时间" in html[html.index('id="q-answer-due"'):][:200]


def test_an_admin_reads_the_same_question_in_the_consortiums_zone(client, session, urumqi_question, liaisons):
    """The consortium admin (no member) sees Beijing time: 10:00 for the same moment."""
    login(client, "admin@x.example", "admin-pass-1")
    html = client.get(f"/staff/questions/{urumqi_question['id']}").get_data(as_text=True)
    assert _times(html[html.index('id="q-asked"'):])[0] == "2026-03-11 10:00"
    assert "中国标准时间" in html


def test_the_queue_and_the_question_page_show_the_same_due_time(client, session, members, profiles, books, liaisons,
                                                                 settings):
    """The due time in the queue row is the question page's first-response due time."""
    result = submit_question(session, ask_data(question="红楼梦在哪？"), now=datetime.now(timezone.utc),
                             settings=settings)
    login(client, "liaison@a.example", "liaison-pass-A")
    queue = client.get("/staff/questions?tab=new").get_data(as_text=True)
    page = client.get(f"/staff/questions/{result['id']}").get_data(as_text=True)
    due_in_queue = _times(queue[queue.index("<tbody>"):])[0]
    assert due_in_queue == _times(page[page.index('id="q-first-due"'):])[0]
    assert "时间均为中国标准时间" in queue


def test_guides_and_imports_list_times_in_the_librarians_zone(client, session, members):
    """A librarian of a Urumqi member sees a guide's update time two hours behind Beijing time."""
    member = session.get(Member, members["B"].id)
    member.timezone = "Asia/Urumqi"
    session.add(member)
    session.commit()
    add_user(session, "lib@b.example", "lib-pass-2", "librarian", "B")
    guide = guides.create_guide(session, SimpleNamespace(id=None, member_id=members["B"].id, is_admin=False),
                                {"title": "新书导读"})
    login(client, "lib@b.example", "lib-pass-2")
    html = client.get("/staff/guides/").get_data(as_text=True)
    expected = guide.updated_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Asia/Urumqi"))
    assert _times(html) == [expected.strftime("%Y-%m-%d %H:%M")] and "乌鲁木齐时间" in html
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get("/staff/imports/").get_data(as_text=True)).group(1)
    report = client.post("/staff/imports/", data={"csrf_token": token, "format": "csv",
                                                  "file": (io.BytesIO(b"local_id,title\nb1,x\n"), "b.csv")})
    record = session.exec(select(Import)).one()
    uploaded = record.created_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Asia/Urumqi"))
    history = client.get("/staff/imports/").get_data(as_text=True)
    assert uploaded.strftime("%Y-%m-%d %H:%M") in _times(history) and "时间均为乌鲁木齐时间" in history
    assert "乌鲁木齐时间" in client.get(report.headers["Location"]).get_data(as_text=True)
