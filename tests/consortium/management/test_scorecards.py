"""Scorecards from real services: the JSON for admins, the pages in both languages, CSV, targets."""
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from consortium.catalogue.models import Holding
from consortium.mail.models import OutboxMail
from consortium.management.cli import scorecards_command
from consortium.reference import liaison
from consortium.reference.models import QuestionEvent
from tests.consortium.management.conftest import WEDNESDAY, answer, ask
from tests.staff import csrf_token, login


@pytest.fixture
def activity(session, members, profiles, books, liaisons, settings):
    """In March 2026: A answers two of its own readers' questions on time and one of B's late."""
    for text in ("《红楼梦》有哪些好的注本？", "《史记》有哪些注本？"):
        answer(session, ask(session, settings, question=text)["id"], liaisons["A"], settings)
    late = ask(session, settings, question="《诗经》有哪些注本？", home_member="B")
    liaison.transfer(session, late["id"], liaisons[late["routed_to"]], "甲馆古籍更全", now=WEDNESDAY,
                     settings=settings, to_member="A")
    answer(session, late["id"], liaisons["A"], settings, at=WEDNESDAY + timedelta(days=10))
    return late


def _admin(client):
    assert login(client, "admin@x.example", "admin-pass-1").status_code == 302


def _scorecards(client, year=2026):
    response = client.get(f"/api/v1/staff/scorecards?year={year}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {m["member"]: m["measures"] for m in response.get_json()["members"]}


def test_the_api_gives_each_member_s_measures_with_their_targets(client, session, activity, backend):
    """A answered 3 (2 on time: 66.7 % against 90 %), one for B's reader; B's balance is −1."""
    _admin(client)
    cards = _scorecards(client)
    assert set(cards) == {"A", "B", "C"}
    a, b = cards["A"], cards["B"]
    assert a["questions_answered"] == {"value": 3, "target": None, "met": None, "rank": None}
    assert a["answered_within_sla_pct"]["value"] == 66.7 and a["answered_within_sla_pct"]["target"] == 90
    assert a["answered_for_other_members"]["value"] == 1 and b["answered_by_other_members"]["value"] == 1
    assert b["reciprocity_balance"]["value"] == -1
    for name in ("questions_answered", "answered_within_sla_pct", "answered_for_other_members", "guides_published",
                 "records_pushed", "feedback_helpful", "feedback_not_helpful"):
        assert {"value", "target"} <= set(a[name])
    held = len(session.exec(select(Holding).where(Holding.member_id == 1)).all())
    assert a["records_pushed"]["value"] == held
    answered = {e.question_id for e in session.exec(select(QuestionEvent).where(QuestionEvent.kind == "answered")).all()}
    assert sum(c["questions_answered"]["value"] for c in cards.values()) == len(answered)


def test_a_reader_rates_from_the_answer_mail_and_the_member_s_scorecard_changes(client, app, session, activity,
                                                                              backend):
    """The reader of B follows the link in A's answer mail and rates it unhelpful: A's scorecard counts it."""
    _admin(client)
    assert _scorecards(client)["A"]["feedback_not_helpful"]["value"] == 0
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.answered",
                                                 OutboxMail.ref == f"question:{activity['id']}")).one()
    link = re.search(r"http://daodu\.test(/questions/[\w-]+)#feedback", mail.text_body).group(1)
    reader = app.test_client()
    sent = reader.post(f"{link}/feedback", data={"helpful": "no", "comment": "太晚了",
                                                 "csrf_token": csrf_token(reader, link)})
    assert sent.status_code == 302
    a = _scorecards(client)["A"]
    assert a["feedback_not_helpful"]["value"] == 1 and a["feedback_helpful_pct"]["value"] == 0.0


def test_scorecards_json_is_for_consortium_admins(client, activity):
    """Anonymous 401; a liaison 403; a bad year 422."""
    assert client.get("/api/v1/staff/scorecards?year=2026").status_code == 401
    assert login(client, "liaison@a.example", "liaison-pass-A").status_code == 302
    assert client.get("/api/v1/staff/scorecards?year=2026").status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    _admin(client)
    for bad in ("abc", "99999", "2026&term=winter"):
        assert client.get(f"/api/v1/staff/scorecards?year={bad}").status_code == 422


