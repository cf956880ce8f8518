"""The reference demo content loads through the real services on a small demo-like catalogue."""
import datetime as dt

from sqlmodel import select

from consortium.accounts import service as accounts
from consortium.catalogue.service import ingest_batch
from consortium.demo import reference as demo_reference
from consortium.demo.loader import MEMBERS, PASSWORD, STAFF
from consortium.reference.models import KnowledgeEntry, Question


def test_demo_loads_profiles_and_questions_in_every_state(app, session):
    """Questions end up new, claimed, waiting, answered (published) and transferred."""
    for code, name, name_en, origin, _strengths in MEMBERS:
        accounts.add_member(session, code, name, name_en, [origin])
    for email, role, member, display in STAFF:
        accounts.add_user(session, email, PASSWORD, role, member, display)
    ingest_batch(session, accounts.get_member(session, "NJAU"), [
        {"local_id": "n1", "title": "土壤学", "authors": ["黄昌勇"], "clc": "S15"}])
    ingest_batch(session, accounts.get_member(session, "SEU"), [
        {"local_id": "s1", "title": "Pattern Recognition and Machine Learning", "authors": ["Bishop"],
         "isbns": ["9780387310732"], "clc": "TP181", "language": "en"}])
    lines = list(demo_reference.load(app, session, dt.date(2026, 3, 11)))
    assert lines[0].startswith("Reference queue: profiles for 5 members")
    statuses = {q.status for q in session.exec(select(Question)).all()}
    assert statuses == {"new", "claimed", "waiting", "answered"}
    assert len(session.exec(select(KnowledgeEntry)).all()) == 1
    isbn_question = session.exec(select(Question).where(Question.text.contains("9780387310732"))).one()
    assert isbn_question.routing["chosen"] == "SEU"
