"""Members, API keys and staff accounts; every change leaves an audit entry (``audit``).

``actor`` is the staff user acting (anything with ``id`` and ``email``: the web layer passes
its Flask-Login user) or None for the command line, which is trusted.
"""
import hashlib
import hmac
import re
import secrets
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from consortium.accounts import audit
from consortium.accounts.errors import DuplicateMember, DuplicateUser, InvalidAccount, UnknownKey
from consortium.accounts.models import ROLES, ApiKey, Member, User
from consortium.db.columns import utcnow
from consortium.db.uow import UnitOfWork
from consortium.errors import NotFound, PermissionDenied, Unauthenticated, UnknownMember

KEY_PREFIX_LEN = 12
MEMBER_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,31}")
MIN_PASSWORD = 8


def check_timezone(name: str) -> str:
    """An IANA time zone name this machine knows (times on staff pages are shown in it)."""
    name = (name or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidAccount("This is not a time zone name such as Asia/Shanghai.", {"timezone": [name]}) from None
    return name


def add_member(session: Session, code: str, name: str, name_en: str | None = None,
               site_origins: list | None = None, *, timezone: str = "Asia/Shanghai", actor=None) -> Member:
    code = (code or "").strip().upper()
    if not MEMBER_CODE.fullmatch(code):
        # codes appear in URLs, API paths and OAI set names: ASCII only
        raise InvalidAccount("A member code is 1–32 ASCII letters, digits, - or _.", {"code": ["invalid"]})
    if not (name or "").strip():
        raise InvalidAccount("A member needs a name.", {"name": ["required"]})
    if session.exec(select(Member).where(Member.code == code)).first():
        raise DuplicateMember("A member with this code exists already.", {"code": [code]})
    timezone = check_timezone(timezone)
    with UnitOfWork(session):
        member = Member(code=code, name=name.strip(), name_en=(name_en or "").strip() or None,
                        site_origins=site_origins or [], timezone=timezone)
        session.add(member)
        session.flush()
        audit.record(session, actor, "member.added", code, member_id=member.id,
                     details={"name": member.name, "name_en": member.name_en, "site_origins": member.site_origins})
    return member


def get_member(session: Session, code: str) -> Member:
    member = session.exec(select(Member).where(Member.code == (code or "").upper())).first()
    if member is None:
        raise UnknownMember(f"There is no member {code!r}.")
    return member


def list_members(session: Session) -> list[Member]:
    return list(session.exec(select(Member).order_by(Member.code)).all())


def _hash_key(key: str) -> str:
    # Keys are 256-bit random tokens: a fast hash is enough, a slow KDF buys nothing.
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session: Session, code: str, label: str | None = None, *, actor=None) -> str:
    """Create a key for a member and return it; only its hash is stored."""
    member = get_member(session, code)
    label = (label or "").strip()[:200] or None
    key = "dk_" + secrets.token_urlsafe(32)
    with UnitOfWork(session):
        session.add(ApiKey(member_id=member.id, prefix=key[:KEY_PREFIX_LEN], key_hash=_hash_key(key), label=label))
        audit.record(session, actor, "key.issued", key[:KEY_PREFIX_LEN], member_id=member.id,
                     details={"label": label})
    return key


def list_keys(session: Session, code: str | None = None) -> list[tuple[ApiKey, Member]]:
    """Keys (never the keys themselves: prefix, label, dates), newest first."""
    stmt = select(ApiKey, Member).join(Member, Member.id == ApiKey.member_id)
    if code:
        stmt = stmt.where(Member.code == code.strip().upper())
    return list(session.exec(stmt.order_by(ApiKey.created_at.desc(), ApiKey.id.desc())).all())


def revoke_key(session: Session, key_id: int, *, actor=None) -> ApiKey:
    """Revoke one key by its id; revoking a revoked key changes nothing."""
    key = session.get(ApiKey, key_id) if 0 < key_id < 2**31 else None
    if key is None:
        raise UnknownKey("There is no such API key.", {"key": [str(key_id)]})
    if key.revoked_at is None:
        with UnitOfWork(session):
            key.revoked_at = utcnow()
            session.add(key)
            audit.record(session, actor, "key.revoked", key.prefix, member_id=key.member_id,
                         details={"label": key.label})
    return key


def revoke_keys(session: Session, code: str, prefix: str | None = None, *, actor=None) -> int:
    """Revoke a member's keys (all, or the one starting with ``prefix``); returns how many."""
    member = get_member(session, code)
    query = select(ApiKey).where(ApiKey.member_id == member.id, ApiKey.revoked_at.is_(None))
    count = 0
    with UnitOfWork(session):
        for key in session.exec(query).all():
            if prefix is None or key.prefix.startswith(prefix[:KEY_PREFIX_LEN]):
                key.revoked_at = utcnow()
                session.add(key)
                audit.record(session, actor, "key.revoked", key.prefix, member_id=member.id,
                             details={"label": key.label})
                count += 1
    return count


