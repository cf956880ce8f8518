"""The librarian's snippet builder: pick feed, filters, count, language and style, see a live
preview, copy the code; and manage the member's registered site origins."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from consortium.accounts import service as accounts
from consortium.accounts.auth import roles_required
from consortium.accounts.models import Member
from consortium.accounts.origins import change_origins
from consortium.db import get_session
from consortium.errors import ConsortiumError
from consortium.publishing.embed_blueprint import bp
from consortium.publishing.embed_options import STYLES


class OriginForm(FlaskForm):
    member = HiddenField(validators=[DataRequired()])
    origin = StringField(validators=[DataRequired(), Length(max=300)])
    action = HiddenField(default="add")


def _members_for_user() -> list[Member]:
    session = get_session()
    if current_user.is_admin:
        return accounts.list_members(session)
    return [session.get(Member, current_user.member_id)] if current_user.member_id else []


@bp.route("/builder")
@roles_required("librarian")
def builder():
    members = _members_for_user()
    chosen = request.args.get("member", "").upper()
    member = next((m for m in members if m.code == chosen), members[0] if members else None)
    return render_template("embed/builder.html", members=members, member=member, styles=STYLES,
                           origin_form=OriginForm(), base_url=request.host_url.rstrip("/"))


@bp.route("/builder/origins", methods=["POST"])
@roles_required("librarian")
def origins():
    form = OriginForm()
    if form.validate_on_submit():
        remove = form.action.data == "remove"
        try:
            change_origins(get_session(), current_user, form.member.data,
                           add=[] if remove else [form.origin.data], remove=[form.origin.data] if remove else [])
        except ConsortiumError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Site origins saved."), "info")
    else:
        flash(_("Enter an origin such as https://lib.example.edu.cn."), "error")
    return redirect(url_for("embed.builder", member=form.member.data))
