"""The reference queue's background job, run with the app's settings and search port."""
from datetime import datetime, timezone

from consortium.db.engine import open_session
from consortium.ports import SEARCH
from consortium.reference.common import ReferenceSettings
from consortium.reference.sweep import SweepReport, sweep


def run_sweep(app, now: datetime | None = None) -> SweepReport:
    """One sweep over the queue (the ``sweep`` job and ``consortium sweep``)."""
    with open_session(app) as session:
        return sweep(session, now=now or datetime.now(timezone.utc), settings=ReferenceSettings.from_config(app.config),
                     search=app.extensions.get(SEARCH))