def test_the_overview_and_a_member_s_card_show_the_figures_in_both_languages(client, activity):
    """The tables carry the counts; every chart has a title, a description and a data table."""
    _admin(client)
    client.set_cookie("lang", "zh_CN")
    html = client.get("/staff/scorecards?year=2026").get_data(as_text=True)
    assert "考评记分卡" in html and "答复咨询数" in html and "<desc" in html and 'class="chart-data"' in html
    assert 'data-member="A"' in html
    card = client.get("/staff/scorecards/A?year=2026").get_data(as_text=True)
    assert "成员馆排名" in card and "月度趋势" in card and "66.7" in card and "3月" in card
    client.set_cookie("lang", "en")
    card = client.get("/staff/scorecards/A?year=2026&term=spring").get_data(as_text=True)
    assert "Trend by month" in card and "Spring term" in card and "Mar" in card
    assert client.get("/staff/scorecards/ZZZ?year=2026").status_code == 403


def test_member_staff_see_only_their_own_member_s_card(client, activity):
    """A liaison of B sees B's card and the consortium's, not A's."""
    assert login(client, "liaison@b.example", "liaison-pass-B").status_code == 302
    html = client.get("/staff/scorecards?year=2026").get_data(as_text=True)
    assert 'data-member="B"' in html and 'data-member="A"' not in html
    assert client.get("/staff/scorecards/A?year=2026").status_code == 403
    assert client.get("/staff/scorecards/report?year=2026").status_code == 403
    assert client.get("/staff/targets").status_code == 403


def test_the_csv_export_has_a_row_per_member_and_the_consortium(client, activity):
    _admin(client)
    response = client.get("/staff/scorecards.csv?year=2026")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["member"] for r in rows][-1] == "CONSORTIUM" and len(rows) == 4
    a = next(r for r in rows if r["member"] == "A")
    assert a["questions_answered"] == "3" and a["answered_within_sla_pct_target"] == "90"


def test_the_admin_sets_a_member_s_targets_and_bad_numbers_change_nothing(client, activity):
    """A saved target shows in the scorecards; a form with a bad number is 422, nothing saved."""
    _admin(client)
    token = csrf_token(client, "/staff/targets?year=2026")
    saved = client.post("/staff/targets", data={"csrf_token": token, "member": "A", "year": "2026",
                                                "answered_within_sla_pct": "60", "guides_per_term": "5"})
    assert saved.status_code == 302
    a = _scorecards(client)["A"]
    assert a["answered_within_sla_pct"]["target"] == 60 and a["answered_within_sla_pct"]["met"] is True
    assert a["guides_published"]["target"] == 10
    bad = client.post("/staff/targets", data={"csrf_token": token, "member": "A", "year": "2026",
                                              "answered_within_sla_pct": "150", "guides_per_term": "x"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert _scorecards(client)["A"]["answered_within_sla_pct"]["target"] == 60
    assert _scorecards(client, 2025)["A"]["answered_within_sla_pct"]["target"] == 90
    unknown = client.post("/staff/targets", data={"csrf_token": token, "member": "ZZ", "year": "2026"})
    assert unknown.status_code == 404


def test_the_scorecards_command_prints_the_csv(runner, activity):
    """`consortium scorecards --year 2026` prints the same rows as the page's CSV; a bad year is refused."""
    result = runner.invoke(scorecards_command, ["--year", "2026"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["member"] for r in rows} == {"A", "B", "C", "CONSORTIUM"}
    assert next(r for r in rows if r["member"] == "A")["questions_answered"] == "3"
    assert runner.invoke(scorecards_command, ["--year", "nineteen"]).exit_code != 0


def test_configured_default_targets_apply_to_members_and_the_consortium(client, app, activity):
    """MANAGEMENT_TARGET_DEFAULTS moves the default for every member and the consortium's row."""
    app.config["MANAGEMENT_TARGET_DEFAULTS"] = {"answered_within_sla_pct": 60}
    _admin(client)
    body = client.get("/api/v1/staff/scorecards?year=2026").get_json()
    assert {m["measures"]["answered_within_sla_pct"]["target"] for m in body["members"]} == {60}
    assert body["consortium"]["measures"]["answered_within_sla_pct"]["target"] == 60


def test_the_annual_report_ranks_members_and_shows_the_year_by_month(client, activity):
    """The report names the year, ranks every member and charts the consortium's months, in English."""
    _admin(client)
    client.set_cookie("lang", "en")
    html = client.get("/staff/scorecards/report?year=2026").get_data(as_text=True)
    assert "Reading guidance annual report 2026" in html and "The year month by month" in html
    assert all(f'data-member="{code}"' in html for code in "ABC")
    assert html.count('role="img"') == 4 and html.count("<desc") == 4
