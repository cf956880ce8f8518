"""Knowledge base publishing with redaction, consent withdrawal, the answers port, statistics."""
from datetime import timedelta

import pytest
from sqlmodel import select

from consortium.errors import Conflict, PermissionDenied
from consortium.ports import ANSWERS
from consortium.reference import knowledge, liaison
from consortium.reference import stats as reference_stats
from consortium.reference.models import KnowledgeEntry
from consortium.reference.questions import reader_view, submit_question, withdraw_consent
from tests.consortium.reference.conftest import WEDNESDAY, ask_data

T1 = WEDNESDAY + timedelta(hours=2)


@pytest.fixture
def answered(session, profiles, books, liaisons, settings):
    text = "我是张三，学号 2023123456，电话 13912345678。请问红楼梦有哪些版本？"
    result = submit_question(session, ask_data(question=text), now=WEDNESDAY, settings=settings)
    liaison.claim(session, result["id"], liaisons["A"], now=WEDNESDAY + timedelta(hours=1), settings=settings)
    liaison.answer(session, result["id"], liaisons["A"], "<p>张三同学：主要有程甲本、程乙本。</p>", now=T1, settings=settings)
    return result


def test_preview_redacts_name_student_number_and_phone(session, answered, liaisons):
    """The liaison reviews a text with the reader's personal data already removed."""
    preview = knowledge.preview(session, answered["id"], liaisons["A"])
    for secret in ("张三", "2023123456", "13912345678"):
        assert secret not in preview["question_text"] + preview["answer_html"] + preview["title"]
    assert {f["kind"] for f in preview["found"]} >= {"name", "student_number", "phone"}


def test_publish_redacts_again_and_the_answers_port_lists_it(session, app, answered, liaisons):
    """Personal data typed back in during review is removed again; the port serves the entry."""
    entry = knowledge.publish(session, answered["id"], liaisons["A"], title="红楼梦的版本",
                              question_text="张三问：红楼梦有哪些版本？", answer_md="程甲本、程乙本", now=T1)
    assert "张三" not in entry.question_html
    items = app.extensions[ANSWERS].published(member="A")
    assert [i["title"] for i in items] == ["红楼梦的版本"] and items[0]["url"] == f"/answers/{entry.id}"
    assert items[0]["published_at"].tzinfo is not None


def test_withdrawing_consent_unpublishes(session, app, answered, liaisons):
    """The reader's withdrawal takes the entry off the public list and the feeds' port."""
    knowledge.publish(session, answered["id"], liaisons["A"], title="红楼梦的版本", question_text="问",
                      answer_md="答", now=T1)
    token = answered["status_url"].rsplit("/", 1)[1]
    assert withdraw_consent(session, token, now=T1) is True
    assert app.extensions[ANSWERS].published() == []
    assert reader_view(session, token)["consent_publish"] is False
    with pytest.raises(Conflict, match="not consented"):
        knowledge.preview(session, answered["id"], liaisons["A"])


def test_no_publishing_without_consent_or_by_another_member(session, profiles, liaisons, settings):
    """Consent is required and only the answering member publishes."""
    result = submit_question(session, ask_data(question="红楼梦版本", consent_publish=False), now=WEDNESDAY, settings=settings)
    liaison.claim(session, result["id"], liaisons["A"], now=T1, settings=settings)
    liaison.answer(session, result["id"], liaisons["A"], "答", now=T1, settings=settings)
    with pytest.raises(Conflict):
        knowledge.preview(session, result["id"], liaisons["A"])
    with pytest.raises(PermissionDenied):
        knowledge.preview(session, result["id"], liaisons["B"])
    assert session.exec(select(KnowledgeEntry)).all() == []


def test_stats_count_received_answered_transfers_and_medians(session, profiles, books, liaisons, settings, backend):
    """A answers one question in 2 working hours and transfers another to B."""
    one = submit_question(session, ask_data(question="红楼梦版本"), now=WEDNESDAY, settings=settings)
    two = submit_question(session, ask_data(question="红楼梦人物"), now=WEDNESDAY, settings=settings)
    liaison.claim(session, one["id"], liaisons["A"], now=WEDNESDAY, settings=settings)
    liaison.answer(session, one["id"], liaisons["A"], "答", now=T1, settings=settings)
    liaison.transfer(session, two["id"], liaisons["A"], "请 B 馆", now=T1, settings=settings, to_member="B")
    rows = reference_stats.member_stats(session, liaisons["admin"], WEDNESDAY - timedelta(days=1),
                                        WEDNESDAY + timedelta(days=1), now=T1, settings=settings)
    by = {r["member"]: r for r in rows}
    assert (by["A"]["received"], by["A"]["answered"], by["A"]["transferred_out"]) == (2, 1, 1)
    assert by["A"]["median_hours_first_response"] == 2.0 and by["A"]["median_hours_answer"] == 2.0
    assert (by["B"]["received"], by["B"]["transferred_in"]) == (1, 1)
    assert by["A"]["reciprocity_balance"] == -1
    csv_text = reference_stats.stats_csv(rows)
    assert csv_text.splitlines()[0].startswith("member,received,answered")
    assert len(csv_text.splitlines()) == 4


def test_liaisons_see_only_their_own_members_statistics(session, profiles, liaisons, settings):
    """A liaison's rows are their member's; asking for another member is refused."""
    rows = reference_stats.member_stats(session, liaisons["B"], WEDNESDAY, WEDNESDAY + timedelta(days=1),
                                        now=T1, settings=settings)
    assert [r["member"] for r in rows] == ["B"]
    with pytest.raises(PermissionDenied):
        reference_stats.member_stats(session, liaisons["B"], WEDNESDAY, WEDNESDAY + timedelta(days=1),
                                     now=T1, settings=settings, member_code="A")
