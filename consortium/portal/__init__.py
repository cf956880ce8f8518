"""The portal: the reader home page, the staff home page and the language switch.

Every other feature hangs its menu entries on the portal through ``consortium.web.nav``.
"""
from flask_babel import lazy_gettext as _l

from consortium.portal import context, views
from consortium.web.nav import add_nav

DEFAULTS: dict = {}  # the portal has no settings of its own


def init_app(app) -> None:
    """Register the portal's pages and its menu entry."""
    app.register_blueprint(views.bp)
    context.init_app(app)
    add_nav(app, "pages.home", _l("Home"))
