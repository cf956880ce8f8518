"""Members' reference profiles: subjects, languages, capacity, hours, SLA, retention, and the
canned answers a member's staff manage themselves (each change in the audit trail)."""
import secrets
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts import audit
from consortium.accounts.models import Member
from consortium.accounts.service import get_member
from consortium.db.uow import UnitOfWork
from consortium.errors import InvalidInput, NotFound, PermissionDenied
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


def set_profile(session: Session, code: str, values: dict, *, now: datetime, actor=None) -> ReferenceProfile:
    """Create or update a member's profile; hours, time zone and closures are checked by building the calendar.
    ``actor``: the staff user for the audit trail (None: the command line or the demo)."""
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
        audit.record(session, actor, "profile.changed", member.code, member_id=member.id,
                     details={name: values[name] for name in sorted(values) if name != "canned_answers"})
    return profile


def list_profiles(session: Session) -> list[tuple]:

    return list(session.exec(select(Member, ReferenceProfile)
                             .join(ReferenceProfile, ReferenceProfile.member_id == Member.id, isouter=True)
                             .order_by(Member.code)).all())


# Canned answers: ready-made Markdown texts a member's liaisons start an answer from. The
# member's librarians and liaisons manage their own member's; consortium admins any member's.
# ``actor`` is the staff user (``id``, ``email``, ``member_id``, ``is_admin``).
MAX_CANNED = 100


def _canned_member(session: Session, actor, code: str | None) -> Member:
    if code:
        member = get_member(session, code)
    elif actor.member_id is not None:
        member = session.get(Member, actor.member_id)
    else:
        raise InvalidInput("Choose the member whose canned answers to manage.", {"member": ["required"]})
    if not (actor.is_admin or actor.member_id == member.id):
        raise PermissionDenied("You manage your own member's canned answers only.")
    return member


def _with_ids(canned: list) -> list[dict]:
    """Entries with a stable id (entries written before ids existed get one by position)."""
    return [{"id": str(c.get("id") or f"c{i}"), "title": c.get("title", ""), "body": c.get("body", "")}
            for i, c in enumerate(canned or ()) if isinstance(c, dict)]


def _checked(title: str, body: str) -> tuple[str, str]:
    title, body = " ".join((title or "").split()), (body or "").strip()
    errors = {}
    if not 1 <= len(title) <= 200:
        errors["title"] = ["Length 1–200."]
    if not 1 <= len(body) <= 5000:
        errors["body"] = ["Length 1–5000."]
    if errors:
        raise InvalidInput("A canned answer needs a title (at most 200 characters) and a text (at most 5,000).",
                           errors)
    return title, body


def canned_answers(session: Session, actor, code: str | None = None) -> tuple[Member, list[dict]]:
    """A member's canned answers, in order."""
    member = _canned_member(session, actor, code)
    profile = session.exec(select(ReferenceProfile).where(ReferenceProfile.member_id == member.id)).first()
    return member, _with_ids(profile.canned_answers if profile else [])


def _save_canned(session: Session, actor, member: Member, canned: list[dict], action: str, entry: dict,
                 now: datetime) -> None:
    profile = session.exec(select(ReferenceProfile).where(ReferenceProfile.member_id == member.id)).first()
    with UnitOfWork(session):
        profile = profile or ReferenceProfile(member_id=member.id)
        profile.canned_answers = canned  # a new list, so the JSON column is seen as changed
        profile.updated_at = now
        session.add(profile)
        audit.record(session, actor, action, entry["title"], member_id=member.id, details={"id": entry["id"]})


def add_canned(session: Session, actor, code: str | None, title: str, body: str, *, now: datetime) -> dict:
    member, canned = canned_answers(session, actor, code)
    if len(canned) >= MAX_CANNED:
        raise InvalidInput(f"A member keeps at most {MAX_CANNED} canned answers.", {"title": ["too many"]})
    title, body = _checked(title, body)
    entry = {"id": secrets.token_hex(4), "title": title, "body": body}
    _save_canned(session, actor, member, [*canned, entry], "canned.added", entry, now)
    return entry


def change_canned(session: Session, actor, code: str | None, canned_id: str, *, title: str, body: str,
                  now: datetime) -> dict:
    member, canned = canned_answers(session, actor, code)
    entry = _find(canned, canned_id)
    entry["title"], entry["body"] = _checked(title, body)
    _save_canned(session, actor, member, canned, "canned.changed", entry, now)
    return entry


def remove_canned(session: Session, actor, code: str | None, canned_id: str, *, now: datetime) -> None:
    member, canned = canned_answers(session, actor, code)
    entry = _find(canned, canned_id)
    _save_canned(session, actor, member, [c for c in canned if c is not entry], "canned.removed", entry, now)


def _find(canned: list[dict], canned_id: str) -> dict:
    entry = next((c for c in canned if c["id"] == canned_id), None)
    if entry is None:
        raise NotFound("There is no such canned answer (a colleague may have removed it).")
    return entry
