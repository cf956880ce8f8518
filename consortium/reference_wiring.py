"""Wiring of the federated reference queue into the app: config defaults, blueprints, the
``sweep`` job, the knowledge-base answers port, the 429 error, menu entries, CLI commands."""
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    """Register the reference blueprints, the sweep job, the ANSWERS port and menu entries."""
    from consortium.jobs import get_jobs
    from consortium.ports import ANSWERS
    from consortium.services.knowledge import KnowledgeAnswers
    from consortium.services.reference_common import DEFAULTS, RateLimited
    from consortium.web import reference_api, reference_public, reference_staff
    from consortium.web.api import get_api
    from consortium.web.pages import add_nav

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(reference_public.bp)
    app.register_blueprint(reference_staff.bp)
    get_api(app).register_blueprint(reference_api.blp)
    app.register_error_handler(RateLimited, _rate_limited)
    app.extensions[ANSWERS] = KnowledgeAnswers(app)
    get_jobs(app).register("sweep", lambda: run_sweep(app), app.config["REFERENCE_SWEEP_INTERVAL_SECONDS"])
    add_nav(app, "reference.ask", _l("Ask a librarian"))
    add_nav(app, "reference.answers", _l("Answered questions"))
    add_nav(app, "reference_staff.queue", _l("Question queue"), staff=True, roles=("liaison",))


def _rate_limited(exc):
    from consortium.web.reference_helpers import handle_page_error

    return handle_page_error(exc)


def run_sweep(app, now=None):
    """One sweep over the queue (the background job and ``consortium sweep``)."""
    from datetime import datetime, timezone

    from consortium.db import new_session
    from consortium.ports import SEARCH
    from consortium.services.reference_common import ReferenceSettings
    from consortium.services.reference_sweep import sweep

    with new_session(app) as session:
        return sweep(session, now=now or datetime.now(timezone.utc), settings=ReferenceSettings.from_config(app.config),
                     search=app.extensions.get(SEARCH))
