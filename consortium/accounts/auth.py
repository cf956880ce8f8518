"""Staff sessions: Flask-Login for who is logged in, Flask-WTF for forms and CSRF."""
from datetime import datetime, timezone
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import CSRFProtect, FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from consortium.accounts import service as accounts
from consortium.accounts.models import Member, User
from consortium.db import get_session

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

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "consortium_admin"

    def may_act_for(self, member_id: int | None) -> bool:
        """Staff act for their own member only; consortium admins for all."""
        return self.is_admin or (member_id is not None and member_id == self.member_id)


@login_manager.user_loader
def _load_user(user_id: str):
    session = get_session()
    user = session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.check_login(get_session(), form.email.data, form.password.data)
        if user is not None:
            login_user(StaffUser(user))
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.staff_home"))
        flash(_("Unknown e-mail address or wrong password."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
    return redirect(url_for("pages.home"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


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
