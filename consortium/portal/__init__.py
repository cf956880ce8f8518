"""The portal: the reader home page, the staff home page and the language switch.

Every other feature hangs its menu entries on the portal through ``consortium.web.nav``.
"""
from flask_babel import lazy_gettext as _l

from consortium.config import apply_defaults
from consortium.portal import context, views
from consortium.web.nav import add_nav

DEFAULTS = {
    # New works (grouped by work) shown for the week on the home page and on each member's page.
    "PORTAL_ARRIVALS": 8,
}


def init_app(app) -> None:
    """Register the portal's pages and its menu entry."""
    apply_defaults(app, DEFAULTS)
    app.register_blueprint(views.bp)
    context.init_app(app)
    add_nav(app, "pages.home", _l("Home"))
