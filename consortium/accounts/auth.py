"""Staff sessions: Flask-Login for who is logged in, Flask-WTF for forms and CSRF.

Sessions live in Flask's signed cookie, so ending one needs a server-side fact: a staff
session's user id is ``"<id>:<session_version>"`` and the user loader refuses a version the
account no longer has. Logging out (or changing the password) raises the version, which ends
every session of the account: a copied cookie stops working. Logging in starts a fresh
session (nothing of the anonymous one, CSRF token included, carries over). Failed logins are
throttled per account and per client address (``LOGIN_RATE_LIMIT_PER_*``, Flask-Limiter).
"""
from datetime import datetime, timezone
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import CSRFProtect, FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from consortium.accounts import service as accounts
from consortium.accounts.models import Member, User
from consortium.db import get_session
from consortium.web.limits import body_value, hashed, limiter
from consortium.web.redirects import safe_next_or

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")
login_manager = LoginManager()
csrf = CSRFProtect()


class StaffUser:
    """The Flask-Login view of a staff account (detached from the session)."""

    def __init__(self, user: User, timezone: str | None = None):
        self.id = user.id
        self.email = user.email
        self.role = user.role
        self.member_id = user.member_id
        self.display_name = user.display_name or user.email
        self.is_active = user.active
        self.is_authenticated = True
        self.is_anonymous = False
        # times on staff pages are shown in the member's zone (admins: the consortium's, None)
        self.timezone = timezone
        self.session_version = user.session_version or 0

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == "consortium_admin"

    def may_act_for(self, member_id: int | None) -> bool:
        """Staff act for their own member only; consortium admins for all."""
        return self.is_admin or (member_id is not None and member_id == self.member_id)


@login_manager.user_loader
def _load_user(session_id: str):
    """The staff user of a session, if the session is still one the account has."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit() and len(user_id) < 12):
        return None  # also sessions from before versions existed: log in again
    session = get_session()
    user = session.get(User, int(user_id))
    if user is None or not user.active or (user.session_version or 0) != int(version):
        return None
    member = session.get(Member, user.member_id) if user.member_id else None
    return StaffUser(user, member.timezone if member else None)


def roles_required(*roles):
    """Views for some roles only; consortium admins pass every role check."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles and not current_user.is_admin:
                abort(403, description=_("Your role may not use this page."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


def _login_failed(response) -> bool:
    """Only failed attempts count against the login limits (success redirects)."""
    return response.status_code != 302


def _login_limit(name: str):
    return lambda: current_app.config[name]


def _too_many() -> str:
    return _("Too many failed logins; please wait a few minutes and try again.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit("LOGIN_RATE_LIMIT_PER_IP"), methods=["POST"], deduct_when=_login_failed,
               error_message=_too_many)
@limiter.limit(_login_limit("LOGIN_RATE_LIMIT_PER_ACCOUNT"), methods=["POST"], deduct_when=_login_failed,
               key_func=lambda: hashed("login", body_value("email")), error_message=_too_many)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.check_login(get_session(), form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing set before login (or by someone else) survives
            login_user(StaffUser(user))
            return redirect(safe_next_or(request.args.get("next"), url_for("pages.staff_home")))
        flash(_("Unknown e-mail address or wrong password."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_sessions(get_session(), current_user.id)
        logout_user()
        session.clear()
    return redirect(url_for("pages.home"))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    # The API authenticates with bearer keys, not cookies: CSRF guards the pages only.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.before_request
    def _csrf_for_pages():
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.path.startswith("/api/"):
            csrf.protect(apply_exemptions=True)  # honour csrf.exempt (OAI-PMH POST)

    @app.context_processor
    def _auth_context():
        return {"logout_form": LogoutForm() if current_user.is_authenticated else None}

    # staff pages name the zone their times are in (accounts/_time.html)
    app.jinja_env.globals.setdefault("utc_now", lambda: datetime.now(timezone.utc))
