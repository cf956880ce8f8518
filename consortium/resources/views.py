"""The navigator's page (``/resources``) and ``GET /api/v1/resources`` (DESIGN.md): thin views
over ``service.navigate``; the reader's home library comes from the search pages' cookie."""
from datetime import datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields

from consortium.accounts.auth import roles_required
from consortium.accounts.service import list_members
from consortium.db import get_session
from consortium.errors import ConsortiumError, InvalidInput
from consortium.i18n import localized_name
from consortium.resources import notes, rules, service
from consortium.search.views import HOME_COOKIE
from consortium.web.api import Blueprint as ApiBlueprint
from consortium.web.errors import handle_domain_error

bp = Blueprint("resources", __name__, template_folder="templates")
blp = ApiBlueprint("resources_api", __name__, url_prefix="/api/v1", description="The e-resource navigator")
PARAMS = ("letter", "subject", "member", "q", "format", "available", "home_member")
SUBJECTS = ("TP", "T", "O", "N", "R", "S", "F", "D", "G", "H", "I", "K", "B", "Z")


@bp.errorhandler(ConsortiumError)
def _translated(exc):
    exc.message = _(exc.message)
    return handle_domain_error(exc)


def _raw() -> dict:
    raw = {name: request.args.get(name, "")[:300] for name in PARAMS}
    raw["home_member"] = raw["home_member"] or request.cookies.get(HOME_COOKIE, "")
    return raw


@bp.route("/resources/<int:work_id>/note", methods=["POST"])
@roles_required("librarian")
def note(work_id):
    """A librarian writes (or empties) their library's note on a resource it holds."""
    notes.save_note(get_session(), work_id=work_id, member_id=current_user.member_id, role=current_user.role,
                    user_id=current_user.id, body_md=request.form.get("body", ""), now=datetime.now(timezone.utc))
    flash(_("The note was saved."), "info")
    return redirect(url_for("resources.navigator", q=request.form.get("title", "")[:200] or None))


@bp.route("/resources")
def navigator():
    """A–Z, by subject and member, "available to my library"; bad values explained (422)."""
    answer, error = None, None
    try:
        answer = service.navigate(get_session(), _raw())
    except InvalidInput as exc:
        error = exc
    members = list_members(get_session())
    return render_template("resources/navigator.html", answer=answer, error=error, args=request.args,
                           letters=rules.LETTERS, subjects=SUBJECTS, members=members,
                           names={m.code: localized_name(m) for m in members},
                           home=_raw()["home_member"], own_member=_own_member(members)), (422 if error else 200)


def _own_member(members) -> str | None:
    """The code of the logged-in librarian's library (their notes are editable here)."""
    if not current_user.is_authenticated or current_user.role not in notes.NOTE_ROLES:
        return None
    return next((m.code for m in members if m.id == current_user.member_id), None)


class ResourceHoldingSchema(Schema):
    member = fields.String()
    url = fields.String(allow_none=True)
    access = fields.String(allow_none=True, metadata={"description": "open | consortium | member"})
    way = fields.String(metadata={"description": "open | consortium (every member's readers) | campus "
                                                 "(the member's campus network or VPN) | unknown"})
    coverage = fields.String(allow_none=True)


class ResourceSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    format = fields.String()
    clc = fields.String(allow_none=True)
    publisher = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    letter = fields.String()
    coverage = fields.Dict(metadata={"description": "first_year, last_year, to_present, titles (databases: KBART "
                                                    "titles members list on its platform)"})
    holdings = fields.List(fields.Nested(ResourceHoldingSchema))
    notes = fields.List(fields.Dict(), metadata={"description": "librarians' notes: member, html, markdown, updated_at"})
    available_to_home = fields.Boolean(allow_none=True)


class NavigatorSchema(Schema):
    total = fields.Integer()
    letters = fields.Dict(keys=fields.String(), values=fields.Integer())
    resources = fields.List(fields.Nested(ResourceSchema))


@blp.route("/resources", methods=["GET"])
@blp.response(200, NavigatorSchema)
def resources():
    """Databases and e-journals: ``letter``, ``subject`` (CLC), ``member``, ``q``, ``format``,
    ``home_member`` and ``available`` (only what the home member gives access to)."""
    return service.navigate(get_session(), {name: request.args.get(name, "")[:300] for name in PARAMS})
