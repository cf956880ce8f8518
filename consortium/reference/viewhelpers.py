"""What the reference views share: settings from config, the acting staff member, the clock."""
from datetime import datetime, timezone

from flask import current_app, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from consortium.errors import InvalidTransition, PermissionDenied, Unauthenticated
from consortium.mail import wake_mailer
from consortium.ports import SEARCH, get_port
from consortium.reference.chat_stream import ChatBus
from consortium.reference.common import Actor, ReferenceSettings
from consortium.reference.duty import ChatSettings
from consortium.web.errors import handle_domain_error
from consortium.web.limits import body_value, config_limit, hashed, limiter

LIAISON_ROLES = ("liaison", "consortium_admin")


def settings() -> ReferenceSettings:
    return ReferenceSettings.from_config(current_app.config)


def chat_settings() -> ChatSettings:
    return ChatSettings.from_config(current_app.config)


CHAT_BUS = "consortium.reference.chat_bus"


def chat_bus(app=None) -> ChatBus:
    """This process's chat event bus (made by ``consortium.reference.init_app``)."""
    return (app or current_app).extensions[CHAT_BUS]


def now() -> datetime:
    return datetime.now(timezone.utc)


def search_port():
    return get_port(SEARCH)


def staff_actor() -> Actor:
    """The logged-in liaison or admin; others are refused (401 not logged in, 403 wrong role)."""
    if not current_user.is_authenticated:
        raise Unauthenticated("Please log in as a liaison officer.")
    if current_user.role not in LIAISON_ROLES:
        raise PermissionDenied("Only liaison officers and consortium administrators work the question queue.")
    return Actor(user_id=current_user.id, member_id=current_user.member_id, role=current_user.role,
                 name=current_user.display_name)


def client_ip() -> str | None:
    """The peer address (a proxy in front must be configured with ProxyFix to pass the reader's)."""
    return request.remote_addr



def _counts(response) -> bool:
    """Only questions that were taken count against the limits (a form with errors does not)."""
    return response.status_code in (200, 201)


_TOO_MANY = _l("Too many questions in a short time; please try again later.")


def question_rate_limits(view):
    """Per reader e-mail address (hashed) and per client address, shared by the question form
    and ``POST /api/v1/questions``: REFERENCE_RATE_LIMIT_PER_EMAIL / _PER_IP per window."""
    per_email = limiter.shared_limit(
        config_limit("REFERENCE_RATE_LIMIT_PER_EMAIL", "REFERENCE_RATE_LIMIT_WINDOW_SECONDS"),
        scope="question-email", methods=["POST"],
        key_func=lambda: hashed("question-email", body_value("email")), deduct_when=_counts,
        error_message=lambda: str(_TOO_MANY))
    per_ip = limiter.shared_limit(
        config_limit("REFERENCE_RATE_LIMIT_PER_IP", "REFERENCE_RATE_LIMIT_WINDOW_SECONDS"),
        scope="question-ip", methods=["POST"],
        deduct_when=_counts, error_message=lambda: str(_TOO_MANY))
    return per_ip(per_email(view))


def wake_mail():
    app = current_app._get_current_object()
    return lambda: wake_mailer(app)


def translated_message(exc) -> str:
    """A domain error's message in the page language (services speak English, pages zh-CN/en)."""
    errors = getattr(exc, "errors", {}) or {}
    if isinstance(exc, InvalidTransition) and errors.get("state") and errors.get("action"):
        return gettext("Cannot %(action)s a question that is %(state)s.",
                       action=gettext(ACTION_WORDS.get(errors["action"][0], errors["action"][0])),
                       state=gettext(STATE_WORDS.get(errors["state"][0], errors["state"][0])))
    return gettext(exc.message)


def handle_page_error(exc):
    """Blueprint error handler: the foundation's response, with the message translated."""
    exc.message = translated_message(exc)
    return handle_domain_error(exc)


ACTION_WORDS = {"claim": "claim", "unclaim": "unclaim", "answer": "answer", "clarify": "ask for clarification on",
                "transfer": "transfer", "return_to_pool": "return to the pool", "escalate": "escalate",
                "close": "close", "reader_reply": "reply to"}
STATE_WORDS = {"new": "not claimed yet", "claimed": "being worked on", "waiting": "waiting for the reader's reply",
               "answered": "already answered", "closed": "already closed"}
