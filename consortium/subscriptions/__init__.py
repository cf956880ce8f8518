"""Push to readers (推送/定题服务): e-mail subscriptions to searches, classes, members' new
arrivals, guides and the knowledge base, sent as digests.

Pure rules: ``rules`` (due, windows, the digest's grouping and order) and ``tokens``.
Services: ``service`` (subscribe with double opt-in, confirm, change, delete, bounces and
complaints, the sweep), ``digest`` (a run: each due subscription's search through the search
port with a first-seen window, mail queued through the outbox). Views: ``pages`` (reader
pages), ``admin`` (recording bounces and complaints), ``api`` (``POST /api/v1/subscriptions``);
``mails`` renders the mails; ``cli`` holds ``consortium digests send`` and
``consortium subscriptions …``; ``jobs`` the ``digests`` background job.
"""
from flask_babel import lazy_gettext as _l

from consortium.config import apply_defaults
from consortium.jobs import get_jobs
from consortium.subscriptions import admin, api, pages
from consortium.subscriptions.jobs import digest_job
from consortium.web.api import get_api
from consortium.web.nav import add_nav

DEFAULTS = {
    # Days an unconfirmed subscription (and its address) is kept before the sweep deletes it.
    "SUBSCRIPTIONS_PENDING_DAYS": 7,
    # A digest covers what the consortium first saw up to this many seconds before the run, so
    # a push still committing (or not indexed yet) falls into the next digest, not into none.
    "SUBSCRIPTIONS_SETTLE_SECONDS": 60,
    # Works listed in one digest (the mail says how many more there are, and links the search).
    "SUBSCRIPTIONS_MAX_WORKS": 20,
    # Bounces an admin records for an address before its subscriptions are deleted.
    "SUBSCRIPTIONS_MAX_BOUNCES": 3,
    # Subscriptions allowed per e-mail address and per client address within the window
    # (the form and the API together; only ones that were taken count).
    "SUBSCRIPTIONS_RATE_LIMIT_PER_EMAIL": 5,
    "SUBSCRIPTIONS_RATE_LIMIT_PER_IP": 20,
    "SUBSCRIPTIONS_RATE_LIMIT_WINDOW_SECONDS": 3600,
    # Seconds between runs of the "digests" job (sweep, then the digests that are due).
    "SUBSCRIPTIONS_JOB_INTERVAL_SECONDS": 900,
}


def init_app(app) -> None:
    """Register the pages, the API, the admin page, the ``digests`` job and menu entries."""
    apply_defaults(app, DEFAULTS)
    app.register_blueprint(pages.bp)
    app.register_blueprint(admin.bp)
    get_api(app).register_blueprint(api.blp)
    get_jobs(app).register("digests", lambda: digest_job(app), app.config["SUBSCRIPTIONS_JOB_INTERVAL_SECONDS"])
    add_nav(app, "subscriptions_admin.index", _l("Subscriptions"), staff=True, roles=("consortium_admin",))
