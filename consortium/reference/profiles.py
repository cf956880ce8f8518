"""Members' reference profiles: subjects, languages, capacity, hours, SLA, retention, canned answers."""
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.accounts.service import get_member
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput
from consortium.reference.common import make_calendar
from consortium.reference.models import ReferenceProfile
from member_sites.record.clc import normalise_clc

FIELDS = ("accepts_questions", "strengths", "languages", "capacity", "opening_hours", "timezone", "closures",
          "first_response_days", "answer_days", "retention_days", "canned_answers")


def parse_strengths(text: str) -> dict[str, float]:
    """``"TP=0.8, S=0.5"`` → ``{"TP": 0.8, "S": 0.5}``."""
    strengths = {}
    for part in (text or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        clc, _, value = part.partition("=")
        try:
            number = float(value)
            code = normalise_clc(clc.strip())
        except ValueError:
            raise InvalidInput(f"{part.strip()!r} is not CLASS=STRENGTH (e.g. TP=0.8).", {"strengths": [part]}) from None
        if not 0 <= number <= 1:
            raise InvalidInput("A strength is between 0 and 1.", {"strengths": [part]})
        strengths[code] = number
    return strengths


def _validate(values: dict) -> dict:
    errors = {}
    for name in ("capacity", "first_response_days", "answer_days", "retention_days"):
        if name in values and (not isinstance(values[name], int) or values[name] < 0 or values[name] > 3650):
            errors[name] = ["A whole number 0–3650."]
    if "languages" in values:
        values["languages"] = sorted({str(v).strip().lower() for v in values["languages"] if str(v).strip()})
    if "canned_answers" in values:
        canned = values["canned_answers"]
        if not isinstance(canned, list) or not all(isinstance(c, dict) and c.get("title") and c.get("body")
                                                   for c in canned):
            errors["canned_answers"] = ["A list of {title, body}."]
    if errors:
        raise InvalidInput("The reference profile has invalid values.", errors)
    return values


def set_profile(session: Session, code: str, values: dict, *, now: datetime) -> ReferenceProfile:
    """Create or update a member's profile; hours, time zone and closures are checked by building the calendar."""
    member = get_member(session, code)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InvalidInput("Unknown profile fields.", {name: ["unknown"] for name in sorted(unknown)})
    values = _validate(dict(values))
    profile = session.exec(select(ReferenceProfile).where(ReferenceProfile.member_id == member.id)).first()
    profile = profile or ReferenceProfile(member_id=member.id)
    for name, value in values.items():
        setattr(profile, name, value)
    try:
        make_calendar(profile.opening_hours, profile.timezone, profile.closures)
    except ValueError as exc:
        raise InvalidInput(f"Opening hours, time zone or closures are not valid: {exc}", {"opening_hours": [str(exc)]}) from None
    with UnitOfWork(session):
        profile.updated_at = now
        session.add(profile)
    return profile


def list_profiles(session: Session) -> list[tuple]:

    return list(session.exec(select(Member, ReferenceProfile)
                             .join(ReferenceProfile, ReferenceProfile.member_id == Member.id, isouter=True)
                             .order_by(Member.code)).all())
