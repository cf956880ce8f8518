"""What every reference-queue service shares: settings, member calendars, staff actors,
history events, token hashing and liaison recipients."""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.db.columns import as_aware
from consortium.reference.models import Question, QuestionEvent, ReferenceProfile
from consortium.reference.routing import Weights
from consortium.reference.workclock import WorkingCalendar, parse_opening_hours


@dataclass(frozen=True)
class ReferenceSettings:
    base_url: str = "http://127.0.0.1:5000"
    weights: Weights = field(default_factory=Weights)
    rate_per_email: int = 5
    rate_per_ip: int = 20
    rate_window_seconds: int = 3600
    open_to_all_days: int = 7
    remind_before_hours: float = 2.0
    default_hours: str = "mon-fri 08:30-17:30"
    default_timezone: str = "Asia/Shanghai"

    @classmethod
    def from_config(cls, config) -> "ReferenceSettings":
        return cls(
            base_url=config.get("CONSORTIUM_BASE_URL", cls.base_url).rstrip("/"),
            weights=Weights.from_mapping(config.get("REFERENCE_ROUTING_WEIGHTS")),
            rate_per_email=int(config["REFERENCE_RATE_LIMIT_PER_EMAIL"]),
            rate_per_ip=int(config["REFERENCE_RATE_LIMIT_PER_IP"]),
            rate_window_seconds=int(config["REFERENCE_RATE_LIMIT_WINDOW_SECONDS"]),
            open_to_all_days=int(config["REFERENCE_OPEN_TO_ALL_DAYS"]),
            remind_before_hours=float(config["REFERENCE_REMIND_BEFORE_HOURS"]),
            default_hours=config["REFERENCE_DEFAULT_HOURS"],
            default_timezone=config["REFERENCE_DEFAULT_TIMEZONE"],
        )


@dataclass(frozen=True)
class Actor:
    """The staff member a liaison service acts for (built from the session's user)."""

    user_id: int
    member_id: int | None
    role: str = "liaison"
    name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "consortium_admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_closures(values) -> set[date]:
    """Closure entries (ISO dates or ``start..end`` ranges) as a set of dates."""
    days: set[date] = set()
    for value in values or ():
        start, _, end = str(value).partition("..")
        first = date.fromisoformat(start.strip())
        last = date.fromisoformat(end.strip()) if end else first
        if (last - first).days > 400:
            raise ValueError(f"closure {value!r} is longer than 400 days")
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return days


def make_calendar(hours: str, tz: str, closures=()):
    """A member's calendar; equal settings share one instance (and its per-day cache)."""
    return _cached_calendar(hours, tz, tuple(str(c) for c in closures or ()))


@lru_cache(maxsize=256)
def _cached_calendar(hours: str, tz: str, closures: tuple):

    return WorkingCalendar(parse_opening_hours(hours), tz, parse_closures(closures))


def calendar_for(profile: ReferenceProfile | None, settings: ReferenceSettings):
    """A member's working calendar, or the consortium default when it has no profile."""
    if profile is None:
        return make_calendar(settings.default_hours, settings.default_timezone)
    return make_calendar(profile.opening_hours, profile.timezone, profile.closures)


def default_calendar(settings: ReferenceSettings):
    return make_calendar(settings.default_hours, settings.default_timezone)


def profile_of(session: Session, member_id: int | None) -> ReferenceProfile | None:
    if member_id is None:
        return None
    return session.exec(select(ReferenceProfile).where(ReferenceProfile.member_id == member_id)).first()


def set_due_times(session: Session, question: Question, now: datetime, settings: ReferenceSettings) -> None:
    """Due times counted in working days of the member now holding the question."""
    profile = profile_of(session, question.routed_member_id)
    calendar = calendar_for(profile, settings)
    first_days = profile.first_response_days if profile else 1
    answer_days = profile.answer_days if profile else 3
    if question.first_response_at is None:
        question.first_response_due_at = calendar.add_working_days(now, first_days)
    question.answer_due_at = calendar.add_working_days(now, answer_days)
    question.reminded_at = None


def record_event(session: Session, question: Question, kind: str, now: datetime, *, actor: Actor | None = None,
                 who: str | None = None, member_id: int | None = None, from_member_id: int | None = None,
                 reasons: dict | None = None) -> QuestionEvent:
    """Append one event to the question's history (rows are never updated)."""
    event = QuestionEvent(question_id=question.id, kind=kind, actor_user_id=actor.user_id if actor else None,
                          actor=who or ("staff" if actor else "system"), member_id=member_id,
                          from_member_id=from_member_id, reasons=reasons or {}, created_at=now)
    session.add(event)
    return event


def liaison_emails(session: Session, member_id: int | None) -> list[str]:
    """Active liaisons of a member (everyone's, for the pool) who get queue notifications."""
    query = select(User.email).where(User.role == "liaison", User.active == True)  # noqa: E712
    if member_id is not None:
        query = query.where(User.member_id == member_id)
    return sorted(session.exec(query).all())


def member_code(session: Session, member_id: int | None) -> str | None:
    if member_id is None:
        return None
    member = session.get(Member, member_id)
    return member.code if member else None


def aware(value: datetime | None) -> datetime | None:
    return as_aware(value)


def iso(value: datetime | None) -> str | None:
    value = as_aware(value)
    return value.isoformat() if value else None
