"""Pages of cross-member coordination: the liaison directory and consortium notices."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from consortium.db import get_session
from consortium.errors import ConsortiumError, InvalidInput
from consortium.mail import wake_mailer
from consortium.management import directory, notices
from consortium.management.viewhelpers import actor, now
from consortium.reference.viewhelpers import handle_page_error, translated_message

bp = Blueprint("coordination", __name__, url_prefix="/staff", template_folder="templates")
bp.register_error_handler(ConsortiumError, handle_page_error)


@bp.route("/directory")
@login_required
def liaison_directory():
    return render_template("management/directory.html", members=directory.directory(get_session()))


@bp.route("/directory/me", methods=["GET", "POST"])
@login_required
def edit_contact():
    who, errors = actor("liaison"), {}
    if request.method == "POST":
        try:
            directory.set_own_contact(get_session(), who, request.form, now=now())
            flash(_("Your contact details were saved."), "info")
            return redirect(url_for("coordination.liaison_directory"))
        except InvalidInput as exc:
            errors = exc.errors
            flash(translated_message(exc), "error")
    values = request.form if errors else directory.own_contact(get_session(), who)
    return render_template("management/contact.html", values=values, errors=errors), (422 if errors else 200)


@bp.route("/notices", methods=["GET", "POST"])
@login_required
def notice_board():
    who, errors = actor("liaison"), {}
    if request.method == "POST":
        app = current_app._get_current_object()
        try:
            notice = notices.post_notice(get_session(), who, request.form.get("title", ""), request.form.get("body", ""),
                                         now=now(), base_url=current_app.config["CONSORTIUM_BASE_URL"].rstrip("/"),
                                         on_commit=lambda: wake_mailer(app))
            flash(_("The notice was posted and mailed to every liaison officer."), "info")
            return redirect(url_for("coordination.notice", notice_id=notice.id))
        except InvalidInput as exc:
            errors = exc.errors
            flash(translated_message(exc), "error")
    rows = notices.notices(get_session(), who)
    return render_template("management/notices.html", rows=rows, errors=errors, form=request.form), \
        (422 if errors else 200)


@bp.route("/notices/<int:notice_id>")
@login_required
def notice(notice_id):
    return render_template("management/notice.html", d=notices.notice_detail(get_session(), actor("liaison"), notice_id))


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def mark_read(notice_id):
    notices.mark_read(get_session(), actor("liaison"), notice_id, now=now())
    flash(_("Thank you: the consortium sees that you read this notice."), "info")
    return redirect(url_for("coordination.notice", notice_id=notice_id))
