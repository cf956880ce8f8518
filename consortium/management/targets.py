"""Yearly targets per member: the consortium's defaults (``MANAGEMENT_TARGET_DEFAULTS`` over
``measures.TARGET_DEFAULTS``) with what the admin set for a member and year on top."""
from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.db.uow import UnitOfWork
from consortium.management.errors import InvalidTargets, UnknownMemberCode
from consortium.management.measures import TARGET_DEFAULTS
from consortium.management.models import MemberTarget
from consortium.reference.common import Actor

# Each target's allowed range: percentages 0–100, counts and days 0–10,000.
LIMITS = {name: (0, 100) if name.endswith("_pct") else (0, 10000) for name in TARGET_DEFAULTS}
YEARS = (2000, 2100)


def defaults(overrides: Mapping | None = None) -> dict:
    """The default targets: the built-in ones with the configured ones on top."""
    return {**TARGET_DEFAULTS, **{k: v for k, v in (overrides or {}).items() if k in TARGET_DEFAULTS}}


def check_year(year) -> int:
    if not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise InvalidTargets(f"The year is a number from {YEARS[0]} to {YEARS[1]}.", {"year": ["Out of range."]})
    return year


def targets_for_year(session: Session, year: int, base: Mapping) -> dict[str, dict]:
    """member code → its targets for ``year`` (every member, defaults where nothing was set)."""
    stored = {row.member_id: row.targets for row in
              session.exec(select(MemberTarget).where(MemberTarget.year == check_year(year))).all()}
    return {m.code: {**base, **stored.get(m.id, {})}
            for m in session.exec(select(Member).order_by(Member.code)).all()}


def parse_targets(raw: Mapping) -> dict:
    """Numbers from a form or JSON; every problem named by its field (nothing is half-saved)."""
    values, errors = {}, {}
    for name, (low, high) in LIMITS.items():
        text = raw.get(name)
        if text is None or str(text).strip() == "":
            continue
        try:
            number = float(str(text).strip())
        except ValueError:
            errors[name] = ["Not a number."]
            continue
        if not low <= number <= high:
            errors[name] = [f"From {low} to {high}."]
            continue
        values[name] = int(number) if number.is_integer() else round(number, 1)
    if errors:
        raise InvalidTargets("Some targets are not numbers in their range: please check the fields.", errors)
    return values


def set_targets(session: Session, actor: Actor, year: int, member_code: str, raw: Mapping, *,
                now: datetime) -> dict:
    """The admin sets one member's targets for a year; empty fields go back to the defaults."""
    values = parse_targets(raw)
    member = session.exec(select(Member).where(Member.code == (member_code or "").strip().upper())).first()
    if member is None:
        raise UnknownMemberCode("Unknown member.", {"member": ["Unknown member code."]})
    with UnitOfWork(session):
        row = session.exec(select(MemberTarget).where(MemberTarget.year == check_year(year),
                                                      MemberTarget.member_id == member.id)).first()
        row = row or MemberTarget(year=year, member_id=member.id)
        row.targets, row.updated_by_id, row.updated_at = values, actor.user_id, now
        session.add(row)
    return values
