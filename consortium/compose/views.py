"""The Markdown preview of staff text boxes, and the picker's page-side helpers."""
from flask import Blueprint, current_app, make_response, request
from flask_login import login_required

from consortium.compose import picker
from consortium.db import get_session
from consortium.ports import SEARCH, get_port
from consortium.web.markup import render_markdown

bp = Blueprint("compose", __name__, url_prefix="/staff/compose", template_folder="templates")
MAX_TEXT = 20000


@bp.route("/preview", methods=["POST"])
@login_required
def preview():
    """Markdown as the sanitised HTML readers will see (an HTML fragment; CSRF-checked)."""
    response = make_response(render_markdown((request.form.get("text") or "")[:MAX_TEXT]))
    response.mimetype = "text/html"
    response.headers["Cache-Control"] = "no-store"
    return response


def pick_works(query: str) -> picker.Found:
    """The picker's candidates for ``query`` in this request (the app's search port)."""
    return picker.pick(get_session(), get_port(SEARCH), query, current_app.config["COMPOSE_PICKER_RESULTS"])


def wants_picker_fragment() -> bool:
    """The page's JavaScript asks for the picker's results alone (``?fragment=picker``)."""
    return request.args.get("fragment") == "picker"
