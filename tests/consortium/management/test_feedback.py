"""Readers rate answers through their private link; liaisons read their member's ratings."""
import re

import pytest
from sqlmodel import select

from consortium.mail.models import OutboxMail
from consortium.management.feedback import forget_scrubbed_comments, member_feedback
from consortium.management.models import AnswerFeedback
from consortium.reference.models import Question
from tests.consortium.management.conftest import WEDNESDAY, answer, ask
from tests.staff import csrf_token, login

COMMENT = "我是张三，电话13812345678，这个答复很有用"


@pytest.fixture
def asked(session, profiles, books, liaisons, settings):
    """A reader of A asks a question A keeps."""
    return ask(session, settings, question="《红楼梦》有哪些好的注本？")


@pytest.fixture
def answered(session, asked, liaisons, settings):
    answer(session, asked["id"], liaisons["A"], settings)
    return asked


def _rate(client, token, body):
    return client.post(f"/api/v1/questions/{token}/feedback", json=body)


def _rows(session):
    session.expire_all()
    return session.exec(select(AnswerFeedback)).all()


def test_rating_before_any_answer_is_refused_with_409_and_nothing_is_stored(client, session, asked):
    """No answer yet: 409 with the error payload, and no rating row."""
    response = _rate(client, asked["token"], {"helpful": True})
    assert response.status_code == 409 and response.get_json()["code"] == 409
    assert _rows(session) == []


def test_rating_an_answer_is_201_and_a_second_rating_replaces_the_first(client, session, answered, backend):
    """One rating per question: the second changes it, it does not add another."""
    first = _rate(client, answered["token"], {"helpful": False, "comment": "没有回答我的问题"})
    assert first.status_code == 201 and first.get_json() == {"question": answered["id"], "helpful": False,
                                                              "replaced": False}
    second = _rate(client, answered["token"], {"helpful": True})
    assert second.status_code == 201 and second.get_json()["replaced"] is True
    rows = _rows(session)
    assert len(rows) == 1 and rows[0].helpful is True and rows[0].comment is None
    assert rows[0].member_id == session.exec(select(Question)).one().routed_member_id


@pytest.mark.parametrize("body", [{}, {"helpful": "maybe"}, {"helpful": None}, {"helpful": True, "comment": "x" * 2001},
                                  [True], "helpful"])
def test_a_rating_that_is_not_helpful_true_or_false_is_422_and_changes_nothing(client, session, answered, body):
    """Bad bodies get a 422 naming the problem; the stored rating stays as it was."""
    assert _rate(client, answered["token"], {"helpful": True}).status_code == 201
    response = _rate(client, answered["token"], body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert [r.helpful for r in _rows(session)] == [True]


def test_an_unknown_token_is_404(client, answered):
    """A guessed link finds nothing."""
    assert _rate(client, "not-a-real-token", {"helpful": True}).status_code == 404


def test_the_answer_mail_links_to_a_page_where_the_reader_rates_it(client, session, answered):
    """The answer mail carries a private link; its page shows the rating form, which stores the rating."""
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.answered")).one()
    link = re.search(r"http://daodu\.test(/questions/[\w-]+)#feedback", mail.text_body).group(1)
    assert link in mail.html_body and answered["token"] not in mail.text_body
    client.set_cookie("lang", "en")
    page = client.get(link).get_data(as_text=True)
    assert "Did this answer help you?" in page
    response = client.post(f"{link}/feedback", data={"helpful": "no", "comment": "太简略",
                                                     "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{link}#feedback")
    rows = _rows(session)
    assert [(r.helpful, r.comment) for r in rows] == [(False, "太简略")]
    client.set_cookie("lang", "zh_CN")
    again = client.get(link).get_data(as_text=True)
    assert "您的评价：答复没有帮助" in again and "太简略" in again


def test_the_status_page_form_without_a_choice_is_422_and_keeps_the_comment(client, session, answered):
    """Forgetting to choose helpful or not shows the page again, the typed comment still there."""
    path = f"/questions/{answered['token']}"
    response = client.post(f"{path}/feedback", data={"comment": "写了很长的意见", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 422
    assert "写了很长的意见" in response.get_data(as_text=True) and _rows(session) == []


def test_only_the_handling_liaison_reads_the_comment_as_written(client, session, answered, liaisons, second_liaison_a):
    """Others of the member, and admins, read it with the reader's name and phone removed;
    another member's liaison reads none of it."""
    assert _rate(client, answered["token"], {"helpful": True, "comment": COMMENT}).status_code == 201
    handling = member_feedback(session, liaisons["A"])
    assert [r["comment"] for r in handling] == [COMMENT]
    for other in (second_liaison_a, liaisons["admin"]):
        (row,) = member_feedback(session, other)
        assert "13812345678" not in row["comment"] and "张三" not in row["comment"] and "这个答复很有用" in row["comment"]
    assert member_feedback(session, liaisons["B"]) == []
    with pytest.raises(Exception, match="own member"):
        member_feedback(session, liaisons["B"], "A")


def test_the_feedback_page_shows_the_member_s_ratings_in_both_languages(client, session, answered, liaisons):
    """The handling liaison's page lists the rating with the comment as written."""
    _rate(client, answered["token"], {"helpful": False, "comment": COMMENT})
    assert login(client, "liaison@a.example", "liaison-pass-A").status_code == 302
    client.set_cookie("lang", "zh_CN")
    html = client.get("/staff/feedback").get_data(as_text=True)
    assert "读者评价" in html and "没有帮助" in html and COMMENT in html
    client.set_cookie("lang", "en")
    html = client.get("/staff/feedback").get_data(as_text=True)
    assert "Readers' feedback" in html and "Not helpful" in html
    assert client.get("/staff/feedback?member=B").status_code == 403


def test_comments_of_scrubbed_questions_are_forgotten(client, session, answered, backend):
    """After the retention scrub, the comment as written goes; the redacted one stays."""
    _rate(client, answered["token"], {"helpful": True, "comment": COMMENT})
    question = session.exec(select(Question)).one()
    question.scrubbed_at = WEDNESDAY
    session.add(question)
    session.commit()
    assert forget_scrubbed_comments(session) == 1
    (row,) = _rows(session)
    assert row.comment is None and "13812345678" not in row.comment_redacted


def test_too_many_ratings_from_one_address_are_429(client, app, answered):
    """The API's per-address limit (MANAGEMENT_FEEDBACK_RATE_LIMIT) answers 429 with Retry-After."""
    app.config["MANAGEMENT_FEEDBACK_RATE_LIMIT"] = "2 per hour"
    assert [_rate(client, answered["token"], {"helpful": True}).status_code for _ in range(2)] == [201, 201]
    refused = _rate(client, answered["token"], {"helpful": False})
    assert refused.status_code == 429 and refused.headers.get("Retry-After")
