"""The portal's pages: the reader home (the consortium's 导读 portal), each member's page, the
staff home and the language switch."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import func, select

from consortium.accounts.models import Member
from consortium.accounts.service import list_members
from consortium.catalogue.models import Holding, PushBatch
from consortium.db import get_session
from consortium.i18n import COOKIE, localized_name, viewer_zone
from consortium.portal import service
from consortium.search.views import HOME_COOKIE
from consortium.web.redirects import safe_next_or

bp = Blueprint("pages", __name__, template_folder="templates")


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(viewer_zone())).date()


def _sizes() -> service.PortalSizes:
    return service.PortalSizes(arrivals=current_app.config["PORTAL_ARRIVALS"])


@bp.route("/")
def home():
    """The 导读 portal: this week's arrivals, guides, answers, my library's e-resources, ask."""
    session = get_session()
    home_member = service.member_by_code(session, request.cookies.get(HOME_COOKIE))
    stats = {
        "members": session.exec(select(func.count()).select_from(Member)).one(),
        "works": session.exec(select(func.count(func.distinct(Holding.work_id)))).one(),
        "holdings": session.exec(select(func.count()).select_from(Holding)).one(),
    }
    members = list_members(session)
    return render_template("portal/home.html", stats=stats, members=members, home_member=home_member,
                           names={m.code: localized_name(m) for m in members},
                           home=home_member.code if home_member else None,
                           portal=service.portal(session, _today(), home=home_member, sizes=_sizes()))


@bp.route("/members/<code>")
def member(code):
    """One member's page: its new arrivals, guides, answers, e-resources, hours and liaisons."""
    session = get_session()
    view = service.member_page(session, code, _today())
    return render_template("portal/member.html", portal=view, m=view["member"])


@bp.route("/lang/<code>")
def switch_language(code):
    response = redirect(safe_next_or(request.args.get("next"), url_for("pages.home")))
    if code in current_app.config["CONSORTIUM_LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@bp.route("/staff/")
@login_required
def staff_home():
    session = get_session()
    query = select(PushBatch, Member).join(Member, Member.id == PushBatch.member_id)
    if not current_user.is_admin:
        query = query.where(PushBatch.member_id == current_user.member_id)
    batches = session.exec(query.order_by(PushBatch.id.desc()).limit(20)).all()
    member = session.get(Member, current_user.member_id) if current_user.member_id else None
    count = select(func.count()).select_from(Holding)
    if not current_user.is_admin:
        count = count.where(Holding.member_id == current_user.member_id)
    holdings = session.exec(count).one()
    return render_template("portal/staff_home.html", member=member, batches=batches, holdings=holdings)
