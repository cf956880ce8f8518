"""Accounts: member libraries, their API keys and registered site origins, staff users, and
the audit trail of their administration.

``service`` (members, keys, command-line users, logins), ``members`` (members as the admin
pages change them), ``users`` (invitations and set-password links, roles, disabling),
``origins`` (the web-site origins a member's embeds may be read from), ``audit`` (who changed
what, when), ``auth`` (staff sessions with Flask-Login, CSRF with Flask-WTF, the login pages
and role checks), the admin pages ``admin`` (members, keys, audit) and ``user_pages`` (staff
accounts, the set-password page), ``cli`` (``consortium members|keys|users``).
"""
from flask_babel import lazy_gettext as _l

from consortium.accounts import admin, auth, user_pages
from consortium.config import apply_defaults
from consortium.web.nav import add_nav

DEFAULTS: dict = {
    # Hours a set-password link (an invitation, or a new link an admin sends) stays valid.
    "ACCOUNTS_LINK_HOURS": 72,
}  # session and CSRF settings are app-wide (consortium.config)


def init_app(app) -> None:
    """Staff sessions, CSRF protection of every page form, the login and admin pages."""
    apply_defaults(app, DEFAULTS)
    auth.init_app(app)
    app.register_blueprint(admin.bp)
    app.register_blueprint(user_pages.bp)
    app.register_blueprint(user_pages.password_bp)
    add_nav(app, "admin.member_list", _l("Administration"), staff=True, roles=("consortium_admin",))
