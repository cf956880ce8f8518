"""Management JSON API: readers rate answers; admins read the scorecards (design.md)."""
from flask import current_app, request
from marshmallow import Schema, fields

from consortium.db import get_read_session, get_session, reads_replica
from consortium.management import feedback, scorecards
from consortium.management.viewhelpers import actor, now, settings, today
from consortium.web.api import Blueprint, cap_json_body
from consortium.web.limits import limiter

blp = Blueprint("management_api", __name__, url_prefix="/api/v1", description="Readers' feedback and scorecards")


class FeedbackCreatedSchema(Schema):
    question = fields.Integer()
    helpful = fields.Boolean()
    replaced = fields.Boolean(metadata={"description": "true when this rating replaced an earlier one"})


class ScorecardsSchema(Schema):
    year = fields.Integer()
    term = fields.String(metadata={"description": "year | spring | autumn"})
    members = fields.List(fields.Dict(), metadata={"description": '[{"member", "rank", "measures": {name: {"value", "target"}}}]'})
    consortium = fields.Dict()


@blp.before_request
def _cap():
    cap_json_body()


@blp.route("/questions/<token>/feedback", methods=["POST"])
@limiter.limit(lambda: current_app.config["MANAGEMENT_FEEDBACK_RATE_LIMIT"], methods=["POST"])
@blp.arguments(feedback.FeedbackSchema)
@blp.response(201, FeedbackCreatedSchema)
def rate(body, token):
    """Rate the answer: helpful or not, an optional comment; 409 before there is an answer."""
    return feedback.rate_answer(get_session(), token, body, now=now())


@blp.route("/staff/scorecards", methods=["GET"])
@blp.alt_response(200, schema=ScorecardsSchema, success=True)
@reads_replica
def staff_scorecards():
    """Every member's measures against its targets for ``year`` (and ``term``); consortium admins only."""
    report = scorecards.report_for(get_read_session(), actor(), request.args.get("year", today().year),
                                   request.args.get("term"), today=today(), settings=settings())
    return scorecards.as_json(report)
