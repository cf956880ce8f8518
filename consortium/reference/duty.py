"""The live-help duty rota: each member's staffed hours and which liaisons are on duty now.

A member's staffed hours are weekly hours (``ChatRota.hours``, else its reference profile's
opening hours) read in its working calendar, so statutory holidays close live help and 调休
make-up days open it (``consortium.reference.workclock``). A liaison is on duty while their
page's heartbeat keeps ``DutyPresence.last_seen_at`` younger than the presence TTL: a closed
browser stops the heartbeat and its liaison drops off within the TTL (≤ 60 s by default).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from consortium.accounts.models import Member
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.errors import Conflict, InvalidInput, PermissionDenied
from consortium.reference.chat_rules import present
from consortium.reference.common import Actor, ReferenceSettings, make_calendar, profile_of
from consortium.reference.models import ChatRota, DutyPresence
from consortium.reference.opening_hours import parse_opening_hours


@dataclass(frozen=True)
class ChatSettings:
    """The live-help settings (``CHAT_*`` in ``consortium.reference.DEFAULTS``)."""

    ring_seconds: float = 90
    presence_ttl_seconds: float = 45
    heartbeat_seconds: float = 15
    message_max_chars: int = 2000
    stream_seconds: float = 25
    poll_seconds: float = 0.25
    idle_end_minutes: float = 30
    keep_events_hours: float = 24

    @classmethod
    def from_config(cls, config) -> "ChatSettings":
        return cls(ring_seconds=float(config["CHAT_RING_SECONDS"]),
                   presence_ttl_seconds=float(config["CHAT_PRESENCE_TTL_SECONDS"]),
                   heartbeat_seconds=float(config["CHAT_HEARTBEAT_SECONDS"]),
                   message_max_chars=int(config["CHAT_MESSAGE_MAX_CHARS"]),
                   stream_seconds=float(config["CHAT_STREAM_SECONDS"]),
                   poll_seconds=float(config["CHAT_POLL_SECONDS"]),
                   idle_end_minutes=float(config["CHAT_IDLE_END_MINUTES"]),
                   keep_events_hours=float(config["CHAT_KEEP_EVENTS_HOURS"]))


def staffed_hours(session: Session, member_id: int) -> str:
    """The weekly hours of live help: the rota's, else the member's reference opening hours."""
    rota = session.get(ChatRota, member_id)
    if rota is not None:
        return rota.hours
    profile = profile_of(session, member_id)
    return profile.opening_hours if profile else "mon-fri 08:30-17:30"


def staffed_calendar(session: Session, member_id: int, settings: ReferenceSettings):
    """The staffed hours in the member's working calendar (its zone, holidays, 调休, closures)."""
    profile = profile_of(session, member_id)
    tz = profile.timezone if profile else settings.default_timezone
    return make_calendar(staffed_hours(session, member_id), tz, profile.closures if profile else ())


def is_staffed(session: Session, member_id: int, now: datetime, settings: ReferenceSettings) -> bool:
    return staffed_calendar(session, member_id, settings).is_open(now)


def set_rota(session: Session, actor: Actor, code: str | None, hours: str, *, now: datetime) -> ChatRota:
    """A member's liaison (or an admin naming the member) declares the staffed hours."""
    member_id = _member_for(session, actor, code)
    try:
        text = parse_opening_hours(hours).to_text()
    except ValueError as exc:
        raise InvalidInput(f"Staffed hours: {exc}", {"hours": [str(exc)]}) from None
    with UnitOfWork(session):
        rota = session.get(ChatRota, member_id) or ChatRota(member_id=member_id)
        rota.hours, rota.updated_at = text, now
        session.add(rota)
    return rota


def _member_for(session: Session, actor: Actor, code: str | None) -> int:
    if not actor.is_admin:
        if actor.member_id is None:
            raise PermissionDenied("Only a member's liaison declares its staffed hours.")
        return actor.member_id
    member_id = session.exec(select(Member.id).where(Member.code == (code or "").strip().upper())).first()
    if member_id is None:
        raise InvalidInput("Unknown member.", {"member": ["Unknown member code."]})
    return member_id


def go_on_duty(session: Session, actor: Actor, *, now: datetime, settings: ReferenceSettings) -> DutyPresence:
    """One click: the liaison takes live chats for their member (inside staffed hours only)."""
    if actor.is_admin or actor.member_id is None:
        raise PermissionDenied("Only a member's liaison goes on duty for live help.")
    if not is_staffed(session, actor.member_id, now, settings):
        raise Conflict("Live help is not staffed at this time (see your library's staffed hours).")
    with UnitOfWork(session):
        presence = session.get(DutyPresence, actor.user_id)
        if presence is None:
            presence = DutyPresence(user_id=actor.user_id, member_id=actor.member_id, since=now)
        presence.last_seen_at = now
        session.add(presence)
    return presence


def go_off_duty(session: Session, actor: Actor) -> None:
    with UnitOfWork(session):
        session.exec(delete(DutyPresence).where(DutyPresence.user_id == actor.user_id))


def heartbeat(session: Session, actor: Actor, *, now: datetime, chat: ChatSettings) -> bool:
    """Keep an on-duty liaison present; answers whether they are (an expired row is removed)."""
    with UnitOfWork(session):
        presence = session.get(DutyPresence, actor.user_id)
        if presence is None:
            return False
        if not _live(presence, now, chat):
            session.delete(presence)
            return False
        presence.last_seen_at = now
        session.add(presence)
    return True


def _live(presence: DutyPresence, now: datetime, chat: ChatSettings) -> bool:
    return present(as_aware(presence.last_seen_at), now, chat.presence_ttl_seconds)


def on_duty_members(session: Session, *, now: datetime, settings: ReferenceSettings, chat: ChatSettings) -> set[int]:
    """Members with a present liaison, inside their staffed hours now."""
    cutoff = now - timedelta(seconds=chat.presence_ttl_seconds)
    ids = set(session.exec(select(DutyPresence.member_id).where(DutyPresence.last_seen_at > cutoff)).all())
    return {member_id for member_id in ids if is_staffed(session, member_id, now, settings)}


def on_duty_liaisons(session: Session, member_id: int, *, now: datetime, chat: ChatSettings) -> list[int]:
    cutoff = now - timedelta(seconds=chat.presence_ttl_seconds)
    return list(session.exec(select(DutyPresence.user_id).where(
        DutyPresence.member_id == member_id, DutyPresence.last_seen_at > cutoff)).all())


def is_on_duty(session: Session, actor: Actor, *, now: datetime, chat: ChatSettings) -> bool:
    presence = session.get(DutyPresence, actor.user_id)
    return presence is not None and _live(presence, now, chat)
