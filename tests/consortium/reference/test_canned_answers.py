"""Canned answers per member: the member's librarians and liaisons manage their own, admins any
member's; every change is in the audit trail; liaisons start answers from them."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from consortium.accounts.models import AuditEntry
from consortium.accounts.service import add_user
from consortium.reference import liaison
from consortium.reference.profiles import set_profile
from consortium.reference.questions import submit_question
from tests.consortium.reference.conftest import WEDNESDAY, ask_data
from tests.staff import csrf_token, login

PAGE = "/staff/reference/canned"


@pytest.fixture
def librarians(session, members):
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    add_user(session, "lib@b.example", "lib-pass-2", "librarian", "B")


def canned_ids(html: str) -> list[str]:
    return re.findall(r'action="/staff/reference/canned/([^"?]+)\?', html)


def add(client, title, body, member=None):
    path = PAGE + (f"?member={member}" if member else "")
    return client.post(path, data={"title": title, "body": body, "csrf_token": csrf_token(client, path)})


def test_a_librarian_adds_a_canned_answer_the_liaisons_start_from(client, session, profiles, books, liaisons,
                                                                   librarians, settings):
    """Added on the page by A's librarian; on A's question page it fills the answer box (no JavaScript too)."""
    login(client, "lib@a.example", "lib-pass-1")
    assert add(client, "馆际互借", "请通过**馆际互借**申请。").status_code == 302
    assert "馆际互借" in client.get(PAGE).get_data(as_text=True)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "canned.added")).one()
    assert (entry.actor, entry.target, entry.member_id) == ("lib@a.example", "馆际互借", liaisons["A"].member_id)
    result = submit_question(session, ask_data(question="红楼梦能借吗？"), now=WEDNESDAY, settings=settings)
    liaison.claim(session, result["id"], liaisons["A"], now=WEDNESDAY + timedelta(hours=1), settings=settings)
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    login(client, "liaison@a.example", "liaison-pass-A")
    question_page = f"/staff/questions/{result['id']}"
    html = client.get(question_page).get_data(as_text=True)
    assert 'data-insert-text="请通过**馆际互借**申请。"' in html and "onclick" not in html
    canned_id = canned_ids(client.get(PAGE).get_data(as_text=True))[0]
    filled = client.post(f"{question_page}/compose", data={"csrf_token": csrf_token(client, question_page),
                                                            "canned": canned_id, "body": ""})
    box = filled.get_data(as_text=True).split('id="answer-body"')[1]
    assert box.split(">", 1)[1].startswith("请通过**馆际互借**申请。")


def test_staff_manage_their_own_members_canned_answers_only(client, session, profiles, librarians):
    """B's librarian can neither read nor change A's; nothing is added."""
    login(client, "lib@b.example", "lib-pass-2")
    assert client.get(PAGE + "?member=A").status_code == 403
    assert add(client, "偷偷加", "不行", member="A").status_code in (400, 403)
    token = csrf_token(client, PAGE)
    assert client.post(PAGE + "?member=A", data={"title": "偷偷加", "body": "不行", "csrf_token": token}).status_code == 403
    assert session.exec(select(AuditEntry).where(AuditEntry.action.like("canned.%"))).all() == []


def test_an_admin_edits_and_removes_any_members_canned_answers(client, session, members, profiles, liaisons):
    """The admin chooses the member; changing and removing are audited; an answer written before ids still edits."""
    set_profile(session, "C", {"canned_answers": [{"title": "旧的", "body": "旧内容"}]}, now=WEDNESDAY)
    login(client, "admin@x.example", "admin-pass-1")
    chooser = client.get(PAGE).get_data(as_text=True)
    assert all(f'<option value="{code}"' in chooser for code in "ABC") and canned_ids(chooser) == []
    html = client.get(PAGE + "?member=C").get_data(as_text=True)
    assert "旧内容" in html
    edit_path = "/staff/reference/canned/c0?member=C"
    token = csrf_token(client, PAGE + "?member=C")
    client.post(edit_path, data={"title": "新的", "body": "新内容", "action": "save", "csrf_token": token})
    assert "新内容" in client.get(PAGE + "?member=C").get_data(as_text=True)
    new_id = canned_ids(client.get(PAGE + "?member=C").get_data(as_text=True))[0]
    client.post(f"/staff/reference/canned/{new_id}?member=C", data={"action": "remove", "csrf_token": token})
    assert "新内容" not in client.get(PAGE + "?member=C").get_data(as_text=True)
    actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.action.like("canned.%"))).all()]
    assert actions == ["canned.changed", "canned.removed"]
    assert client.post("/staff/reference/canned/nope?member=C", data={"action": "remove", "csrf_token": token}).status_code == 404


def test_a_canned_answer_without_title_or_text_is_refused_and_nothing_is_lost(client, session, profiles, librarians):
    """422 with the message; the typed text stays in the form."""
    login(client, "lib@a.example", "lib-pass-1")
    response = add(client, "", "只有内容没有标题")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "常用答复需要标题" in html and "只有内容没有标题" in html
    english = client.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "Add a canned answer" in english
