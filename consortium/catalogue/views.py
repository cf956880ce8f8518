"""The catalogue's JSON API: push and withdraw (DESIGN.md "Push"), one work (public read), and a
member's holdings count."""
from flask import current_app, request
from marshmallow import Schema, fields

from consortium.accounts import service as accounts
from consortium.catalogue import service as catalogue
from consortium.catalogue import stats, works
from consortium.catalogue.locking import Concurrency
from consortium.db import get_read_session, get_session, reads_replica
from consortium.jobs import get_jobs
from consortium.web.api import Blueprint, bearer_key, cap_json_body

blp = Blueprint("push", __name__, url_prefix="/api/v1", description="Member push and catalogue reads")


class PushBodySchema(Schema):
    # a record that is null or not an object is rejected alone (its index in "rejected"), never the batch
    records = fields.List(fields.Raw(allow_none=True), required=True,
                          metadata={"description": "push records (DESIGN.md)"})


class RejectionSchema(Schema):
    index = fields.Integer()
    local_id = fields.Raw(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class WorkRefSchema(Schema):
    local_id = fields.String()
    work_id = fields.Integer()
    matched_by = fields.String()


class WorkRefList(fields.List):
    """``List(Nested(WorkRefSchema))`` in the API document; dumped as plain dicts of the
    three fields (a push answers with a thousand of them, and marshmallow's nested dump of
    each cost more than the rest of the response)."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(WorkRefSchema), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return [{"local_id": ref["local_id"], "work_id": ref["work_id"], "matched_by": ref["matched_by"]}
                for ref in value]


class StatsSchema(Schema):
    member = fields.String()
    holdings = fields.Integer()


class DecisionSchema(Schema):
    action = fields.String()
    reason = fields.String()
    created_at = fields.String(metadata={"description": "ISO 8601"})


class WorkHoldingSchema(Schema):
    member = fields.String()
    member_name = fields.String()
    member_name_en = fields.String(allow_none=True)
    local_id = fields.String()
    format = fields.String()
    call_number = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    copies = fields.Integer(allow_none=True)
    available = fields.Integer(allow_none=True)
    url = fields.String(allow_none=True)
    access = fields.String(allow_none=True)
    coverage = fields.String(allow_none=True)
    acquired_on = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    first_seen_at = fields.String(allow_none=True, metadata={"description": "ISO 8601"})
    matched_by = fields.String(metadata={"description": "isbn | issn | title | new | split | merge"})
    decision = fields.Nested(DecisionSchema, allow_none=True,
                             metadata={"description": "set when a librarian placed the holding"})


class OtherEditionSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    subtitle = fields.String(allow_none=True)
    edition = fields.String(allow_none=True)
    publisher = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    format = fields.String()


class WorkSchema(Schema):
    """One union work as ``GET /api/v1/works/<id>`` answers it (docs/design.md "Read")."""

    id = fields.Integer()
    title = fields.String()
    subtitle = fields.String(allow_none=True)
    authors = fields.List(fields.String())
    publisher = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    language = fields.String(allow_none=True)
    format = fields.String()
    isbns = fields.List(fields.String())
    issns = fields.List(fields.String())
    clc = fields.String(allow_none=True)
    subjects = fields.List(fields.String())
    summary = fields.String(allow_none=True)
    edition = fields.String(allow_none=True)
    holdings = fields.List(fields.Nested(WorkHoldingSchema))
    other_editions = fields.List(fields.Nested(OtherEditionSchema))


class PushResultSchema(Schema):
    batch_id = fields.Integer()
    accepted = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.List(fields.Nested(RejectionSchema))
    works = WorkRefList()


def concurrency_settings(app) -> Concurrency:
    """How catalogue transactions wait and retry, from the ``CATALOGUE_*`` settings."""
    config = app.config
    return Concurrency(tries=int(config["CATALOGUE_TRIES"]), lock_timeout=float(config["CATALOGUE_LOCK_TIMEOUT"]),
                       retry_after=int(config["CATALOGUE_RETRY_AFTER"]))


@blp.before_request
def _limit_body():
    cap_json_body()


@blp.route("/members/<code>/records", methods=["POST"])
@blp.arguments(PushBodySchema)
@blp.response(200, PushResultSchema)
def push_records(body, code):
    """Upsert a batch of a member's records by (member, local_id)."""
    session = get_session()
    member = accounts.require_member_key(session, bearer_key(), code)
    app = current_app._get_current_object()
    result = catalogue.ingest_batch(
        session, member, body["records"], max_batch=app.config["CONSORTIUM_MAX_BATCH"],
        on_commit=lambda: get_jobs(app).wake("indexer"), concurrency=concurrency_settings(app),
    )
    return result.as_dict()


@blp.route("/members/<code>/records/<path:local_id>", methods=["DELETE"])
@blp.response(204)
def withdraw_record(code, local_id):
    """Withdraw a holding; a work no member holds stops appearing."""
    session = get_session()
    member = accounts.require_member_key(session, bearer_key(), code)
    app = current_app._get_current_object()
    catalogue.withdraw_holding(session, member, local_id, on_commit=lambda: get_jobs(app).wake("indexer"),
                               concurrency=concurrency_settings(app))
    return None


@blp.route("/works/<int:work_id>", methods=["GET"])
@blp.alt_response(200, schema=WorkSchema, success=True, description="The work with its holdings")
@blp.alt_response(301, description="The work was merged: Location names the work it lives on as")
@reads_replica
def get_work(work_id):
    """One union work with every member's holdings; a merged-away id redirects (301)."""
    return works.get_work(get_read_session(), work_id, request.args.get("home") or request.cookies.get("home_member"))


@blp.route("/members/<code>/stats", methods=["GET"])
@blp.response(200, StatsSchema)
def member_stats(code):
    """The member's holdings count in the union catalogue (read by ``member-sync harvest``)."""
    session = get_session()
    member = accounts.require_member_key(session, bearer_key(), code)
    return stats.member_stats(session, member)
