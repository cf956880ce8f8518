"""Intake: validation, routing with recorded reasons, due times in working days, rate limits."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from consortium.errors import InvalidInput
from consortium.mail.models import OutboxMail
from consortium.reference.common import hash_token
from consortium.reference.models import Question, QuestionEvent
from consortium.reference.profiles import set_profile
from consortium.reference.questions import reader_view, submit_question
from tests.consortium.reference.conftest import ONLY_C_ISBN, WEDNESDAY, ask_data


def test_isbn_held_only_by_c_from_a_reader_of_a_routes_to_c_with_reasons(session, profiles, books, settings):
    """The issue's first acceptance case: reasons are stored on the question and in the history."""
    result = submit_question(session, ask_data(question=f"请问 ISBN {ONLY_C_ISBN} 这本书哪里能借到？"),
                             now=WEDNESDAY, settings=settings)
    assert result["routed_to"] == "C"
    question = session.get(Question, result["id"])
    assert question.routing["chosen"] == "C" and question.routing["ranking"][0]["member"] == "C"
    assert "holds 1 requested title(s)" in question.routing["ranking"][0]["summary"]
    a = next(s for s in question.routing["ranking"] if s["member"] == "A")
    assert "holds none of the requested titles" in a["summary"]
    event = session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question.id)).one()
    assert event.kind == "routed" and event.reasons["chosen"] == "C"


def test_home_member_keeps_a_question_in_its_subject(session, profiles, books, settings):
    """A reader of A asking about a novel stays with A."""
    result = submit_question(session, ask_data(question="红楼梦的版本研究有哪些文献？"), now=WEDNESDAY, settings=settings)
    assert result["routed_to"] == "A"


def test_the_status_token_is_unguessable_and_only_its_hash_is_stored(session, profiles, settings):
    """The URL's token is long and random; the row holds its SHA-256 only."""
    result = submit_question(session, ask_data(), now=WEDNESDAY, settings=settings)
    token = result["status_url"].rsplit("/", 1)[1]
    assert len(token) >= 40
    question = session.get(Question, result["id"])
    assert question.token_hash == hash_token(token) and token not in str(question.model_dump())
    assert reader_view(session, token)["id"] == question.id


def test_confirmation_and_liaison_mails_are_queued_with_the_question(session, profiles, liaisons, settings):
    """The reader's confirmation carries the status link; the routed member's liaison is told."""
    result = submit_question(session, ask_data(question="红楼梦的版本研究有哪些文献？"), now=WEDNESDAY, settings=settings)
    mails = session.exec(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert [(m.recipient, m.kind) for m in mails] == [("zhangsan@reader.example", "reference.received"),
                                                       ("liaison@a.example", "reference.routed")]
    assert result["status_url"] in mails[0].text_body


def test_invalid_input_names_the_fields_and_stores_nothing(session, profiles, settings):
    """A bad e-mail and an unknown library are field errors; nothing is written."""
    with pytest.raises(InvalidInput) as info:
        submit_question(session, ask_data(email="not-an-address", question=""), now=WEDNESDAY, settings=settings)
    assert set(info.value.errors) == {"email", "question"}
    with pytest.raises(InvalidInput, match="Unknown home library"):
        submit_question(session, ask_data(home_member="ZZZ"), now=WEDNESDAY, settings=settings)
    assert session.exec(select(Question)).all() == []


# (submitted at, expected first-response due), Beijing time; 1 working day, Mon–Fri 08:00–17:30.
DUE_CASES = [
    # Friday 17:00 before Qingming (Sat 4 – Mon 6 April 2026 off): Tuesday 17:00.
    (datetime(2026, 4, 3, 17, 0), datetime(2026, 4, 7, 17, 0)),
    # Thursday 17:00 before Labour Day (Fri 1 – Tue 5 May 2026 off): Wednesday 6 May.
    (datetime(2026, 4, 30, 17, 0), datetime(2026, 5, 6, 17, 0)),
    # Friday 17:00 after National Day: the next working day is the 调休 Saturday 10 October 2026.
    (datetime(2026, 10, 9, 17, 0), datetime(2026, 10, 10, 17, 0)),
    # Friday 17:00 before Spring Festival: Saturday 14 February 2026 is a 调休 working day.
    (datetime(2026, 2, 13, 17, 0), datetime(2026, 2, 14, 17, 0)),
    # Tuesday 30 September 2025 17:00 before National Day (1–8 October off): Thursday 9 October.
    (datetime(2025, 9, 30, 17, 0), datetime(2025, 10, 9, 17, 0)),
    # Friday 17:00 on an ordinary weekend: Monday.
    (datetime(2026, 4, 24, 17, 0), datetime(2026, 4, 27, 17, 0)),
]


@pytest.mark.parametrize(("submitted", "expected"), DUE_CASES)
def test_first_response_falls_due_on_the_right_working_day(session, members, settings, submitted, expected):
    """Friday 17:00 before a holiday, with one working day, falls due on the correct day (调休 included)."""
    set_profile(session, "A", {"opening_hours": "mon-fri 08:00-17:30", "first_response_days": 1}, now=WEDNESDAY)
    shanghai = timezone(timedelta(hours=8))
    result = submit_question(session, ask_data(question="一个关于红楼梦的问题"), settings=settings,
                             now=submitted.replace(tzinfo=shanghai))
    due = datetime.fromisoformat(result["first_response_due_at"]).astimezone(shanghai)
    assert due.replace(tzinfo=None) == expected


class CountingSearch:
    """A search port answering fixed counts per member, recording what routing asked."""

    def __init__(self, counts, fail=False):
        self.counts, self.fail, self.calls = counts, fail, []

    def count_matching(self, text, identifiers):
        self.calls.append((text, list(identifiers)))
        if self.fail:
            raise OSError("index directory unreadable")
        return self.counts


def test_search_port_matches_steer_routing_and_appear_in_the_reasons(session, profiles, settings):
    """Works the index matches with the question's words count for the member holding them."""
    search = CountingSearch({"C": 40})
    result = submit_question(session, ask_data(question="请问有没有关于晶体管放大电路的入门书？ISSN 0028-0836", home_member="B"),
                             now=WEDNESDAY, settings=settings, search=search)
    assert search.calls == [("请问有没有关于晶体管放大电路的入门书？ISSN 0028-0836", ["0028-0836"])]
    assert result["routed_to"] == "C"
    question = session.get(Question, result["id"])
    assert "holds 40 matching works" in question.routing["ranking"][0]["summary"]


def test_a_failing_search_port_does_not_stop_intake(session, profiles, settings, caplog):
    """Routing degrades to the database signals and logs the failure."""
    result = submit_question(session, ask_data(question="红楼梦的版本"), now=WEDNESDAY, settings=settings,
                             search=CountingSearch({}, fail=True))
    assert result["routed_to"] == "A" and "search port failed" in caplog.text
