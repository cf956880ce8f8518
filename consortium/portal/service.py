"""The 导读 portal's content: what a reader should meet on the home page and on a member's page.

Gathers from the features that own each part: new arrivals grouped by work with subject
shortcuts (publishing), published guides (guides), recently answered questions (reference
knowledge base), the e-resources a member gives access to (catalogue) and, for one member, its
opening hours and liaison contacts (reference profile, staff accounts). No Flask here.
"""
import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.catalogue.models import Holding, Work
from consortium.errors import NotFound
from consortium.guides.published import published_guides
from consortium.publishing.arrivals import ArrivalQuery, grouped_arrivals, subject_counts
from consortium.reference import knowledge
from consortium.reference.models import ReferenceProfile
from consortium.reference.opening_hours import parse_opening_hours

E_FORMATS = ("ebook", "ejournal", "database")
WEEK = 7


@dataclass(frozen=True)
class PortalSizes:
    arrivals: int = 8
    guides: int = 5
    answers: int = 5
    eresources: int = 8


def portal(session: Session, today: dt.date, *, member: Member | None = None, home: Member | None = None,
           sizes: PortalSizes = PortalSizes()) -> dict:
    """The week's arrivals (one member's, or every member's), guides, answers and e-resources."""
    code = member.code if member else None
    since = today - dt.timedelta(days=WEEK - 1)
    return {
        "since": since,
        "arrivals": grouped_arrivals(session, ArrivalQuery(member=code, since=since), sizes.arrivals),
        "subjects": subject_counts(session, since, code),
        "guides": published_guides(session, member=code, limit=sizes.guides),
        "answers": knowledge.published(session, member=code, limit=sizes.answers),
        "eresources_of": member or home,
        "eresources": e_resources(session, member or home, sizes.eresources),
    }


def e_resources(session: Session, member: Member | None, limit: int) -> list[dict]:
    """Online works (e-books, e-journals, databases with a URL) a member gives its readers, newest first."""
    if member is None:
        return []
    rows = session.exec(
        select(Work.id, Work.title, Work.format, Holding.url, Holding.access, Holding.coverage)
        .join(Holding, Holding.work_id == Work.id)
        .where(Holding.member_id == member.id, Holding.format.in_(E_FORMATS), Holding.url.is_not(None),
               Work.merged_into_id.is_(None))
        .order_by(Holding.first_seen_at.desc(), Holding.id.desc()).limit(limit)).all()
    return [{"work_id": w, "title": t, "format": f, "url": u, "access": a, "coverage": c} for w, t, f, u, a, c in rows]


def member_by_code(session: Session, code: str | None) -> Member | None:
    code = (code or "").strip().upper()[:32]
    return session.exec(select(Member).where(Member.code == code)).first() if code else None


def member_page(session: Session, code: str, today: dt.date, home: Member | None = None) -> dict:
    """One member's portal: its arrivals, guides, answers, e-resources, opening hours and liaisons."""
    member = member_by_code(session, code)
    if member is None:
        raise NotFound("There is no member library with this code.")
    profile = session.exec(select(ReferenceProfile).where(ReferenceProfile.member_id == member.id)).first()
    liaisons = session.exec(select(User.display_name, User.email).where(
        User.member_id == member.id, User.role == "liaison", User.active == True)  # noqa: E712
        .order_by(User.display_name)).all()
    return {**portal(session, today, member=member), "member": member, "profile": profile,
            "hours": weekly_hours(profile.opening_hours) if profile else None,
            "liaisons": [{"name": n or e, "email": e} for n, e in liaisons]}


def weekly_hours(text: str) -> list[tuple[int, list[str]]]:
    """Per weekday (0 = Monday) the opening spans as "08:00–17:30"; closed days have none."""
    try:
        hours = parse_opening_hours(text)
    except ValueError:
        return []
    return [(day, [f"{start:%H:%M}–{end:%H:%M}" for start, end in hours.on_weekday(day)]) for day in range(7)]
