"""The reader's status page: state, who has the question, when to expect a reply; mail on transfer."""
import pytest
from sqlmodel import select

from consortium.mail.models import OutboxMail
from consortium.reference import liaison
from consortium.reference.questions import submit_question
from tests.consortium.reference.conftest import WEDNESDAY, ask_data


@pytest.fixture
def asked(session, profiles, books, liaisons, settings):
    """A reader of A asks a humanities question on Wednesday 10:00 Beijing time; A keeps it."""
    return submit_question(session, ask_data(question="《红楼梦》有哪些好的注本？"), now=WEDNESDAY, settings=settings)


def _status(client, asked, lang="zh_CN"):
    client.set_cookie("lang", lang)
    return client.get(f"/questions/{asked['token']}").get_data(as_text=True)


def test_new_question_shows_who_has_it_and_when_to_expect_a_reply_not_answered_by(client, asked):
    """Before any answer: state 新咨询/New, "with" A's library, due times in Beijing time, no "answered by"."""
    html = _status(client, asked)
    assert "甲大学图书馆" in html and "答复馆" not in html
    # one working day after Wed 10:00 → Thu 10:00; three → Mon 16 March 10:00 (Beijing time)
    assert "2026-03-12 10:00 (北京时间)" in html and "2026-03-16 10:00 (北京时间)" in html
    english = _status(client, asked, "en")
    assert "Answered by" not in english and "With" in english and "University A Library" in english
    assert "2026-03-12 10:00 (Beijing time)" in english


def test_transfer_mails_the_reader_and_the_status_page_follows(client, session, asked, liaisons, settings):
    """Moving the question from A to B queues a mail to the reader in the transfer's transaction."""
    liaison.transfer(session, asked["id"], liaisons["A"], "工科问题，转乙馆", now=WEDNESDAY, settings=settings,
                     to_member="B")
    mails = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.moved")).all()
    assert [m.recipient for m in mails] == ["zhangsan@reader.example"]
    assert "乙大学图书馆" in mails[0].text_body and "甲大学图书馆" in mails[0].text_body
    html = _status(client, asked)
    assert "乙大学图书馆" in html and "甲大学图书馆" not in html


def test_answered_question_names_the_library_that_answered(client, session, asked, liaisons, settings):
    """After the answer the page says who answered and no longer promises a due time."""
    liaison.claim(session, asked["id"], liaisons["A"], now=WEDNESDAY, settings=settings)
    liaison.answer(session, asked["id"], liaisons["A"], "有**脂评本**和程高本。", now=WEDNESDAY, settings=settings)
    html = _status(client, asked, "en")
    assert "Answered by" in html and "University A Library" in html and "expected by" not in html
