"""HTTP: the public question API, the ask form's spam guards, the status page, staff 403s and CSRF."""
import re
import time

import pytest
from itsdangerous import URLSafeSerializer

from consortium.accounts.service import add_user
from tests.consortium.reference.conftest import ONLY_C_ISBN, ask_data
from tests.staff import csrf_token, login


@pytest.fixture
def asked(client, profiles, books, liaisons):
    response = client.post("/api/v1/questions", json=ask_data(question=f"ISBN {ONLY_C_ISBN} 在哪里？"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_post_question_answers_the_design_contract(asked):
    """201 with exactly id, status_url, routed_to and due_at; routed to the only holder."""
    assert set(asked) == {"id", "status_url", "routed_to", "due_at"}
    assert asked["routed_to"] == "C" and "/questions/" in asked["status_url"] and asked["due_at"]


def test_post_question_with_bad_fields_is_a_422_json_error(client, profiles):
    """Field errors come back in the one error payload, never a 500."""
    response = client.post("/api/v1/questions", json={"question": "", "email": "x"})
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == 422
    assert {"question", "email", "name", "home_member"} <= set(body["errors"])
    assert client.post("/api/v1/questions", data="[1,2", content_type="application/json").status_code in (400, 422)
    assert client.post("/api/v1/questions", json=[1]).status_code == 422


def test_too_many_questions_from_one_address_is_a_429_with_retry_after(app, client, profiles):
    """The sixth question within the hour is refused with the JSON error payload."""
    for i in range(5):
        assert client.post("/api/v1/questions", json=ask_data(question=f"问题 {i} 红楼梦")).status_code == 201
    response = client.post("/api/v1/questions", json=ask_data())
    assert response.status_code == 429 and response.get_json()["code"] == 429
    assert 3590 <= int(response.headers["Retry-After"]) <= 3600


def _form(app, started_ago: float, **extra):
    started = URLSafeSerializer(app.config["SECRET_KEY"], salt="reference-ask-form").dumps(str(time.time() - started_ago))
    data = dict(ask_data(question="红楼梦有哪些版本？"), started=started, consent_publish="y")
    data.update(extra)
    return data


def test_ask_form_submits_and_links_the_status_page(app, client, profiles):
    """A person's submission (CSRF token, empty honeypot, some seconds of typing) is accepted."""
    token = csrf_token(client, "/ask")
    response = client.post("/ask", data=_form(app, 10, csrf_token=token))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "已收到您的咨询" in html
    status_url = re.search(r'href="(http://[^"]+/questions/[^"]+)"', html).group(1)
    page = client.get(status_url.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert page.status_code == 200 and "红楼梦有哪些版本" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("extra", "started_ago"), [({"website": "http://spam.example"}, 10), ({}, 0.5)])
def test_ask_form_refuses_bots(app, client, profiles, extra, started_ago):
    """A filled honeypot or an instant submission is refused and nothing is stored."""
    token = csrf_token(client, "/ask")
    response = client.post("/ask", data=_form(app, started_ago, csrf_token=token, **extra))
    assert response.status_code == 422
    from sqlmodel import select

    from consortium.db import new_session
    from consortium.reference.models import Question

    with new_session(app) as s:
        assert s.exec(select(Question)).all() == []


def test_ask_form_without_csrf_is_refused(app, client, profiles):
    """The form is CSRF-protected like every page form."""
    assert client.post("/ask", data=_form(app, 10)).status_code == 400


def test_ask_about_this_title_prefills_the_work(client, profiles, books, session):
    """/ask?work=<id> names the title on the form and carries its id."""
    from sqlmodel import select

    from consortium.catalogue.models import Work

    work = session.exec(select(Work).where(Work.title == "红楼梦")).one()
    html = client.get(f"/ask?work={work.id}").get_data(as_text=True)
    assert "红楼梦" in html and f'name="work_id" value="{work.id}"' in html
    assert client.get("/ask?work=abc").status_code == 200


def test_unknown_status_token_is_a_404(client, profiles):
    """A wrong token shows nothing."""
    assert client.get("/questions/not-a-real-token").status_code == 404


def test_liaison_of_another_member_gets_403_in_pages_and_api(client, asked):
    """A's liaison cannot see or act on C's question, in the workspace or the JSON API."""
    login(client, "liaison@a.example", "liaison-pass-A")
    qid = asked["id"]
    assert client.get(f"/staff/questions/{qid}").status_code == 403
    token = csrf_token(client, "/staff/questions")
    assert client.post(f"/staff/questions/{qid}/claim", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/api/v1/staff/questions/{qid}").status_code == 403
    api_token = client.get("/api/v1/staff/csrf").get_json()["csrf_token"]
    response = client.post(f"/api/v1/staff/questions/{qid}/claim", headers={"X-CSRFToken": api_token})
    assert response.status_code == 403 and response.get_json()["code"] == 403


def test_staff_api_needs_login_and_the_csrf_header(client, asked):
    """No session: 401; a session without X-CSRFToken: 403; with it the claim works."""
    qid = asked["id"]
    assert client.get("/api/v1/staff/questions").status_code == 401
    login(client, "liaison@c.example", "liaison-pass-C")
    assert client.post(f"/api/v1/staff/questions/{qid}/claim").status_code == 403
    api_token = client.get("/api/v1/staff/csrf").get_json()["csrf_token"]
    response = client.post(f"/api/v1/staff/questions/{qid}/claim", headers={"X-CSRFToken": api_token})
    assert response.status_code == 200 and response.get_json()["status"] == "claimed"
    assert response.get_json()["reader_email"] == "zhangsan@reader.example"
    again = client.post(f"/api/v1/staff/questions/{qid}/claim", headers={"X-CSRFToken": api_token})
    assert again.status_code == 409 and "Cannot claim" in again.get_json()["message"]


def test_staff_queue_page_and_question_page_show_routing_reasons_in_chinese(client, asked):
    """C's liaison sees the question in the new tab and why it was routed there."""
    login(client, "liaison@c.example", "liaison-pass-C")
    queue = client.get("/staff/questions?tab=new").get_data(as_text=True)
    assert f'/staff/questions/{asked["id"]}' in queue
    page = client.get(f"/staff/questions/{asked['id']}").get_data(as_text=True)
    assert "馆藏所询图书 1 种" in page and "zhangsan@reader.example" in page


def test_librarians_cannot_use_the_queue(client, asked, session):
    """The queue is for liaisons and admins only."""
    add_user(session, "lib@c.example", "lib-pass-12", "librarian", "C")
    login(client, "lib@c.example", "lib-pass-12")
    assert client.get("/staff/questions").status_code == 403


def test_admin_profiles_page_saves_a_profile(client, profiles, liaisons, session):
    """The admin sets C's strengths and hours from the profiles page; the audit trail says who."""
    login(client, "admin@x.example", "admin-pass-1")
    token = csrf_token(client, "/staff/reference/profiles")
    client.post("/staff/reference/profiles", data={"csrf_token": token, "code": "C", "strengths": "TP=0.8, S=0.5",
                                                   "languages": "zh en", "capacity": "12",
                                                   "opening_hours": "mon-sat 08:00-20:00", "accepts_questions": "y"})
    from consortium.reference.common import profile_of

    session.expire_all()
    profile = profile_of(session, liaisons["C"].member_id)
    assert profile.strengths == {"TP": 0.8, "S": 0.5} and profile.capacity == 12
    audit = client.get("/staff/admin/audit?member=C").get_data(as_text=True)
    assert "修改了参考咨询设置" in audit and "admin@x.example" in audit


def test_stats_csv_export(client, asked):
    """Admins download every member's row as CSV."""
    login(client, "admin@x.example", "admin-pass-1")
    response = client.get("/staff/reference/stats?format=csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("member,") and len(lines) == 4


def test_staff_json_api_claims_answers_and_the_public_knowledge_page_shows_it(client, asked):
    """C's liaison works the question entirely over JSON; the published page is public."""
    login(client, "liaison@c.example", "liaison-pass-C")
    headers = {"X-CSRFToken": client.get("/api/v1/staff/csrf").get_json()["csrf_token"]}
    qid = asked["id"]
    assert [q["id"] for q in client.get("/api/v1/staff/questions?tab=new").get_json()["questions"]] == [qid]
    client.post(f"/api/v1/staff/questions/{qid}/claim", headers=headers)
    answered = client.post(f"/api/v1/staff/questions/{qid}/answer", headers=headers,
                           json={"body": "<p>本馆有此书。</p><img src=x onerror=alert(1)>"}).get_json()
    assert answered["status"] == "answered" and "onerror" not in answered["messages"][0]["body_html"]
    bad = client.post(f"/api/v1/staff/questions/{qid}/fly", headers=headers)
    assert bad.status_code == 422
    preview_page = client.get(f"/staff/questions/{qid}/publish").get_data(as_text=True)
    assert "张三" not in preview_page
    published = client.post(f"/api/v1/staff/questions/{qid}/publish", headers=headers,
                            json={"title": "此书在哪里", "question_text": "此书在哪里？", "answer_html": "<p>本馆有此书。</p>"})
    assert published.status_code == 200
    listing = client.get("/answers").get_data(as_text=True)
    entry_path = re.search(r'href="(/answers/\d+)"', listing).group(1)
    assert "本馆有此书" in client.get(entry_path).get_data(as_text=True)
    assert client.get("/answers/999999").status_code == 404


def test_admin_sees_every_members_queue_but_no_reader_data(client, asked):
    """The consortium admin lists C's question and sees no e-mail address."""
    login(client, "admin@x.example", "admin-pass-1")
    rows = client.get("/api/v1/staff/questions?tab=new").get_json()["questions"]
    assert [r["id"] for r in rows] == [asked["id"]]
    detail = client.get(f"/api/v1/staff/questions/{asked['id']}").get_json()
    assert detail["reader_email"] is None and "zhangsan" not in str(detail)


def test_status_page_shows_only_its_own_question(client, asked, profiles):
    """Another reader's token shows their question, never this one."""
    other = client.post("/api/v1/questions", json=ask_data(question="另一位读者的私人问题", name="李四",
                                                              email="lisi@reader.example")).get_json()
    page = client.get("/" + other["status_url"].split("/", 3)[3]).get_data(as_text=True)
    assert "另一位读者的私人问题" in page and ONLY_C_ISBN not in page and "zhangsan" not in page


def test_publish_form_on_the_review_page_publishes(client, asked):
    """The review page's form posts to the publish action and the entry goes public."""
    login(client, "liaison@c.example", "liaison-pass-C")
    token = csrf_token(client, "/staff/questions")
    qid = asked["id"]
    client.post(f"/staff/questions/{qid}/claim", data={"csrf_token": token})
    client.post(f"/staff/questions/{qid}/answer", data={"csrf_token": token, "body": "在丙馆三楼。"})
    review = client.get(f"/staff/questions/{qid}/publish").get_data(as_text=True)
    assert "审核并公开" in review
    response = client.post(f"/staff/questions/{qid}/publish", data={
        "csrf_token": token, "title": "这本书在哪里", "question_text": "这本书在哪里？", "answer_html": "在丙馆三楼。"})
    assert response.status_code == 302
    assert "这本书在哪里" in client.get("/answers").get_data(as_text=True)
    invalid = client.post(f"/staff/questions/{qid}/claim", data={"csrf_token": token}, follow_redirects=True)
    assert "无法认领已答复的咨询" in invalid.get_data(as_text=True)


def test_ask_form_over_the_limit_shows_a_friendly_429_page(app, client, profiles):
    """The sixth form submission from one address gets a translated 429 page."""
    for i in range(6):
        token = csrf_token(client, "/ask")
        response = client.post("/ask", data=_form(app, 10, csrf_token=token, question=f"红楼梦问题 {i}"))
    assert response.status_code == 429 and 3590 <= int(response.headers["Retry-After"]) <= 3600
    assert "短时间内提交的问题过多" in response.get_data(as_text=True)
