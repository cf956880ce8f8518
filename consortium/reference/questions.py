"""Reader side of the reference queue: intake, the private status page, replies, consent.

The reader's only way in is the status token: ``secrets.token_urlsafe`` handed out once,
stored only as its SHA-256. How often a reader may ask is limited in front of this service,
by Flask-Limiter on the question endpoints (``consortium.reference.viewhelpers``).
"""
import secrets
from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.catalogue.models import Work
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput, NotFound
from consortium.reference import notices as reference_mail
from consortium.reference.common import (
    ReferenceSettings,
    calendar_for,
    hash_token,
    iso,
    profile_of,
    record_event,
    set_due_times,
)
from consortium.reference.models import KnowledgeEntry, Question, QuestionMessage, ReaderLink
from consortium.reference.placement import decide, member_id_for, question_clc
from consortium.reference.states import transition
from consortium.web.converters import MAX_ID
from consortium.web.markup import clean_text_to_html
from member_sites.record.xmlchars import strip_forbidden

LANGUAGES = ("zh", "en")


class IntakeSchema(Schema):
    """The question form and ``POST /api/v1/questions`` body (DESIGN.md)."""

    class Meta:
        unknown = EXCLUDE

    question = fields.String(required=True, validate=validate.Length(min=3, max=5000))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    home_member = fields.String(required=True, validate=validate.Length(min=1, max=32))
    work_id = fields.Integer(load_default=None, allow_none=True, strict=False, validate=validate.Range(min=1, max=MAX_ID))
    language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LANGUAGES))
    consent_publish = fields.Boolean(load_default=False)

    @pre_load
    def _xml_safe(self, data, **_kwargs):
        """The question reaches liaisons' mail, feeds and exports: what XML forbids goes."""
        if not isinstance(data, dict):
            raise ValidationError("The question must be a JSON object.", "_schema")
        return {key: strip_forbidden(value) if isinstance(value, str) else value for key, value in data.items()}


def validate_intake(data: dict) -> dict:
    try:
        loaded = IntakeSchema().load(data or {})
    except ValidationError as exc:
        raise InvalidInput("The question could not be submitted: please check the fields.", exc.messages) from None
    loaded["question"] = loaded["question"].strip()
    loaded["name"] = " ".join(loaded["name"].split())
    if len(loaded["question"]) < 3:
        raise InvalidInput("Please write your question.", {"question": ["Too short."]})
    return loaded


def _guess_language(text: str) -> str:
    """Chinese when the question has any Han character, else English."""
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "en"


def submit_question(session: Session, data: dict, *, now: datetime, settings: ReferenceSettings,
                    search=None, on_commit=None, token: str | None = None, token_hash: str | None = None) -> dict:
    """Validate, route and store a question; queue the mails; answer the status link.

    A chat that goes on as a question hands in its own ``token`` (the reader's link stays the
    same), or only its ``token_hash`` when the reader is gone (the mail then has no link)."""
    values = validate_intake(data)
    home_id = member_id_for(session, values["home_member"].strip().upper())
    if home_id is None:
        raise InvalidInput("Unknown home library.", {"home_member": ["Unknown member code."]})
    if values["work_id"] is not None and session.get(Work, values["work_id"]) is None:
        raise InvalidInput("Unknown work.", {"work_id": ["No such work."]})
    if token is None and token_hash is None:
        token = secrets.token_urlsafe(32)
    with UnitOfWork(session) as uow:
        question = Question(
            text=values["question"], reader_name=values["name"], reader_email=values["email"].lower(),
            home_member_id=home_id, work_id=values["work_id"], language=values["language"] or _guess_language(values["question"]),
            consent_publish=values["consent_publish"], token_hash=token_hash or hash_token(token),
            clc=question_clc(session, values["question"], values["work_id"]), created_at=now, updated_at=now)
        session.add(question)
        session.flush()
        decision = decide(session, question, now, settings, search)
        question.routed_member_id = member_id_for(session, decision.chosen)
        question.routing = decision.as_dict()
        set_due_times(session, question, now, settings)
        record_event(session, question, "routed", now, who="system", member_id=question.routed_member_id,
                     reasons=question.routing)
        status_url = f"{settings.base_url}/questions/{token}" if token else None
        reference_mail.reader_received(session, question, status_url)
        reference_mail.liaisons_routed(session, question, settings, "reference.routed")
        if on_commit:
            uow.after_commit(on_commit)
    return {"id": question.id, "status_url": status_url, "token": token, "routed_to": decision.chosen,
            "due_at": iso(question.answer_due_at), "first_response_due_at": iso(question.first_response_due_at)}


