"""Subscriptions without an account: subscribe (double opt-in), confirm, change, pause,
delete, admin-recorded bounces and complaints, and the sweep of unconfirmed ones.

Every write is one unit of work; mail is queued in it (sent after commit). The mails'
words come from a ``Mailer`` the caller hands in (the views and commands render templates
in the reader's language; this module imports no Flask).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import delete
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput
from consortium.mail.outbox import forget_mails, queue_mail
from consortium.search.params import parse_params
from consortium.subscriptions import rules, tokens
from consortium.subscriptions.errors import InvalidSubscription, NotConfirmed, UnknownSubscription
from consortium.subscriptions.models import Subscription
from member_sites.record.xmlchars import strip_forbidden

LANGUAGES = ("zh", "en")
# The /api/v1/search parameters a subscription keeps (paging and sorting are the digest's).
SEARCH_KEYS = ("q", "member", "format", "language", "year_from", "year_to", "clc", "available")
LIST_KEYS = ("member", "format", "language")


@dataclass(frozen=True)
class SubscriptionSettings:
    base_url: str
    secret: str
    pending_days: int = 7
    settle_seconds: float = 60.0
    max_works: int = 20
    max_bounces: int = 3

    @classmethod
    def from_config(cls, config) -> "SubscriptionSettings":
        return cls(base_url=str(config.get("CONSORTIUM_BASE_URL") or "").rstrip("/"), secret=config["SECRET_KEY"],
                   pending_days=config["SUBSCRIPTIONS_PENDING_DAYS"],
                   settle_seconds=config["SUBSCRIPTIONS_SETTLE_SECONDS"],
                   max_works=config["SUBSCRIPTIONS_MAX_WORKS"], max_bounces=config["SUBSCRIPTIONS_MAX_BOUNCES"])


class Mailer(Protocol):
    """The words of the feature's mails, in the subscription's language: (subject, text, html)."""

    def confirmation(self, subscription: Subscription, links: dict) -> tuple[str, str, str | None]: ...

    def digest(self, subscription: Subscription, digest: rules.Digest, links: dict) -> tuple[str, str, str | None]: ...


class SubscribeSchema(Schema):
    """``POST /api/v1/subscriptions`` and the subscribe form (DESIGN.md)."""

    class Meta:
        unknown = EXCLUDE

    email = fields.Email(required=True, validate=validate.Length(max=254))
    search = fields.Dict(load_default=dict)
    frequency = fields.String(load_default="weekly", validate=validate.OneOf(tuple(rules.FREQUENCIES)))
    language = fields.String(load_default="zh", validate=validate.OneOf(LANGUAGES))
    source = fields.String(load_default="search", validate=validate.OneOf(rules.SOURCES))
    label = fields.String(load_default="", validate=validate.Length(max=300))
    home_member = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))

    @pre_load
    def _xml_safe(self, data, **_kwargs):
        if not isinstance(data, dict):
            raise ValidationError("The subscription must be a JSON object.", "_schema")
        return {key: strip_forbidden(value) if isinstance(value, str) else value for key, value in data.items()}


class ChangeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    frequency = fields.String(load_default=None, validate=validate.OneOf(tuple(rules.FREQUENCIES)))
    language = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))
    paused = fields.Boolean(load_default=None)


def clean_search(raw) -> dict:
    """The subscription's search: validated like ``/api/v1/search`` (``InvalidSubscription``
    naming every bad parameter under ``search``), kept as plain values without paging."""
    if not isinstance(raw, dict):
        raise InvalidSubscription("The search must be an object of search parameters.", {"search": ["Not an object."]})
    try:
        params = parse_params({k: v for k, v in raw.items() if k in SEARCH_KEYS})
    except InvalidInput as exc:
        raise InvalidSubscription("Some search parameters are not valid.", {"search": exc.errors}) from None
    kept = {}
    for key in SEARCH_KEYS:
        value = getattr(params, key)
        if value in (None, "", ()):
            continue
        kept[key] = list(value) if key in LIST_KEYS else value
    return kept


def _load(schema: Schema, data) -> dict:
    try:
        return schema.load(data if isinstance(data, dict) else {"_": data} if data is not None else {})
    except ValidationError as exc:
        raise InvalidSubscription("The subscription could not be saved: please check the fields.", exc.messages) from None


def subscribe(session: Session, data: dict, *, now: datetime, settings: SubscriptionSettings, mailer: Mailer,
              on_commit=None) -> dict:
    """Store a pending subscription and queue its confirmation mail; nothing else is sent
    until the reader confirms. The answer never carries the token (only the mail does)."""
    if not isinstance(data, dict):
        raise InvalidSubscription("The subscription must be a JSON object.", {"_schema": ["Not an object."]})
    values = _load(SubscribeSchema(), data)
    search = clean_search(values["search"])
    home_code = (values["home_member"] or data.get("search", {}).get("home_member") or "").strip().upper() or None
    home_id = _member_id(session, home_code) if home_code else None
    token = tokens.new_token()
    with UnitOfWork(session) as uow:
        row = Subscription(email=values["email"].strip().lower(), token_hash=tokens.hash_token(token),
                           source=values["source"], label=(values["label"] or "").strip(), search=search,
                           frequency=values["frequency"], language=values["language"], home_member_id=home_id,
                           created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        subject, text, html = mailer.confirmation(row, links(settings, row, token))
        queue_mail(session, row.email, subject, text, html=html, kind="subscription.confirm", ref=ref(row))
        if on_commit:
            uow.after_commit(on_commit)
    return {"status": "pending_confirmation"}


def _member_id(session: Session, code: str) -> int:
    member_id = session.exec(select(Member.id).where(Member.code == code)).first()
    if member_id is None:
        raise InvalidSubscription("Unknown home library.", {"home_member": ["Unknown member code."]})
    return member_id


def ref(row: Subscription) -> str:
    """The outbox ref of every mail about a subscription (deleted with it)."""
    return f"subscription:{row.id}"


def links(settings: SubscriptionSettings, row: Subscription, token: str | None = None) -> dict:
    """The reader's links: the random token where the mail is the first one, else the link token."""
    token = token or tokens.link_token(settings.secret, row.id, row.token_hash)
    base = f"{settings.base_url}/subscriptions/{token}"
    return {"confirm": f"{base}/confirm", "manage": base, "unsubscribe": f"{base}/unsubscribe"}


