"""Public pages of guides: the list of published guides and one guide's permalink page."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request

from consortium.accounts import service as accounts
from consortium.db import get_session
from consortium.guides import published
from consortium.ports import SEARCH, get_port

bp = Blueprint("guides_public", __name__, template_folder="templates")


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")).date()


@bp.route("/guides")
def public_list():
    session = get_session()
    member = (request.args.get("member") or "").strip().upper() or None
    rows = published.published_guides(session, member=member, limit=100)
    return render_template("guides/guides.html", rows=rows, member=member, members=accounts.list_members(session))


@bp.route("/guides/<int:guide_id>")
def public_guide(guide_id):
    """A published guide's permalink page."""
    session = get_session()
    guide, member = published.public_guide(session, guide_id)
    view = published.guide_view(session, guide, member, get_port(SEARCH), _today())
    return render_template("guides/guide.html", guide=view, member=member)
