"""Reader pages placeholder."""
from flask import Blueprint

bp = Blueprint("search_pages", __name__)


@bp.route("/search")
def search():
    return ""
