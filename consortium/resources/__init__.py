"""The e-resource navigator (导航): the databases and e-journals members push (records with
URLs, KBART), A–Z and by CLC subject, with what they cover, which members give access and how,
and "available to my library".

Pure rules: ``rules`` (A–Z letters with pinyin initials, coverage years, ways of access).
Services: ``service`` (the navigator over the catalogue), ``notes`` (librarians' notes on a
resource their library holds; ``models``). Views: ``views`` (the ``/resources`` page, the note
form's POST and ``GET /api/v1/resources``). Attaching resources to guides and answers with the
work picker is not built yet.
"""
from flask_babel import lazy_gettext as _l

from consortium.resources import views
from consortium.web.api import get_api
from consortium.web.nav import add_nav

DEFAULTS: dict = {}


def init_app(app) -> None:
    """Register the page, the API and the menu entry."""
    app.register_blueprint(views.bp)
    get_api(app).register_blueprint(views.blp)
    add_nav(app, "resources.navigator", _l("Databases and e-journals"))
