"""Staff pages of file imports: upload form, import history, import report with progress.

Librarians see and upload for their own member only; consortium admins for any member.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectField, SubmitField

from consortium.accounts import service as accounts
from consortium.accounts.auth import roles_required
from consortium.accounts.models import Member
from consortium.db import get_session
from consortium.errors import ConsortiumError
from consortium.imports import service as imports
from consortium.imports.api import size_text
from consortium.jobs import get_jobs

bp = Blueprint("imports", __name__, url_prefix="/staff/imports", template_folder="templates")

try:
    from wtforms.fields.choices import SelectChoice  # wtforms >= 3.3 deprecates (value, label) tuples
except ImportError:  # pragma: no cover - older wtforms
    def SelectChoice(value, label):  # noqa: N802
        return (value, label)

FORMAT_LABELS = (("marc21", _l("MARC21 (binary .mrc)")), ("marcxml", _l("MARCXML")),
                 ("cnmarc", _l("CNMARC (binary)")), ("csv", _l("CSV (UTF-8 or GB18030)")),
                 ("kbart", _l("KBART (tab-separated)")))


class UploadForm(FlaskForm):
    file = FileField(_l("Export file"), validators=[FileRequired(_l("Choose a file to upload."))])
    format = SelectField(lazy_pgettext("file format", "Format"), choices=[SelectChoice(v, label) for v, label in FORMAT_LABELS], default="marc21")
    member = SelectField(_l("Member"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Upload and import"))


def _form() -> UploadForm:
    form = UploadForm()
    if current_user.is_admin:
        form.member.choices = [SelectChoice(m.code, f"{m.code} {m.name}") for m in accounts.list_members(get_session())]
    return form


def _upload_member(form: UploadForm):
    session = get_session()
    if current_user.is_admin:
        return accounts.get_member(session, form.member.data)
    if current_user.member_id is None:
        abort(403)
    return session.get(Member, current_user.member_id)


@bp.route("/", methods=["GET", "POST"])
@roles_required("librarian")
def history():
    """The upload form above the member's import history."""
    form = _form()
    if form.validate_on_submit():
        app = current_app._get_current_object()
        try:
            record = imports.create_import(
                get_session(), _upload_member(form), filename=form.file.data.filename, fmt=form.format.data,
                stream=form.file.data.stream, import_dir=app.config["MEMBER_SITES_IMPORT_DIR"],
                uploaded_by=current_user.id, on_commit=lambda: get_jobs(app).wake("imports"))
        except imports.FormatMismatch as exc:
            if exc.readable:
                flash(_("The file looks like %(detected)s, not %(declared)s: choose %(detected)s as its format "
                        "and upload it again.", detected=exc.detected, declared=exc.declared), "error")
            else:
                flash(_("The file looks like %(detected)s, not %(declared)s: upload the member's export file "
                        "instead.", detected=exc.detected, declared=exc.declared), "error")
        except ConsortiumError as exc:
            flash(_(exc.message), "error")  # the domain messages a form can trigger are in the catalogue
        else:
            flash(_("The file was received; it is being imported."), "info")
            return redirect(url_for("imports.report", import_id=record.id))
    member_id = None if current_user.is_admin else current_user.member_id
    rows = imports.list_imports(get_session(), member_id)
    return render_template("imports/history.html", form=form, rows=rows, limit=_limit_text())


@bp.route("/<int:import_id>")
@roles_required("librarian")
def report(import_id):
    """One import's report; the page refreshes itself while the import runs."""
    session = get_session()
    record = imports.get_import(session, import_id, current_user.member_id, admin=current_user.is_admin)
    member = session.get(Member, record.member_id)
    return render_template("imports/report.html", report=imports.report(session, record), member=member)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    flash(_("The file is too large: uploads may be at most %(size)s.", size=_limit_text()), "error")
    return redirect(url_for("imports.history")), 303


def _limit_text() -> str:
    return size_text(current_app.config["MAX_CONTENT_LENGTH"])
