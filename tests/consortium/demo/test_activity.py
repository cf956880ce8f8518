"""The demo's year of activity: made through the real services, the same for the same day,
and enough for every member's scorecard to have something in it."""
import datetime as dt
import re
import shutil

import pytest
from sqlalchemy import func
from sqlmodel import select

from consortium import create_app
from consortium.accounts import service as accounts
from consortium.db import get_engine, new_session
from consortium.demo import activity
from consortium.demo import reference as demo_reference
from consortium.demo.loader import MEMBERS, PASSWORD, STAFF
from consortium.guides.models import Guide
from consortium.mail.models import OutboxMail
from consortium.management.models import AnswerFeedback
from consortium.management.scorecards import Settings, as_json, build_report
from consortium.reference.models import Question

TODAY = dt.date(2026, 3, 11)


def _year_of_activity(app) -> tuple[str, dict]:
    """The five demo members and their staff, then a year of activity; the summary and the scorecards."""
    with new_session(app) as session:
        for code, name, name_en, origin, _strengths in MEMBERS:
            accounts.add_member(session, code, name, name_en, [origin])
        for email, role, member, display in STAFF:
            accounts.add_user(session, email, PASSWORD, role, member, display)
        list(demo_reference.load(app, session, TODAY))
        mails_before = session.exec(select(func.count()).select_from(OutboxMail)).one()
        (line,) = activity.load(app, session, TODAY)
        spring = as_json(build_report(session, 2025, "autumn", today=TODAY, settings=Settings()))
        counts = {"guides": session.exec(select(func.count()).select_from(Guide)).one(),
                  "ratings": session.exec(select(func.count()).select_from(AnswerFeedback)).one(),
                  "questions": session.exec(select(func.count()).select_from(Question)).one(),
                  "mails_left": session.exec(select(func.count()).select_from(OutboxMail)).one() - mails_before}
    return line, {"scorecards": spring, "counts": counts}


@pytest.mark.slow
def test_a_year_of_activity_is_the_same_for_the_same_day_and_fills_every_scorecard(app, tmp_path, migrated_sqlite):
    """Two loads on the same day give the same year; every member pushed, published, answered
    (some late) and was rated; the summary line tells the truth."""
    line, first = _year_of_activity(app)
    shutil.copy(migrated_sqlite, tmp_path / "again.sqlite3")
    again = create_app({"TESTING": True, "SECRET_KEY": "x", "CONSORTIUM_BACKGROUND_JOBS": False,
                        "CONSORTIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'again.sqlite3'}",
                        "SEARCH_INDEX_DIR": str(tmp_path / "index2")}, instance_path=str(tmp_path / "instance2"))
    try:
        assert _year_of_activity(again) == (line, first)
    finally:
        get_engine(again).dispose()
    numbers = dict(zip(("records", "pushes", "guides", "questions", "answered", "late", "ratings"),
                       map(int, re.findall(r"\d+", line))))
    demo_questions = first["counts"]["questions"] - numbers["questions"]
    assert numbers["guides"] == first["counts"]["guides"] and numbers["ratings"] == first["counts"]["ratings"]
    assert 0 <= demo_questions <= 6 and numbers["late"] >= 5
    assert first["counts"]["mails_left"] == 0, "the year's mails went out back then, not at the demo's start"
    members = {m["member"]: m["measures"] for m in first["scorecards"]["members"]}
    assert set(members) == {code for code, *_ in MEMBERS}
    for measures in members.values():
        assert measures["records_pushed"]["value"] > 0 and measures["questions_answered"]["value"] > 0
        assert measures["feedback_helpful"]["value"] + measures["feedback_not_helpful"]["value"] > 0
    assert 0 < first["scorecards"]["consortium"]["measures"]["answered_within_sla_pct"]["value"] < 100
    assert sorted(m["rank"] for m in first["scorecards"]["members"])[0] == 1
