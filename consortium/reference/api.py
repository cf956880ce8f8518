"""Reference queue JSON API: ``POST /api/v1/questions`` (DESIGN.md) and the staff equivalents.

Staff endpoints under ``/api/v1/staff/`` use the staff session cookie. Because the foundation
exempts ``/api/`` from form CSRF (the push API uses bearer keys), every state-changing staff
request must carry the session's CSRF token in the ``X-CSRFToken`` header; scripts get one
from ``GET /api/v1/staff/csrf`` after logging in.
"""
from flask import request
from flask_wtf.csrf import generate_csrf, validate_csrf
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from wtforms.validators import ValidationError as CSRFError

from consortium.db import get_session
from consortium.errors import InvalidInput, PermissionDenied
from consortium.reference import knowledge, liaison, questions
from consortium.reference import queue as liaison_queue
from consortium.reference.viewhelpers import now, question_rate_limits, search_port, settings, staff_actor, wake_mail
from consortium.web.api import Blueprint, cap_json_body
from consortium.web.converters import int_arg
from member_sites.record.xmlchars import strip_forbidden

blp = Blueprint("reference_api", __name__, url_prefix="/api/v1", description="Reader questions and liaison work")


class QuestionCreatedSchema(Schema):
    id = fields.Integer()
    status_url = fields.String()
    routed_to = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)


MAX_CITED = 50


class CsrfSchema(Schema):
    csrf_token = fields.String()


class QueueRowSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    status = fields.String(metadata={"description": "new | claimed | waiting | answered | closed"})
    routed_to = fields.String(allow_none=True)
    home_member = fields.String(allow_none=True)
    in_pool = fields.Boolean()
    open_to_all = fields.Boolean()
    language = fields.String()
    clc = fields.String(allow_none=True)
    claimed_by_id = fields.Integer(allow_none=True)
    first_response_due_at = fields.String(allow_none=True)
    answer_due_at = fields.String(allow_none=True)
    overdue = fields.Boolean()
    created_at = fields.String(allow_none=True)


class QueueSchema(Schema):
    tab = fields.String()
    questions = fields.List(fields.Nested(QueueRowSchema))


class QuestionDetailSchema(QueueRowSchema):
    """One question in the liaison's workspace; reader data only for the handling member."""

    reader_name = fields.String(allow_none=True)
    reader_email = fields.String(allow_none=True)
    consent_publish = fields.Boolean()
    work = fields.Dict(allow_none=True, metadata={"description": "{id, title} of the work asked about"})
    claimed_by = fields.String(allow_none=True)
    claimed_by_me = fields.Boolean()
    handles = fields.Boolean()
    routing = fields.Dict()
    allowed_actions = fields.List(fields.String())
    messages = fields.List(fields.Dict())
    events = fields.List(fields.Dict())
    canned_answers = fields.List(fields.Dict())


class ActionBodySchema(Schema):
    """The JSON body of a staff action: text where text is expected, or a 422 naming the field."""

    class Meta:
        unknown = EXCLUDE

    body = fields.String(load_default="", validate=validate.Length(max=50000))
    reason = fields.String(load_default="", validate=validate.Length(max=2000))
    to_member = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    title = fields.String(load_default="", validate=validate.Length(max=300))
    question_text = fields.String(load_default="", validate=validate.Length(max=20000))
    answer_html = fields.String(load_default="", validate=validate.Length(max=50000))
    cited_work_ids = fields.Raw(load_default=None, allow_none=True,
                                metadata={"description": "work numbers: a list, or text separated by commas"})

    @pre_load
    def _xml_safe(self, data, **_kwargs):
        """Text that reaches feeds and exports loses what XML forbids, as page forms do."""
        if not isinstance(data, dict):
            raise ValidationError("The request body must be a JSON object.", "_schema")
        return {key: strip_forbidden(value) if isinstance(value, str) else value for key, value in data.items()}


ACTION_BODY = ActionBodySchema()


@blp.before_request
def _guard():
    cap_json_body()
    if request.path.startswith("/api/v1/staff/") and request.method not in ("GET", "HEAD", "OPTIONS"):
        staff_actor()
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except CSRFError:
            raise PermissionDenied("Send the session's CSRF token in the X-CSRFToken header "
                                   "(GET /api/v1/staff/csrf).") from None


@blp.route("/questions", methods=["POST"])
@question_rate_limits
@blp.arguments(questions.IntakeSchema)
@blp.response(201, QuestionCreatedSchema)
def create_question(body):
    """Submit a reader question; the answer carries the private status URL (DESIGN.md)."""
    result = questions.submit_question(get_session(), body, now=now(), settings=settings(),
                                       search=search_port(), on_commit=wake_mail())
    return {key: result[key] for key in ("id", "status_url", "routed_to", "due_at")}


