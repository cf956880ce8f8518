"""The mail outbox: e-mail queued in the transaction that caused it, sent after the commit.

Services call ``queue_mail(session, to, subject, text, html=None, kind="", ref=None)``
inside their unit of work; nothing is sent when that transaction rolls back. The ``mail``
background job (or ``consortium mail send-pending``) runs ``deliver_pending(app)``, which
claims due rows (safe with several workers), hands them to the backend and retries failures
with exponential backoff. To send sooner than the job interval, a service may register
``uow.after_commit(lambda: wake_mailer(app))``.

Configuration: the ``MAIL_*`` keys of ``DEFAULTS`` below, each documented there; set them
in ``<instance>/config.py`` or as environment variables (``CONSORTIUM_MAIL_SERVER=…``).
"""
from consortium.config import apply_defaults
from consortium.jobs import get_jobs
from consortium.mail.delivery import DeliveryReport, deliver_pending, forget_delivered, retry_delay, run_mail_job
from consortium.mail.errors import DeliveryFailed, InvalidMailConfig, InvalidRecipient, MailError, UnknownMailBackend
from consortium.mail.models import OutboxMail
from consortium.mail.outbox import forget_mails, queue_mail, requeue

__all__ = ["queue_mail", "deliver_pending", "DeliveryReport", "OutboxMail", "init_app", "wake_mailer",
           "requeue", "forget_mails", "forget_delivered", "retry_delay", "run_mail_job", "MailError", "InvalidRecipient", "InvalidMailConfig",
           "UnknownMailBackend", "DeliveryFailed", "DEFAULTS"]

DEFAULTS = {
    # "folder" (the embedded default: .eml files in MAIL_FOLDER) or "smtp".
    "MAIL_BACKEND": "folder",
    # Folder of the folder backend; None means <instance>/mail.
    "MAIL_FOLDER": None,
    # SMTP server; MAIL_USE_TLS upgrades the connection with STARTTLS (port 587),
    # MAIL_USE_SSL speaks implicit TLS from the start (port 465).
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    # CA certificates (PEM file) to verify the server with, e.g. a campus CA; None means the
    # system's trust store. Certificates are always verified.
    "MAIL_TLS_CA_FILE": None,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    # Seconds to wait for the SMTP server on connect and on each command.
    "MAIL_TIMEOUT": 30,
    # The From header; a Chinese display name is fine (it is RFC 2047-encoded).
    "MAIL_DEFAULT_SENDER": "导读 Daodu <noreply@daodu.invalid>",
    # Attempts before a mail is marked failed; backoff after attempt n is
    # min(MAIL_RETRY_MAX_SECONDS, MAIL_RETRY_BASE_SECONDS * 2**(n-1)): 1, 2, 4 … minutes.
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_RETRY_BASE_SECONDS": 60,
    "MAIL_RETRY_MAX_SECONDS": 6 * 3600,
    # A claim older than this belongs to a worker that stopped: untried rows are requeued,
    # rows caught mid-send are marked failed (never sent twice).
    "MAIL_CLAIM_TIMEOUT_SECONDS": 900,
    # The background job: seconds between runs, and mails per batch (a run sends batches
    # until fewer than a full batch were due, at most 10 per run).
    "MAIL_JOB_INTERVAL_SECONDS": 30,
    "MAIL_BATCH_SIZE": 100,
    # Days a delivered or given-up mail is kept (for "was it sent?" questions); after that the
    # job deletes it (and the folder backend's .eml files), so readers' addresses do not outlive
    # their use. A sent mail's body is blanked when it is sent; a question's retention scrub
    # deletes its mails at once (``forget_mails``, ``forget_delivered``).
    "MAIL_KEEP_DAYS": 30,
}


def init_app(app) -> None:
    """Fill the ``MAIL_*`` defaults and register the ``mail`` background job."""
    apply_defaults(app, DEFAULTS)
    get_jobs(app).register("mail", lambda: run_mail_job(app), app.config["MAIL_JOB_INTERVAL_SECONDS"])


def wake_mailer(app=None) -> None:
    """Ask the ``mail`` job to run now (harmless when jobs are not running)."""
    get_jobs(app).wake("mail")
