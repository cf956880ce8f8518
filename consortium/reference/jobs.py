"""The reference queue's background job, run with the app's settings and search port."""
from datetime import datetime, timezone

from consortium.db.engine import open_session
from consortium.mail.delivery import forget_delivered
from consortium.ports import SEARCH
from consortium.reference.chat import expire_ringing
from consortium.reference.chat_desk import cleanup
from consortium.reference.common import ReferenceSettings
from consortium.reference.duty import ChatSettings
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


def run_chat_job(app, now: datetime | None = None) -> int:
    """Queue chats nobody accepted in time, end idle chats, delete old chat events (the ``chat`` job)."""
    now = now or datetime.now(timezone.utc)
    settings, chat = ReferenceSettings.from_config(app.config), ChatSettings.from_config(app.config)
    with open_session(app) as session:
        queued = expire_ringing(session, now=now, settings=settings, chat=chat, search=app.extensions.get(SEARCH))
        cleanup(session, now=now, settings=settings, chat=chat)
    return queued
