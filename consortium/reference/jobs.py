"""The reference queue's background job, run with the app's settings and search port."""
from datetime import datetime, timezone

from consortium.db.engine import open_session
from consortium.mail.delivery import forget_delivered
from consortium.ports import SEARCH
from consortium.reference.common import ReferenceSettings
from consortium.reference.sweep import Retention, SweepReport, sweep


def run_sweep(app, now: datetime | None = None) -> SweepReport:
    """One sweep over the queue (the ``sweep`` job and ``consortium sweep``)."""
    config = app.config
    retention = Retention(days=int(config["REFERENCE_RETENTION_DAYS"]),
                          abandon_after_days=int(config["REFERENCE_ABANDON_AFTER_DAYS"]))
    with open_session(app) as session:
        return sweep(session, now=now or datetime.now(timezone.utc), settings=ReferenceSettings.from_config(config),
                     search=app.extensions.get(SEARCH), retention=retention,
                     forget_files=lambda refs: forget_delivered(app, refs))
