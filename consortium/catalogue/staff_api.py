"""Staff JSON for correcting matching, under ``/api/v1/staff/catalogue/`` (scripts).

The staff session cookie authenticates; state-changing requests carry the session's CSRF token
in ``X-CSRFToken`` (``GET /api/v1/staff/catalogue/csrf``), since ``/api/`` is exempt from form
CSRF. Each view makes one service call; librarians act on works their member holds.
"""
from flask import current_app, request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf, validate_csrf
from marshmallow import Schema, fields, validate
from wtforms.validators import ValidationError

from consortium.catalogue import corrections, review
from consortium.catalogue.corrections import MAX_REASON, STAFF_ROLES, Actor
from consortium.db import get_session
from consortium.errors import PermissionDenied, Unauthenticated
from consortium.jobs import get_jobs
from consortium.web.api import cap_json_body

blp = Blueprint("catalogue_staff_api", __name__, url_prefix="/api/v1/staff/catalogue",
                description="Staff: the match review queue, split and merge")


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REASON),
                           metadata={"description": "Why: kept in the audit trail."})


class MergeSchema(ReasonSchema):
    work_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "The work merged into the one in the path."})


class AnswerSchema(ReasonSchema):
    answer = fields.String(required=True, validate=validate.OneOf(["merge", "apart"]))


def staff_actor() -> Actor:
    """The logged-in librarian or admin (401 when nobody is logged in, 403 for other roles)."""
    if not current_user.is_authenticated:
        raise Unauthenticated("Log in as a librarian or consortium administrator.")
    if current_user.role not in STAFF_ROLES:
        raise PermissionDenied("Only librarians and consortium administrators correct the catalogue.")
    return Actor(current_user.id, current_user.email, current_user.role, current_user.member_id)


def wake_indexer():
    app = current_app._get_current_object()
    return lambda: get_jobs(app).wake("indexer")


@blp.before_request
def _guard():
    cap_json_body()
    staff_actor()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise PermissionDenied("Send the session's CSRF token in the X-CSRFToken header "
                                   "(GET /api/v1/staff/catalogue/csrf).") from None


@blp.route("/csrf", methods=["GET"])
def csrf():
    """The CSRF token for state-changing requests (header X-CSRFToken)."""
    return {"csrf_token": generate_csrf()}


@blp.route("/reviews", methods=["GET"])
def reviews():
    """Doubtful matches: ``?status=open|merged|apart&page=``."""
    page = request.args.get("page", "1")
    return review.list_reviews(get_session(), staff_actor(), request.args.get("status", "open"),
                               int(page) if page.isdigit() else 1)


@blp.route("/reviews/<int:review_id>", methods=["POST"])
@blp.arguments(AnswerSchema)
def answer(body, review_id):
    """Answer a review: ``merge`` (one work) or ``apart`` (two works, kept apart)."""
    return corrections.answer_review(get_session(), staff_actor(), review_id, body["answer"], body["reason"],
                                     on_commit=wake_indexer())


@blp.route("/works/<int:work_id>", methods=["GET"])
def work(work_id):
    """A work with its holdings (ids to split), other editions and audit trail."""
    return review.staff_work(get_session(), staff_actor(), work_id)


@blp.route("/works/<int:work_id>/merge", methods=["POST"])
@blp.arguments(MergeSchema)
def merge(body, work_id):
    """Merge the work ``work_id`` of the body into this one."""
    return corrections.merge_works(get_session(), staff_actor(), work_id, body["work_id"], body["reason"],
                                   on_commit=wake_indexer())


@blp.route("/holdings/<int:holding_id>/split", methods=["POST"])
@blp.arguments(ReasonSchema)
def split(body, holding_id):
    """Split a holding out of its work into a new work, kept apart from the old one."""
    return corrections.split_holding(get_session(), staff_actor(), holding_id, body["reason"],
                                     on_commit=wake_indexer())
