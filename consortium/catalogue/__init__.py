"""The union catalogue: members' records validated, matched into union works, held, logged,
and corrected by librarians.

Pure rules: ``normalise`` (identifiers, classification, text keys, edition numbers),
``matching`` (which work a record belongs to), ``citations`` (RIS/BibTeX/MARCXML of a work),
``access`` (who may open an e-resource). ``schema`` validates a pushed record; ``service``
ingests a batch (validate → match → holdings → change log, in one transaction) through
``store`` (set-at-a-time SQL) and ``writes`` (what corrections share), under the locks and
bounded retries of ``locking``; ``corrections`` splits, merges and answers reviews with an
audit trail; ``review`` reads the queue for staff; ``check`` finds (and repairs) what
concurrency can leave wrong; ``works`` reads a work with its holdings; ``stats`` counts a
member's holdings; ``views`` is the push and work API, ``staff``/``staff_api`` the staff pages
and JSON, ``cli`` ``consortium catalogue check``. The change log is what the search indexer
follows.
"""
from flask_babel import lazy_gettext as _l

from consortium.catalogue import staff, staff_api, views
from consortium.config import apply_defaults
from consortium.web.api import get_api
from consortium.web.nav import add_nav

DEFAULTS: dict = {
    # Tries of a push or correction that lost to a concurrent one (deadlock, lock wait, a race)
    # before it answers 503 with Retry-After; each retry waits a little longer (jittered).
    "CATALOGUE_TRIES": 3,
    # Seconds a transaction waits for another's match-key or work locks (PostgreSQL
    # lock_timeout) before it gives up and retries; SQLite waits its busy timeout (30 s).
    "CATALOGUE_LOCK_TIMEOUT": 20.0,
    # The Retry-After (seconds) of that 503.
    "CATALOGUE_RETRY_AFTER": 5,
}
# push limits are app-wide (CONSORTIUM_MAX_BATCH, CONSORTIUM_MAX_JSON_BYTES)


def init_app(app) -> None:
    """Register the push, work and staff APIs, the staff pages and their menu entry."""
    apply_defaults(app, DEFAULTS)
    api = get_api(app)
    api.register_blueprint(views.blp)
    api.register_blueprint(staff_api.blp)
    app.register_blueprint(staff.bp)
    add_nav(app, "catalogue_staff.reviews", _l("Match review"), staff=True, roles=("librarian",))
