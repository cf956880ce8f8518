"""Entry points taking the app: the ``digests`` background job and the commands call these."""
import logging
from datetime import datetime, timezone

from consortium.db.engine import open_session
from consortium.mail import wake_mailer
from consortium.ports import ANSWERS, SEARCH
from consortium.search.errors import IndexBusy
from consortium.search.operations import sync_index
from consortium.subscriptions import digest, service
from consortium.subscriptions.mails import TemplateMailer
from consortium.subscriptions.rules import RunReport

log = logging.getLogger(__name__)


def run_digests(app, now: datetime | None = None) -> RunReport:
    """Bring the index up to date (works pushed a moment ago belong in this window), then
    queue every digest due at ``now`` and wake the mailer."""
    try:
        sync_index(app)
    except IndexBusy:  # the process holding the writer keeps the index current
        log.info("search index busy; digests read it as it is")
    settings = service.SubscriptionSettings.from_config(app.config)
    with open_session(app) as session:
        report = digest.send_due(session, app.extensions.get(SEARCH), now=now or datetime.now(timezone.utc),
                                 settings=settings, mailer=TemplateMailer(session, settings.base_url),
                                 answers=app.extensions.get(ANSWERS))
    if report.sent:
        wake_mailer(app)
        log.info("digests: %s", report)
    return report


def run_sweep(app, now: datetime | None = None) -> int:
    """Delete subscriptions left unconfirmed too long (their addresses with them)."""
    settings = service.SubscriptionSettings.from_config(app.config)
    with open_session(app) as session:
        return service.sweep(session, now=now or datetime.now(timezone.utc), settings=settings)


def digest_job(app) -> None:
    """The background job: the sweep, then the digests that are due."""
    swept = run_sweep(app)
    if swept:
        log.info("subscriptions: %d unconfirmed deleted", swept)
    run_digests(app)