def question_for_token(session: Session, token: str) -> Question:
    """The question a status token, or a link minted for a later mail, opens."""
    token_hash = hash_token(token or "")
    question = session.exec(select(Question).where(Question.token_hash == token_hash)).first()
    if question is None:
        question = session.exec(select(Question).join(ReaderLink, ReaderLink.question_id == Question.id)
                                .where(ReaderLink.token_hash == token_hash)).first()
    if question is None:
        raise NotFound("There is no question at this address. Please check the link in your e-mail.")
    return question


def reader_view(session: Session, token: str) -> dict:
    """What the reader's status page shows: the state, which library has the question and when to
    expect a reply (the due times set by that member's working-hours clock), the public
    conversation. ``answered_by`` is set only once an answer exists."""
    question = question_for_token(session, token)
    messages = session.exec(select(QuestionMessage).where(
        QuestionMessage.question_id == question.id, QuestionMessage.kind != "note")
        .order_by(QuestionMessage.created_at, QuestionMessage.id)).all()
    member = session.get(Member, question.routed_member_id) if question.routed_member_id else None
    home = session.get(Member, question.home_member_id) if question.home_member_id else None
    answers = [m for m in messages if m.kind == "answer"]
    answered_by = session.get(Member, answers[-1].member_id) if answers and answers[-1].member_id else None
    entry = _live_entry(session, question.id)
    return {
        "id": question.id, "text": question.text, "status": question.status,
        "name": question.reader_name, "created_at": question.created_at,
        "member": member, "home": home, "answered_by": answered_by or (member if answers else None),
        "zone": home.timezone if home else None,
        "expected": _expected_reply(question),
        "consent_publish": question.consent_publish,
        "published_entry_id": entry.id if entry else None,
        "can_reply": question.status in ("waiting", "answered"),
        "messages": [{"kind": m.kind, "body_html": m.body_html, "created_at": m.created_at} for m in messages],
    }


def _expected_reply(question: Question) -> dict:
    """When the reader may expect to hear back: nothing once answered or closed, nothing while
    the library waits for the reader (the clock is paused), else the due times."""
    if question.status not in ("new", "claimed"):
        return {}
    first = None if question.first_response_at else as_aware(question.first_response_due_at)
    return {"first_response": first, "answer": as_aware(question.answer_due_at)}


def _live_entry(session: Session, question_id: int) -> KnowledgeEntry | None:
    return session.exec(select(KnowledgeEntry).where(
        KnowledgeEntry.question_id == question_id, KnowledgeEntry.unpublished_at.is_(None))).first()


def reader_reply(session: Session, token: str, text: str, *, now: datetime, settings: ReferenceSettings) -> None:
    """The reader answers a clarification request (or follows up): the clock resumes."""
    text = (text or "").strip()
    if not 1 <= len(text) <= 5000:
        raise InvalidInput("Please write a reply (at most 5,000 characters).", {"text": ["Length 1–5000."]})
    question = question_for_token(session, token)
    with UnitOfWork(session):
        was = question.status
        question.status = transition(question.status, "reader_reply")
        if was == "waiting" and question.paused_at is not None:
            _resume_clock(session, question, now, settings)
        question.updated_at = now
        session.add(QuestionMessage(question_id=question.id, kind="reader_reply", body_html=clean_text_to_html(text),
                                    created_at=now))
        record_event(session, question, "reader_reply", now, who="reader", member_id=question.routed_member_id)
        claimer = session.get(User, question.claimed_by_id) if question.claimed_by_id else None
        reference_mail.liaison_reader_replied(session, question, settings, claimer.email if claimer else None)


def _resume_clock(session: Session, question: Question, now: datetime, settings: ReferenceSettings) -> None:
    """Push the answer due time on by the working hours spent waiting for the reader."""
    calendar = calendar_for(profile_of(session, question.routed_member_id), settings)
    paused = max(0.0, calendar.working_hours_between(as_aware(question.paused_at), now))
    if question.answer_due_at is not None and paused > 0:
        question.answer_due_at = calendar.add_working_hours(as_aware(question.answer_due_at), paused)
    question.paused_at = None


def withdraw_consent(session: Session, token: str, *, now: datetime) -> bool:
    """The reader withdraws consent to publish; a published entry is taken down. True if one was."""
    question = question_for_token(session, token)
    with UnitOfWork(session):
        question.consent_publish = False
        question.updated_at = now
        entry = _live_entry(session, question.id)
        if entry is not None:
            entry.unpublished_at = now
            entry.updated_at = now
            record_event(session, question, "unpublished", now, who="reader", member_id=entry.member_id,
                         reasons={"why": "reader withdrew consent"})
    return entry is not None
