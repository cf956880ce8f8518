"""Wiring of the member_sites feature into the app: file imports (API, staff pages, background
job) and the member stats endpoint read by ``member-sync``.

Config (defaults set here; override in the instance config or ``CONSORTIUM_*`` variables):

- ``MEMBER_SITES_IMPORT_DIR``: where uploaded export files are kept until imported; None means
  ``<instance>/imports``.
- ``MEMBER_SITES_IMPORT_INTERVAL``: seconds between looks for queued imports (an upload also
  wakes the job at once). Default 5.
- ``MEMBER_SITES_IMPORT_BATCH``: records per catalogue transaction during an import (at most
  1,000, the push API's batch). Default 1000.
"""
import os


def init_app(app) -> None:
    """Register the member_sites blueprints, the ``imports`` job and the staff menu entry."""
    from flask_babel import lazy_gettext as _l

    from consortium.jobs import get_jobs
    from consortium.web import imports_pages, member_api
    from consortium.web.api import get_api
    from consortium.web.pages import add_nav

    app.config.setdefault("MEMBER_SITES_IMPORT_DIR", None)
    app.config.setdefault("MEMBER_SITES_IMPORT_INTERVAL", 5.0)
    app.config.setdefault("MEMBER_SITES_IMPORT_BATCH", 1000)
    if not app.config["MEMBER_SITES_IMPORT_DIR"]:
        app.config["MEMBER_SITES_IMPORT_DIR"] = os.path.join(app.instance_path, "imports")
    get_api(app).register_blueprint(member_api.blp)
    app.register_blueprint(imports_pages.bp)
    add_nav(app, "imports.history", _l("Imports"), staff=True, roles=("librarian",))
    get_jobs(app).register("imports", lambda: run_imports(app), app.config["MEMBER_SITES_IMPORT_INTERVAL"])


def run_imports(app) -> int:
    """One pass of the ``imports`` job: import every queued file; returns how many ran."""
    from consortium.db import new_session
    from consortium.jobs import get_jobs
    from consortium.services.imports import run_pending_imports

    with new_session(app) as session:
        return run_pending_imports(session, app.config["MEMBER_SITES_IMPORT_DIR"],
                                   batch=min(int(app.config["MEMBER_SITES_IMPORT_BATCH"]), 1000),
                                   on_commit=lambda: get_jobs(app).wake("indexer"))
