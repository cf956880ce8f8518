"""The federated reference queue: readers ask, the best-placed member answers.

Pure rules: ``states`` (a question's life), ``routing`` (which member), ``question_text`` (what
a question is about), ``workclock`` and ``opening_hours`` (working-hours due times),
``redaction`` and ``pii_patterns`` (personal data out before publishing). Services: ``questions``
(reader intake, status page), ``placement`` (routing facts from the database and the search
port), ``liaison`` and ``queue`` (claim, answer, clarify, transfer, return, close), ``knowledge``
(the published answers), ``profiles``, ``stats``, ``sweep`` (reminders, escalation, retention),
``notices`` (the queue's e-mails). Views: ``public`` (reader pages), ``staff`` (liaison pages),
``api`` (JSON); ``cli`` holds ``consortium sweep`` and ``consortium reference``.

Live chat: ``chat_rules`` (pure: states, presence, SSE frames), ``duty`` (staffed hours,
presence), ``chat`` (reader side, routing among members on duty, queue fall-back),
``chat_desk`` (liaison side, transcript into the question), ``chat_stream`` (the per-process
bus polling ``chat_event`` and the bounded SSE streams); views ``chat_api`` and ``chat_staff``.
"""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from consortium.config import apply_defaults
from consortium.db import new_session
from consortium.jobs import get_jobs
from consortium.ports import ANSWERS
from consortium.reference import api, chat_api, chat_staff, public, staff
from consortium.reference.chat_stream import ChatBus
from consortium.reference.jobs import run_chat_job, run_sweep
from consortium.reference.knowledge import KnowledgeAnswers
from consortium.reference.viewhelpers import CHAT_BUS
from consortium.web.api import get_api
from consortium.web.nav import add_nav

DEFAULTS = {
    # Routing weights by signal name (see consortium.routing.Weights); missing names keep defaults.
    "REFERENCE_ROUTING_WEIGHTS": {},
    # Submissions allowed per e-mail address and per IP address within the window.
    "REFERENCE_RATE_LIMIT_PER_EMAIL": 5,
    "REFERENCE_RATE_LIMIT_PER_IP": 20,
    "REFERENCE_RATE_LIMIT_WINDOW_SECONDS": 3600,
    # The question form refuses submissions faster than this (bots fill forms instantly).
    "REFERENCE_MIN_FILL_SECONDS": 3,
    # A question nobody claims within this many working days opens to every member.
    "REFERENCE_OPEN_TO_ALL_DAYS": 7,
    # Remind the member's liaisons this many working hours before a first response falls due.
    "REFERENCE_REMIND_BEFORE_HOURS": 2.0,
    # Calendar for members without a reference profile, and for the consortium-wide 7-day rule.
    "REFERENCE_DEFAULT_HOURS": "mon-fri 08:30-17:30",
    "REFERENCE_DEFAULT_TIMEZONE": "Asia/Shanghai",
    # Retention (consortium.reference.sweep): days a closed question keeps the reader's data when
    # its member has no reference profile (a profile's retention_days wins), and days without
    # any activity after which the sweep closes a question nobody closed (answered, waiting for
    # the reader, never claimed), so that its retention clock starts.
    "REFERENCE_RETENTION_DAYS": 365,
    "REFERENCE_ABANDON_AFTER_DAYS": 180,
    # Seconds between runs of the "sweep" background job (reminders, escalation, retention).
    "REFERENCE_SWEEP_INTERVAL_SECONDS": 300,
    # Live chat (consortium.reference.chat*). Seconds a chat rings at the member on duty before
    # it goes on as a queued question.
    "CHAT_RING_SECONDS": 90,
    # A liaison is on duty while their desk's heartbeat is younger than this (a closed browser
    # drops off within it); the desk beats every CHAT_HEARTBEAT_SECONDS / 3.
    "CHAT_PRESENCE_TTL_SECONDS": 45,
    "CHAT_HEARTBEAT_SECONDS": 15,
    # The longest message, in characters.
    "CHAT_MESSAGE_MAX_CHARS": 2000,
    # Messages a reader may send per chat (Flask-Limiter syntax).
    "CHAT_RATE_LIMIT_MESSAGES": "30 per minute",
    # An event stream ends after this many seconds; the browser reconnects with Last-Event-ID.
    "CHAT_STREAM_SECONDS": 25,
    # How often each process looks for new chat events in the database (one query per process).
    "CHAT_POLL_SECONDS": 0.25,
    # An accepted chat quiet this long is ended (its transcript goes to its question).
    "CHAT_IDLE_END_MINUTES": 30,
    # Hours the events of an ended chat are kept (the transcript stays in the question).
    "CHAT_KEEP_EVENTS_HOURS": 24,
    # Seconds between runs of the "chat" background job (ring time-outs, idle chats, clean-up).
    "CHAT_JOB_INTERVAL_SECONDS": 5,
}


def init_app(app) -> None:
    """Register the reference blueprints, the sweep job, the ANSWERS port and menu entries."""
    apply_defaults(app, DEFAULTS)
    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(chat_staff.bp)
    get_api(app).register_blueprint(api.blp)
    get_api(app).register_blueprint(chat_api.blp)
    app.extensions[CHAT_BUS] = ChatBus(lambda: new_session(app), float(app.config["CHAT_POLL_SECONDS"]))
    get_jobs(app).register("chat", lambda: run_chat_job(app), app.config["CHAT_JOB_INTERVAL_SECONDS"])
    app.extensions[ANSWERS] = KnowledgeAnswers(app)
    get_jobs(app).register("sweep", lambda: run_sweep(app), app.config["REFERENCE_SWEEP_INTERVAL_SECONDS"])
    add_nav(app, "reference.ask", _l("Ask a librarian"))
    add_nav(app, "reference.answers", lazy_pgettext("knowledge base", "Answered questions"))
    add_nav(app, "reference_staff.queue", _l("Question queue"), staff=True, roles=("liaison",))
    add_nav(app, "reference_chat.desk", _l("Live help desk"), staff=True, roles=("liaison",))
    add_nav(app, "reference_staff.canned", _l("Canned answers"), staff=True, roles=("librarian", "liaison"))