def find(session: Session, token: str, settings: SubscriptionSettings) -> Subscription:
    """The subscription a token (random or link) names; ``UnknownSubscription`` otherwise."""
    row = None
    link_id = tokens.link_id(token)
    if link_id is not None:
        row = session.get(Subscription, link_id)
        if row is not None and not tokens.link_matches(settings.secret, token, row.id, row.token_hash):
            row = None
    elif token and len(token) <= 200:
        row = session.exec(select(Subscription).where(Subscription.token_hash == tokens.hash_token(token))).first()
    if row is None:
        raise UnknownSubscription("There is no subscription at this address; it may have been deleted.")
    return row


def confirm(session: Session, token: str, *, now: datetime, settings: SubscriptionSettings) -> Subscription:
    """The reader confirms (the button of the confirmation page): digests start, covering
    what arrives from now on. Confirming twice changes nothing."""
    row = find(session, token, settings)
    with UnitOfWork(session):
        if row.status == "pending":
            row.status, row.confirmed_at, row.updated_at = "active", now, now
            row.last_digest_at = rules.window_start(now)
    return row


def change(session: Session, token: str, data: dict, *, now: datetime, settings: SubscriptionSettings) -> Subscription:
    """Change frequency or language, pause or resume (a confirmed subscription only)."""
    row = find(session, token, settings)
    values = _load(ChangeSchema(), data)
    if row.status == "pending":
        raise NotConfirmed("Please confirm the subscription from its e-mail first.", {"status": ["pending"]})
    with UnitOfWork(session):
        row.frequency = values["frequency"] or row.frequency
        row.language = values["language"] or row.language
        if values["paused"] is not None:
            resumed = row.status == "paused" and not values["paused"]
            row.status = "paused" if values["paused"] else "active"
            if resumed:  # what arrived while paused is not sent in one burst
                row.last_digest_at = rules.window_start(now)
        row.updated_at = now
    return row


def remove(session: Session, token: str, *, settings: SubscriptionSettings) -> None:
    """Delete the subscription and its address, with every mail about it not sent yet."""
    row = find(session, token, settings)
    with UnitOfWork(session):
        _delete(session, [row])


def _delete(session: Session, rows: list[Subscription]) -> int:
    forget_mails(session, [ref(row) for row in rows])
    for row in rows:
        session.delete(row)
    return len(rows)


def record_delivery_problem(session: Session, email: str, kind: str, *, settings: SubscriptionSettings) -> int:
    """An admin records a bounce or a complaint for an address: a complaint deletes every
    subscription of it at once; bounces do when ``max_bounces`` is reached. Returns how many
    subscriptions were deleted."""
    if kind not in ("bounce", "complaint"):
        raise InvalidSubscription("Record a bounce or a complaint.", {"kind": ["Must be bounce or complaint."]})
    address = (email or "").strip().lower()
    rows = list(session.exec(select(Subscription).where(Subscription.email == address)).all())
    if not rows:
        raise UnknownSubscription("No subscription has this e-mail address.", {"email": ["Not subscribed."]})
    with UnitOfWork(session):
        for row in rows:
            row.bounces += 1
        doomed = rows if kind == "complaint" or max(r.bounces for r in rows) >= settings.max_bounces else []
        return _delete(session, doomed)


def sweep(session: Session, *, now: datetime, settings: SubscriptionSettings) -> int:
    """Delete subscriptions left unconfirmed for ``pending_days``, addresses and queued mail."""
    cutoff = now - timedelta(days=settings.pending_days)
    ids = list(session.exec(select(Subscription.id).where(Subscription.status == "pending",
                                                          Subscription.created_at < cutoff)).all())
    if not ids:
        return 0
    with UnitOfWork(session):
        forget_mails(session, [f"subscription:{i}" for i in ids])
        session.exec(delete(Subscription).where(Subscription.id.in_(ids)))
    return len(ids)


def listing(session: Session, email: str | None = None, limit: int = 200) -> list[Subscription]:
    """Subscriptions for the admin page (newest first), optionally of one address."""
    query = select(Subscription)
    if email:
        query = query.where(Subscription.email == email.strip().lower())
    return list(session.exec(query.order_by(Subscription.id.desc()).limit(limit)).all())