def authenticate_key(session: Session, key: str | None) -> Member:
    """The member a bearer key acts for; ``Unauthenticated`` for a missing, unknown or revoked key."""
    if not key:
        raise Unauthenticated("An API key is required: send 'Authorization: Bearer <key>'.")
    digest = _hash_key(key)
    for row in session.exec(select(ApiKey).where(ApiKey.prefix == key[:KEY_PREFIX_LEN])).all():
        if hmac.compare_digest(row.key_hash, digest):
            if row.revoked_at is not None:
                raise Unauthenticated("This API key has been revoked.")
            return session.get(Member, row.member_id)
    raise Unauthenticated("This API key is not known.")


def require_member_key(session: Session, key: str | None, code: str) -> Member:
    """The member of ``code`` if the key acts for it; a key acts for its own member only."""
    member = authenticate_key(session, key)
    if member.code != (code or "").upper():
        get_member(session, code)  # an unknown code is still a 404 to the key's owner
        raise PermissionDenied(f"This key acts for member {member.code} only, not {code}.")
    return member


MAX_EMAIL = 254  # the login form's Length(max=254)


def staff_email(raw: str | None) -> str:
    """A staff e-mail address as stored, checked by the login form's rule (email-validator,
    no DNS look-up, at most 254 characters), so every account added can log in."""
    email = (raw or "").strip().lower()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidAccount(f"{raw!r} is not an e-mail address the login form accepts: {exc}",
                             {"email": ["invalid"]}) from None
    if len(email) > MAX_EMAIL:
        raise InvalidAccount(f"An e-mail address has at most {MAX_EMAIL} characters.", {"email": ["too long"]})
    return email


def check_role(session: Session, role: str, member_code: str | None) -> Member | None:
    """The member a role belongs to: librarians and liaisons one member, admins none."""
    if role not in ROLES:
        raise InvalidAccount("Choose a role: consortium administrator, librarian or liaison officer.",
                             {"role": ["invalid"]})
    if role == "consortium_admin":
        return None
    if not member_code:
        raise InvalidAccount("Librarians and liaison officers belong to one member library.", {"member": ["required"]})
    return get_member(session, member_code)


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password or "") <= 200:
        raise InvalidAccount("A password needs at least 8 characters.", {"password": ["too short"]})
    return password


def add_user(session: Session, email: str, password: str, role: str, member_code: str | None = None,
             display_name: str | None = None, *, actor=None) -> User:
    """A staff account with a password (the command line; the pages invite instead)."""
    email = staff_email(email)
    member = check_role(session, role, member_code)
    check_password(password)
    if session.exec(select(User).where(User.email == email)).first():
        raise DuplicateUser("A staff account with this e-mail address exists already.", {"email": [email]})
    with UnitOfWork(session):
        user = User(email=email, password_hash=generate_password_hash(password), role=role,
                    member_id=member.id if member else None, display_name=display_name)
        session.add(user)
        session.flush()
        audit.record(session, actor, "user.added", email, member_id=user.member_id, details={"role": role})
    return user


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone types, made the way real ones are (so checking it costs the same)."""
    return generate_password_hash(secrets.token_hex(16))


def check_login(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None.

    A password hash is checked whether or not the account exists: answering an unknown
    address at once (4 ms against 127 ms) told anyone which addresses have accounts."""
    user = session.exec(select(User).where(User.email == (email or "").strip().lower())).first()
    # an invited account has no password until its owner sets one through the link
    usable = user is not None and user.active and bool(user.password_hash)
    matches = check_password_hash(user.password_hash if usable else _dummy_hash(), password or "")
    return user if usable and matches else None


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of a staff account (its session version is part of each session)."""
    with UnitOfWork(session):
        user = session.get(User, user_id)
        if user is not None:
            user.session_version = (user.session_version or 0) + 1
            session.add(user)


def set_password(session: Session, email: str, password: str) -> User:
    """Change a staff account's password; every session of the account ends."""
    check_password(password)
    user = session.exec(select(User).where(User.email == (email or "").strip().lower())).first()
    if user is None:
        raise NotFound(f"There is no staff account {email!r}.")
    with UnitOfWork(session):
        user.password_hash = generate_password_hash(password)
        user.session_version = (user.session_version or 0) + 1
        session.add(user)
    return user
