"""File imports: a member's export file (MARC21, MARCXML, CNMARC, CSV, KBART) is uploaded by
a librarian (``pages``) or a script (``api``), kept under the import folder, then read by
``member_sites``' readers and pushed through the catalogue in the background (``service``).
"""
import os

from flask_babel import lazy_gettext as _l

from consortium.config import apply_defaults
from consortium.db import new_session
from consortium.imports import api, pages
from consortium.imports.service import run_pending_imports
from consortium.jobs import get_jobs
from consortium.web.api import get_api
from consortium.web.nav import add_nav
from member_sites.readers.source import Limits

DEFAULTS = {
    # Where uploaded export files are kept until imported; None means <instance>/imports.
    "MEMBER_SITES_IMPORT_DIR": None,
    # Seconds between looks for queued imports (an upload also wakes the job at once).
    "MEMBER_SITES_IMPORT_INTERVAL": 5.0,
    # Records per catalogue transaction during an import (at most 1,000, the push API's batch).
    "MEMBER_SITES_IMPORT_BATCH": 1000,
    # Bytes a compressed upload may unpack to; past it the import fails with a clear message
    # (a small gzip can hold gigabytes of nothing).
    "MEMBER_SITES_IMPORT_MAX_UNPACKED": 1 << 30,
    # Bytes one record (or CSV/KBART line) may take before it is reported and skipped.
    "MEMBER_SITES_IMPORT_MAX_RECORD": 1 << 20,
}


def init_app(app) -> None:
    """Register the import API and pages, the ``imports`` job and the staff menu entry."""
    apply_defaults(app, DEFAULTS)
    if not app.config["MEMBER_SITES_IMPORT_DIR"]:
        app.config["MEMBER_SITES_IMPORT_DIR"] = os.path.join(app.instance_path, "imports")
    get_api(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    add_nav(app, "imports.history", _l("Imports"), staff=True, roles=("librarian",))
    get_jobs(app).register("imports", lambda: run_imports(app), app.config["MEMBER_SITES_IMPORT_INTERVAL"])


def run_imports(app) -> int:
    """One pass of the ``imports`` job: import every queued file; returns how many ran."""
    with new_session(app) as session:
        limits = Limits(max_unpacked=int(app.config["MEMBER_SITES_IMPORT_MAX_UNPACKED"]),
                        max_record=int(app.config["MEMBER_SITES_IMPORT_MAX_RECORD"]))
        return run_pending_imports(session, app.config["MEMBER_SITES_IMPORT_DIR"],
                                   batch=min(int(app.config["MEMBER_SITES_IMPORT_BATCH"]), 1000),
                                   on_commit=lambda: get_jobs(app).wake("indexer"), limits=limits)
