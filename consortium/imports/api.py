"""Member-key API of file imports (DESIGN.md ``imports``): queue a file, read its report."""
from flask import current_app, request, url_for
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from consortium.accounts import service as accounts
from consortium.db import get_session
from consortium.errors import TooLarge
from consortium.imports import service as imports
from consortium.jobs import get_jobs
from consortium.web.api import bearer_key

blp = Blueprint("member_sites", __name__, url_prefix="/api/v1", description="Member file imports")


class ImportFilesSchema(Schema):
    file = Upload(required=True, metadata={"description": "the export file"})


class ImportFormSchema(Schema):
    format = fields.String(required=True, metadata={"description": "marc21 | marcxml | cnmarc | csv | kbart"})


class QueuedSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    status_url = fields.String()


class ProblemSchema(Schema):
    position = fields.String()
    local_id = fields.String(allow_none=True)
    source = fields.String(metadata={"description": "reader | consortium | warning"})
    reasons = fields.List(fields.String())


class ImportReportSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "queued | running | done | failed"})
    filename = fields.String()
    format = fields.String()
    size = fields.Integer()
    total = fields.Integer(allow_none=True)
    done = fields.Integer()
    accepted = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    warnings = fields.Integer()
    message = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    rejections = fields.List(fields.Nested(ProblemSchema))
    warning_list = fields.List(fields.Nested(ProblemSchema))


def size_text(limit: int) -> str:
    """A byte limit as people read it ("64 MB", "512 KB")."""
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} KB"


def upload_limit_message(limit: int) -> str:
    return f"The file is too large: uploads may be at most {size_text(limit)}."


@blp.before_request
def _limit_upload():
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.method == "POST" and request.content_length is not None and request.content_length > limit:
        raise TooLarge(upload_limit_message(limit))


@blp.route("/members/<code>/imports", methods=["POST"])
@blp.arguments(ImportFormSchema, location="form")
@blp.arguments(ImportFilesSchema, location="files")
@blp.response(202, QueuedSchema)
def create_import(form, files, code):
    """Queue an export file for import; answer 202 with the URL of its status and report."""
    session = get_session()
    member = accounts.require_member_key(session, bearer_key(), code)
    app = current_app._get_current_object()
    upload = files["file"]
    record = imports.create_import(session, member, filename=upload.filename, fmt=form["format"],
                                   stream=upload.stream, import_dir=app.config["MEMBER_SITES_IMPORT_DIR"],
                                   on_commit=lambda: get_jobs(app).wake("imports"))
    status_url = url_for("member_sites.import_status", code=member.code, import_id=record.id, _external=True)
    return {"id": record.id, "status": record.status, "status_url": status_url}, 202, {"Location": status_url}


@blp.route("/members/<code>/imports/<int:import_id>", methods=["GET"])
@blp.response(200, ImportReportSchema)
def import_status(code, import_id):
    """An import's status, progress and report (every rejected record with its reasons)."""
    session = get_session()
    member = accounts.require_member_key(session, bearer_key(), code)
    return imports.report(session, imports.get_import(session, import_id, member.id))
