"""What the reference views share: settings from config, the acting staff member, the clock."""
from datetime import datetime, timezone

from flask import current_app, request
from flask_login import current_user

from consortium.errors import PermissionDenied, Unauthenticated
from consortium.ports import SEARCH, get_port
from consortium.services.reference_common import Actor, ReferenceSettings

LIAISON_ROLES = ("liaison", "consortium_admin")


def settings() -> ReferenceSettings:
    return ReferenceSettings.from_config(current_app.config)


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


def wake_mail():
    app = current_app._get_current_object()

    def _wake():
        from consortium.mail import wake_mailer

        wake_mailer(app)

    return _wake
