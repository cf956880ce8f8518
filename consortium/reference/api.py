"""Reference queue JSON API: ``POST /api/v1/questions`` (DESIGN.md) and the staff equivalents.

Staff endpoints under ``/api/v1/staff/`` use the staff session cookie. Because the foundation
exempts ``/api/`` from form CSRF (the push API uses bearer keys), every state-changing staff
request must carry the session's CSRF token in the ``X-CSRFToken`` header; scripts get one
from ``GET /api/v1/staff/csrf`` after logging in.
"""
from flask import request
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf, validate_csrf
from marshmallow import Schema, fields
from wtforms.validators import ValidationError

from consortium.db import get_session
from consortium.errors import InvalidInput, PermissionDenied
from consortium.reference import knowledge, liaison, questions
from consortium.reference import queue as liaison_queue
from consortium.reference.viewhelpers import client_ip, now, search_port, settings, staff_actor, wake_mail
from consortium.web.api import cap_json_body

blp = Blueprint("reference_api", __name__, url_prefix="/api/v1", description="Reader questions and liaison work")


class QuestionCreatedSchema(Schema):
    id = fields.Integer()
    status_url = fields.String()
    routed_to = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)


@blp.before_request
def _guard():
    cap_json_body()
    if request.path.startswith("/api/v1/staff/") and request.method not in ("GET", "HEAD", "OPTIONS"):
        staff_actor()
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise PermissionDenied("Send the session's CSRF token in the X-CSRFToken header "
                                   "(GET /api/v1/staff/csrf).") from None


@blp.route("/questions", methods=["POST"])
@blp.arguments(questions.IntakeSchema)
@blp.response(201, QuestionCreatedSchema)
def create_question(body):
    """Submit a reader question; the answer carries the private status URL (DESIGN.md)."""
    result = questions.submit_question(get_session(), body, now=now(), settings=settings(), ip=client_ip(),
                                       search=search_port(), on_commit=wake_mail())
    return {key: result[key] for key in ("id", "status_url", "routed_to", "due_at")}


@blp.route("/staff/csrf", methods=["GET"])
def staff_csrf():
    """The CSRF token for state-changing staff requests (header X-CSRFToken)."""
    staff_actor()
    return {"csrf_token": generate_csrf()}


@blp.route("/staff/questions", methods=["GET"])
def staff_queue():
    """One tab of the caller's queue: new, mine, waiting, overdue."""
    actor = staff_actor()
    tab = request.args.get("tab", "new")
    return {"tab": tab, "questions": liaison_queue.queue(get_session(), actor, tab, now=now())}


@blp.route("/staff/questions/<int:question_id>", methods=["GET"])
def staff_question(question_id):
    """One question with routing reasons, conversation and history (403 for other members)."""
    return liaison_queue.question_detail(get_session(), question_id, staff_actor(), now=now())


@blp.route("/staff/questions/<int:question_id>/<action>", methods=["POST"])
def staff_action(question_id, action):
    """claim | unclaim | answer | clarify | transfer | return | note | close | publish | unpublish."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object.")
    run_action(action, question_id, body)
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


def _cited_ids(values) -> list:
    """Cited work ids: the picker's checkboxes (a page form's repeated field), or a JSON list."""
    if hasattr(values, "getlist"):
        return values.getlist("cited_work_ids")
    return _ids(values.get("cited_work_ids"))


def _ids(raw) -> list:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [part for part in raw.replace("，", ",").replace(" ", ",").split(",") if part]
    if isinstance(raw, list):
        return raw
    raise InvalidInput("cited_work_ids is a list of work numbers.", {"cited_work_ids": ["Not a list."]})
