"""Staff accounts in the admin pages (invite, role and member, disable and enable, a new
set-password link) and the page where a staff member sets a password through a link."""
from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from consortium.accounts import service, users
from consortium.accounts.admin import show_error, translated_error
from consortium.accounts.auth import roles_required
from consortium.accounts.forms import ButtonForm, InviteForm, PasswordForm, UserForm, choices
from consortium.db import get_session
from consortium.errors import ConsortiumError
from consortium.mail import wake_mailer
from consortium.web.errors import status_for

bp = Blueprint("admin_users", __name__, url_prefix="/staff/admin/users", template_folder="templates")
password_bp = Blueprint("password", __name__, url_prefix="/staff/password", template_folder="templates")
for _blueprint in (bp, password_bp):
    _blueprint.register_error_handler(ConsortiumError, translated_error)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _link_settings() -> users.LinkSettings:
    config = current_app.config
    return users.LinkSettings(base_url=config["CONSORTIUM_BASE_URL"], hours=int(config["ACCOUNTS_LINK_HOURS"]),
                              timezone=current_user.timezone or config["BABEL_DEFAULT_TIMEZONE"])


def _wake_mail():
    app = current_app._get_current_object()
    return lambda: wake_mailer(app)


def _member_choices(form) -> None:
    form.member.choices = choices([("", "—")] + [(m.code, f"{m.code} {m.name}")
                                                 for m in service.list_members(get_session())])


@bp.route("/", methods=["GET", "POST"])
@roles_required("consortium_admin")
def user_list():
    """Every staff account; the form below invites one by e-mail."""
    form = InviteForm()
    _member_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            user = users.invite_user(get_session(), current_user, form.email.data, form.role.data,
                                     form.member.data or None, form.display_name.data, now=_now(),
                                     link=_link_settings(), on_commit=_wake_mail())
        except ConsortiumError as exc:
            show_error(exc)
            status = status_for(exc)
        else:
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin_users.user_list"))
    elif form.errors:
        status = 422
    return render_template("accounts/admin_users.html", form=form, rows=users.list_users(get_session()),
                           button=ButtonForm()), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required("consortium_admin")
def user_edit(user_id):
    """One account: role, member and name; disable or enable it; send a new set-password link."""
    session = get_session()
    user = users.get_user(session, user_id)
    form = UserForm()
    _member_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            users.change_user(session, current_user, user_id, role=form.role.data, member_code=form.member.data or None,
                              display_name=form.display_name.data)
        except ConsortiumError as exc:
            show_error(exc)
            status = status_for(exc)
        else:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("admin_users.user_edit", user_id=user_id))
    elif form.errors:
        status = 422
    else:
        member = next((m for m in service.list_members(session) if m.id == user.member_id), None)
        form.display_name.data, form.role.data = user.display_name, user.role
        form.member.data = member.code if member else ""
    return render_template("accounts/admin_user.html", form=form, user=user, button=ButtonForm()), status


@bp.route("/<int:user_id>/active", methods=["POST"])
@roles_required("consortium_admin")
def user_active(user_id):
    """Disable (``active=0``) or enable (``active=1``) an account."""
    form = ButtonForm()
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            user = users.set_active(get_session(), current_user, user_id, active)
        except ConsortiumError as exc:
            show_error(exc)
        else:
            flash(_("Account %(email)s enabled.", email=user.email) if active
                  else _("Account %(email)s disabled: it can no longer log in.", email=user.email), "success")
    return redirect(url_for("admin_users.user_edit", user_id=user_id))


@bp.route("/<int:user_id>/link", methods=["POST"])
@roles_required("consortium_admin")
def user_link(user_id):
    """Mail a new set-password link (a lost invitation, a forgotten password)."""
    if ButtonForm().validate_on_submit():
        user = users.send_password_link(get_session(), current_user, user_id, now=_now(), link=_link_settings(),
                                        on_commit=_wake_mail())
        flash(_("A new set-password link was sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin_users.user_edit", user_id=user_id))


@password_bp.route("/<token>", methods=["GET", "POST"])
def set_password(token):
    """Choose a password through a link from an invitation or a new-link mail (single use)."""
    session = get_session()
    user = users.link_account(session, token, now=_now())
    form = PasswordForm()
    if form.validate_on_submit():
        users.set_password(session, token, form.password.data, now=_now())
        if current_user.is_authenticated:
            logout_user()  # whoever was logged in in this browser, the new password's owner logs in next
        flash(_("Your password is set. Log in with your e-mail address and the new password."), "success")
        return redirect(url_for("auth.login"))
    response = current_app.make_response((render_template("accounts/set_password.html", form=form, user=user),
                                          422 if form.errors else 200))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's address
    return response
