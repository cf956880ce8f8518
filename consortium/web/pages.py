"""Shared pages: the reader home, the staff home, the language switch, and the menu registry.

Feature areas add menu entries with ``add_nav(app, endpoint, label, staff=False, roles=())`` from their
``init_app``, so the base template never needs editing.
"""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlmodel import func, select

from consortium.db import get_session
from consortium.i18n import COOKIE
from consortium.models import Holding, Member, PushBatch
from consortium.services.accounts import list_members

bp = Blueprint("pages", __name__)
NAV = "consortium.nav"


def add_nav(app, endpoint: str, label, staff: bool = False, roles: tuple[str, ...] = ()) -> None:
    """A menu entry; ``staff`` entries show to logged-in staff, limited to ``roles`` if given
    (consortium admins see every entry)."""
    app.extensions.setdefault(NAV, []).append({"endpoint": endpoint, "label": label, "staff": staff,
                                               "roles": tuple(roles)})


def _visible(item: dict) -> bool:
    if not item["staff"]:
        return True
    if not current_user.is_authenticated:
        return False
    return not item["roles"] or current_user.is_admin or current_user.role in item["roles"]


@bp.route("/")
def home():
    session = get_session()
    stats = {
        "members": session.exec(select(func.count()).select_from(Member)).one(),
        "works": session.exec(select(func.count(func.distinct(Holding.work_id)))).one(),
        "holdings": session.exec(select(func.count()).select_from(Holding)).one(),
    }
    return render_template("home.html", stats=stats, members=list_members(session))


@bp.route("/lang/<code>")
def switch_language(code):
    target = request.args.get("next") or url_for("pages.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("pages.home")
    response = redirect(target)
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
    return render_template("staff/home.html", member=member, batches=batches, holdings=holdings)


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_nav(app, "pages.home", _l("Home"))

    @app.context_processor
    def _nav_context():
        items = [i for i in app.extensions.get(NAV, []) if _visible(i)]
        return {"nav_items": items}
