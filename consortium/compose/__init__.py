"""Staff composing tools shared by guides and answers: the work picker and Markdown preview.

``picker`` (the service: works by title, author or ISBN through the search port), ``views``
(``POST /staff/compose/preview``: Markdown rendered and sanitised as readers will see it),
the template macros in ``templates/compose/`` (a server-rendered search box, results and
Markdown field) and ``static/compose.js``, which enhances them in the page (search without a
reload, live preview, canned texts) and is never needed: every control also works as a plain
form.
"""
from consortium.compose import views
from consortium.config import apply_defaults

DEFAULTS = {
    # Works the picker lists per search.
    "COMPOSE_PICKER_RESULTS": 10,
}


def init_app(app) -> None:
    """Fill the defaults and register the preview endpoint."""
    apply_defaults(app, DEFAULTS)
    app.register_blueprint(views.bp)