@blp.route("/staff/csrf", methods=["GET"])
@blp.alt_response(200, schema=CsrfSchema, success=True)
def staff_csrf():
    """The CSRF token for state-changing staff requests (header X-CSRFToken)."""
    staff_actor()
    return {"csrf_token": generate_csrf()}


@blp.route("/staff/questions", methods=["GET"])
@blp.alt_response(200, schema=QueueSchema, success=True)
def staff_queue():
    """One tab of the caller's queue: new, mine, waiting, overdue."""
    actor = staff_actor()
    tab = request.args.get("tab", "new")
    return {"tab": tab, "questions": liaison_queue.queue(get_session(), actor, tab, now=now())}


@blp.route("/staff/questions/<int:question_id>", methods=["GET"])
@blp.alt_response(200, schema=QuestionDetailSchema, success=True)
def staff_question(question_id):
    """One question with routing reasons, conversation and history (403 for other members)."""
    return liaison_queue.question_detail(get_session(), question_id, staff_actor(), now=now())


@blp.route("/staff/questions/<int:question_id>/<action>", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": ActionBodySchema}}})
@blp.alt_response(200, schema=QuestionDetailSchema, success=True, description="The question after the action")
def staff_action(question_id, action):
    """claim | unclaim | answer | clarify | transfer | return | note | close | publish | unpublish."""
    body = request.get_json(silent=True)
    try:
        values = ACTION_BODY.load({} if body is None else body)
    except ValidationError as exc:
        raise InvalidInput("The request body does not fit this action: please check the fields.", exc.messages) from None
    run_action(action, question_id, values)
    return liaison_queue.question_detail(get_session(), question_id, staff_actor(), now=now())


def run_action(action: str, question_id: int, values) -> None:
    """One liaison action by name; shared by the pages and the JSON API."""
    session, actor, at, cfg = get_session(), staff_actor(), now(), settings()
    handlers = {
        "claim": lambda: liaison.claim(session, question_id, actor, now=at, settings=cfg),
        "unclaim": lambda: liaison.unclaim(session, question_id, actor, now=at),
        "answer": lambda: liaison.answer(session, question_id, actor, values.get("body", ""), now=at, settings=cfg,
                                         cited_work_ids=_cited_ids(values)),
        "clarify": lambda: liaison.ask_clarification(session, question_id, actor, values.get("body", ""), now=at,
                                                     settings=cfg),
        "transfer": lambda: liaison.transfer(session, question_id, actor, values.get("reason", ""), now=at,
                                             settings=cfg, to_member=values.get("to_member") or None,
                                             search=search_port()),
        "return": lambda: liaison.return_to_pool(session, question_id, actor, values.get("reason", ""), now=at),
        "note": lambda: liaison.add_note(session, question_id, actor, values.get("body", ""), now=at),
        "close": lambda: liaison.close(session, question_id, actor, now=at),
        # answer_md: the reviewed Markdown (answer_html, its name before Markdown, is read the same way:
        # HTML passes through Markdown and is sanitised)
        "publish": lambda: knowledge.publish(session, question_id, actor, title=values.get("title", ""),
                                             question_text=values.get("question_text", ""),
                                             answer_md=values.get("answer_md") or values.get("answer_html", ""),
                                             now=at),
        "unpublish": lambda: knowledge.unpublish(session, question_id, actor, now=at),
    }
    if action not in handlers:
        raise InvalidInput(f"Unknown action {action!r}.", {"action": sorted(handlers)})
    handlers[action]()
    wake_mail()()


def _cited_ids(values) -> list[int]:
    """Cited work ids: the picker's checkboxes (a page form's repeated field), or a JSON list."""
    if hasattr(values, "getlist"):
        return _ids(values.getlist("cited_work_ids"))
    return _ids(values.get("cited_work_ids"))


def _ids(raw) -> list[int]:
    """Cited work numbers from text ("12, 13") or a JSON list; anything else is a 422."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        raw = [part for part in raw.replace("，", ",").replace(" ", ",").split(",") if part]
    if not isinstance(raw, list):
        raise InvalidInput("cited_work_ids is a list of work numbers.", {"cited_work_ids": ["Not a list."]})
    if len(raw) > MAX_CITED:
        raise InvalidInput(f"Cite at most {MAX_CITED} works.", {"cited_work_ids": [f"More than {MAX_CITED}."]})
    ids = [int_arg(str(item)) if isinstance(item, (int, str)) and not isinstance(item, bool) else None
           for item in raw]
    if None in ids:
        raise InvalidInput("Cited works are given by their numbers.", {"cited_work_ids": ["Not a work number."]})
    return ids
