"""New-arrival guides: librarians write them, pick works or a saved search, publish, retract.

Pure rules (``states``), the service (``service``; reading published guides: ``published``),
the staff pages (``staff``) and the public pages (``public``). Feeds of published guides are
served by ``consortium.publishing``.
"""
from flask_babel import lazy_gettext as _l

from consortium.guides import public, staff
from consortium.web.nav import add_nav

DEFAULTS: dict = {}  # guides have no settings of their own


def init_app(app) -> None:
    """Register the guide pages and their menu entries."""
    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp)
    add_nav(app, "guides_public.public_list", _l("Guides"))
    add_nav(app, "guides.staff_list", _l("My guides"), staff=True, roles=("librarian",))
