"""Accounts: member libraries, their API keys and registered site origins, and staff users.

``service`` (members, keys, users, logins), ``origins`` (the web-site origins a member's
embeds may be read from), ``auth`` (staff sessions with Flask-Login, CSRF with Flask-WTF, the
login pages and role checks), ``cli`` (``consortium members|keys|users``).
"""
from consortium.accounts import auth

DEFAULTS: dict = {}  # session and CSRF settings are app-wide (consortium.config)


def init_app(app) -> None:
    """Staff sessions, CSRF protection of every page form, and the login pages."""
    auth.init_app(app)
