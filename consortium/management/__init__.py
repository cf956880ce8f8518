"""Running the consortium: yearly targets, scorecards, readers' feedback on answers, the
liaison directory and consortium notices.

Pure cores: ``measures`` (every measure, trend, rank and balance from plain facts) and
``charts`` (bar-chart geometry for the SVG templates). ``store`` reads the facts; services:
``feedback`` (ratings, redacted comments), ``targets``, ``scorecards`` (report, JSON, CSV),
``directory`` and ``notices`` (with read receipts). Views: ``pages`` (rating form, feedback,
scorecards, annual report, targets), ``coordination`` (directory, notices) and ``api``
(``POST /api/v1/questions/<token>/feedback``, ``GET /api/v1/staff/scorecards``).
"""
from flask_babel import lazy_gettext as _l

from consortium.config import apply_defaults
from consortium.db import new_session
from consortium.jobs import get_jobs
from consortium.management import api, coordination, pages
from consortium.management.feedback import forget_scrubbed_comments
from consortium.web.api import get_api
from consortium.web.nav import add_nav

DEFAULTS = {
    # The zone whose calendar days, months and years the scorecards count in.
    "MANAGEMENT_TIMEZONE": "Asia/Shanghai",
    # Default targets of every member and year (consortium.management.measures.TARGET_DEFAULTS
    # names them: push_within_days, pushed_on_time_pct, guides_per_term, answered_within_sla_pct,
    # answered_for_other_members (a year), feedback_helpful_pct, kbart_refresh_days); the admin
    # changes one member's year in the targets page. Names left out keep the built-in values.
    "MANAGEMENT_TARGET_DEFAULTS": {},
    # Ratings one client address may send through the API (a Flask-Limiter limit string).
    "MANAGEMENT_FEEDBACK_RATE_LIMIT": "30 per hour",
    # Seconds between runs of the job that drops readers' comments of scrubbed questions.
    "MANAGEMENT_FORGET_INTERVAL_SECONDS": 3600,
}


def init_app(app) -> None:
    """Register the pages, the API, the status page's rating lookup, the job and menu entries."""
    apply_defaults(app, DEFAULTS)
    app.register_blueprint(pages.bp)
    app.register_blueprint(coordination.bp)
    get_api(app).register_blueprint(api.blp)
    app.add_template_global(pages.reader_rating, "reader_rating")
    get_jobs(app).register("forget-feedback", lambda: _forget(app), app.config["MANAGEMENT_FORGET_INTERVAL_SECONDS"])
    add_nav(app, "management.overview", _l("Scorecards"), staff=True, roles=("librarian", "liaison"))
    add_nav(app, "management.feedback_list", _l("Readers' feedback"), staff=True, roles=("liaison",))
    add_nav(app, "management.edit_targets", _l("Targets"), staff=True, roles=("consortium_admin",))
    add_nav(app, "coordination.liaison_directory", _l("Liaison directory"), staff=True, roles=("librarian", "liaison"))
    add_nav(app, "coordination.notice_board", _l("Consortium notices"), staff=True, roles=("liaison",))


def _forget(app) -> int:
    with new_session(app) as session:
        return forget_scrubbed_comments(session)
