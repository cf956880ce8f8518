"""The union catalogue: members' records validated, matched into union works, held, logged.

Pure rules: ``normalise`` (identifiers, classification, text keys), ``matching`` (which work a
record belongs to), ``citations`` (RIS/BibTeX/MARCXML of a work), ``access`` (who may open an
e-resource). ``schema`` validates a pushed record; ``service`` ingests a batch (validate →
match → holdings → change log, in one transaction) through ``store`` (set-at-a-time SQL);
``works`` reads a work with its holdings; ``stats`` counts a member's holdings; ``views`` is
the push and work API. The change log is what the search indexer follows.
"""
from consortium.catalogue import views
from consortium.web.api import get_api

DEFAULTS: dict = {}  # push limits are app-wide (CONSORTIUM_MAX_BATCH, CONSORTIUM_MAX_JSON_BYTES)


def init_app(app) -> None:
    """Register the push and work API."""
    get_api(app).register_blueprint(views.blp)
