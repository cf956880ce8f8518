"""Consortium administrators' pages: member libraries, their API keys, and the audit trail.

Thin views: a form is parsed, one service call runs (``members``, ``service``, ``audit``),
the page is rendered or redirected. A new key is shown once, in the answer to the request
that issued it (never through the session or a redirect), and never again.
"""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consortium.accounts import audit, members, service
from consortium.accounts.auth import roles_required
from consortium.accounts.forms import COMMON_ZONES, ButtonForm, KeyForm, MemberForm, choices
from consortium.db import get_session
from consortium.errors import ConsortiumError
from consortium.web.errors import handle_domain_error, status_for

bp = Blueprint("admin", __name__, url_prefix="/staff/admin", template_folder="templates")


def show_error(exc: ConsortiumError) -> None:
    """A service's refusal as a message in the page language (services speak fixed English)."""
    flash(_(exc.message), "error")


def translated_error(exc: ConsortiumError):
    """Blueprint error handler: the foundation's error page, its message in the page language."""
    exc.message = _(exc.message)
    return handle_domain_error(exc)


bp.register_error_handler(ConsortiumError, translated_error)


@bp.route("/")
@roles_required("consortium_admin")
def index():
    return redirect(url_for("admin.member_list"))


@bp.route("/members", methods=["GET", "POST"])
@roles_required("consortium_admin")
def member_list():
    """Every member; the form below adds one."""
    form = MemberForm()
    status = 200
    if form.validate_on_submit():
        try:
            member = members.create_member(get_session(), current_user, code=form.code.data, name=form.name.data,
                                           name_en=form.name_en.data, timezone=form.timezone.data,
                                           site_origins=form.site_origins.data or "")
        except ConsortiumError as exc:
            show_error(exc)
            status = status_for(exc)
        else:
            flash(_("Member %(code)s added.", code=member.code), "success")
            return redirect(url_for("admin.member_list"))
    elif form.errors:
        status = 422
    rows = service.list_members(get_session())
    return render_template("accounts/admin_members.html", form=form, rows=rows, zones=COMMON_ZONES), status


@bp.route("/members/<code>", methods=["GET", "POST"])
@roles_required("consortium_admin")
def member_edit(code):
    """One member's names, time zone and site origins."""
    session = get_session()
    member = service.get_member(session, code)
    form = MemberForm(obj=None if request.method == "POST" else member)
    form.code.data = member.code  # the code is permanent
    if request.method == "GET":
        form.site_origins.data = "\n".join(member.site_origins or [])
    status = 200
    if form.validate_on_submit():
        try:
            members.update_member(session, current_user, member.code, name=form.name.data, name_en=form.name_en.data,
                                  timezone=form.timezone.data, site_origins=form.site_origins.data or "")
        except ConsortiumError as exc:
            show_error(exc)
            status = status_for(exc)
        else:
            flash(_("Member %(code)s saved.", code=member.code), "success")
            return redirect(url_for("admin.member_edit", code=member.code))
    elif form.errors:
        status = 422
    return render_template("accounts/admin_member.html", form=form, member=member, zones=COMMON_ZONES), status


def _key_form() -> KeyForm:
    form = KeyForm()
    form.member.choices = choices((m.code, f"{m.code} {m.name}") for m in service.list_members(get_session()))
    return form


def _keys_page(form: KeyForm, new_key: str | None = None, status: int = 200):
    member = (request.values.get("member") or "").strip().upper() or None
    rows = service.list_keys(get_session(), member)
    response = make_response(render_template("accounts/admin_keys.html", form=form, rows=rows, member=member,
                                              new_key=new_key, button=ButtonForm()), status)
    if new_key:  # the key is on this page only: no browser or proxy may keep a copy
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/keys", methods=["GET"])
@roles_required("consortium_admin")
def key_list():
    """Keys by prefix, label and dates (a key itself is never shown again)."""
    form = _key_form()
    form.member.data = (request.args.get("member") or "").upper()
    return _keys_page(form)


@bp.route("/keys", methods=["POST"])
@roles_required("consortium_admin")
def key_issue():
    """Issue a key; the answer shows it once."""
    form = _key_form()
    if not form.validate_on_submit():
        flash(_("Choose the member the key is for."), "error")
        return _keys_page(form, status=422)
    try:
        key = service.issue_key(get_session(), form.member.data, form.label.data, actor=current_user)
    except ConsortiumError as exc:
        show_error(exc)
        return _keys_page(form, status=422)
    return _keys_page(form, new_key=key)


@bp.route("/keys/<int:key_id>/revoke", methods=["POST"])
@roles_required("consortium_admin")
def key_revoke(key_id):
    if ButtonForm().validate_on_submit():
        key = service.revoke_key(get_session(), key_id, actor=current_user)
        flash(_("Key %(prefix)s… revoked: it no longer pushes anything.", prefix=key.prefix), "success")
    return redirect(url_for("admin.key_list", member=request.args.get("member") or None))


@bp.route("/audit")
@roles_required("consortium_admin")
def audit_trail():
    """Who changed what, newest first (filter by member or action)."""
    member = (request.args.get("member") or "").strip().upper() or None
    action = (request.args.get("action") or "").strip() or None
    rows = audit.recent(get_session(), 300, member_code=member, action=action)
    return render_template("accounts/admin_audit.html", rows=rows, member=member, action=action,
                           members=service.list_members(get_session()))
