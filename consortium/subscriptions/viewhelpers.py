"""What the subscription views share: settings, the clock, the mailer, rate limits, and the
headers of pages reached by a token."""
from datetime import datetime, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l

from consortium.accounts.service import list_members
from consortium.db import get_session
from consortium.i18n import localized_name
from consortium.mail import wake_mailer
from consortium.subscriptions.mails import TemplateMailer
from consortium.subscriptions.service import SubscriptionSettings
from consortium.web.limits import body_value, config_limit, hashed, limiter


def settings() -> SubscriptionSettings:
    return SubscriptionSettings.from_config(current_app.config)


def now() -> datetime:
    return datetime.now(timezone.utc)


def mailer() -> TemplateMailer:
    return TemplateMailer(get_session(), settings().base_url)


def member_names() -> dict[str, str]:
    return {m.code: localized_name(m) for m in list_members(get_session())}


def wake_mail():
    app = current_app._get_current_object()
    return lambda: wake_mailer(app)


def private(response):
    """A page reached by a token: never cached, and the token never leaks as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response



def _counts(response) -> bool:
    """Only subscriptions that were taken count (a form with errors does not)."""
    return response.status_code in (200, 202)


_TOO_MANY = _l("Too many subscriptions in a short time; please try again later.")


def subscribe_rate_limits(view):
    """Per address (hashed) and per client, shared by the form and the API, like questions."""
    per_email = limiter.shared_limit(
        config_limit("SUBSCRIPTIONS_RATE_LIMIT_PER_EMAIL", "SUBSCRIPTIONS_RATE_LIMIT_WINDOW_SECONDS"),
        scope="subscription-email", methods=["POST"],
        key_func=lambda: hashed("subscription-email", body_value("email")), deduct_when=_counts,
        error_message=lambda: str(_TOO_MANY))
    per_ip = limiter.shared_limit(
        config_limit("SUBSCRIPTIONS_RATE_LIMIT_PER_IP", "SUBSCRIPTIONS_RATE_LIMIT_WINDOW_SECONDS"),
        scope="subscription-ip", methods=["POST"],
        deduct_when=_counts, error_message=lambda: str(_TOO_MANY))
    return per_ip(per_email(view))
