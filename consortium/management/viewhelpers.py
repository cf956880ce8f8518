"""What the management views share: the acting staff member, settings, today's date."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_login import current_user

from consortium.errors import PermissionDenied, Unauthenticated
from consortium.management.scorecards import Settings
from consortium.reference.common import Actor


def actor(*roles: str) -> Actor:
    """The logged-in staff member (admins always; others if their role is in ``roles``)."""
    if not current_user.is_authenticated:
        raise Unauthenticated("Please log in.")
    if not current_user.is_admin and current_user.role not in roles:
        raise PermissionDenied("This page is not for your role.")
    return Actor(user_id=current_user.id, member_id=current_user.member_id, role=current_user.role,
                 name=current_user.display_name)


def settings() -> Settings:
    return Settings.from_config(current_app.config)


def now() -> datetime:
    return datetime.now(timezone.utc)


def today():
    """Today in the consortium's calendar."""
    return now().astimezone(ZoneInfo(current_app.config["MANAGEMENT_TIMEZONE"])).date()
