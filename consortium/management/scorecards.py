"""Scorecards for a year or a term: facts from the store, targets, the pure measures; the
JSON the admins' scripts read and the CSV the pages offer."""
import csv
import io
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.management import targets as member_targets
from consortium.management.errors import InvalidPeriod, NotForYou
from consortium.management.measures import MEASURES, TERMS, Card, consortium_card, period_for, scorecards
from consortium.management.store import load_facts
from consortium.reference.common import Actor

# What ``GET /api/v1/staff/scorecards`` names each measure by (design.md): value and target.
API_MEASURES = tuple(m.name for m in MEASURES)


@dataclass(frozen=True)
class Settings:
    zone: str = "Asia/Shanghai"
    target_defaults: dict | None = None

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(zone=config["MANAGEMENT_TIMEZONE"], target_defaults=dict(config["MANAGEMENT_TARGET_DEFAULTS"]))


@dataclass
class Report:
    """Every member's card, the consortium's, and what they were computed for."""

    year: int
    term: str
    months: list
    members: list[Card]
    consortium: Card
    targets: dict
    as_of: date
    names: dict  # member code → {"zh": name, "en": English name or the code}

    def card(self, code: str) -> Card | None:
        return next((c for c in self.members if c.member == code), None)


def parse_period(year, term: str | None) -> tuple[int, str]:
    """The year (a number 2000–2100) and term (year | spring | autumn) a request names."""
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise InvalidPeriod("The year is a number such as 2026.", {"year": ["Not a year."]}) from None
    term = term or "year"
    if term not in TERMS:
        raise InvalidPeriod("The period is the year, the spring term or the autumn term.", {"term": list(TERMS)})
    return member_targets.check_year(year), term


def build_report(session: Session, year: int, term: str, *, today: date, settings: Settings) -> Report:
    period = period_for(year, term)
    base = member_targets.defaults(settings.target_defaults)
    targets = member_targets.targets_for_year(session, year, base)
    facts = load_facts(session, period, ZoneInfo(settings.zone))
    cards = scorecards(facts, sorted(targets), targets, period, today)
    whole = consortium_card(facts, sorted(targets), targets, period, today, base)
    names = {m.code: {"zh": m.name, "en": m.name_en or m.code} for m in session.exec(select(Member)).all()}
    return Report(year, term, period.months, cards, whole, targets, today, names)


def report_for(session: Session, actor: Actor, year, term: str | None, *, today: date, settings: Settings) -> Report:
    """Admins see every member's scorecard; a member's staff see their own member's (with its
    ranks among members) and the consortium's."""
    year, term = parse_period(year, term)
    member = session.get(Member, actor.member_id) if actor.member_id else None
    if not actor.is_admin and member is None:
        raise NotForYou("Scorecards are for consortium administrators and member staff.")
    report = build_report(session, year, term, today=today, settings=settings)
    if not actor.is_admin:
        report.members = [c for c in report.members if c.member == member.code]
    return report


def as_json(report: Report) -> dict:
    """``{"year", "term", "members": [{"member", "rank", "measures": {name: {"value", "target"}}}], "consortium"}``."""
    def measures(card: Card) -> dict:
        return {name: {"value": card.measures[name]["value"], "target": card.measures[name]["target"],
                       "met": card.measures[name]["met"], "rank": card.measures[name]["rank"]}
                for name in API_MEASURES}
    return {"year": report.year, "term": report.term,
            "members": [{"member": c.member, "rank": c.rank, "targets_met": c.met, "measures": measures(c)}
                        for c in report.members],
            "consortium": {"targets_met": report.consortium.met, "measures": measures(report.consortium)}}


def as_csv(report: Report) -> str:
    """One row per member and one for the consortium: each measure's value and target."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["member", "rank", "targets_met"] + [f"{n}{s}" for n in API_MEASURES for s in ("", "_target")])
    rows = [(c.member, c.rank, c) for c in report.members] + [("CONSORTIUM", "", report.consortium)]
    for code, rank, card in rows:
        cells = []
        for name in API_MEASURES:
            cells += [_cell(card.measures[name]["value"]), _cell(card.measures[name]["target"])]
        writer.writerow([code, rank, card.met] + cells)
    return out.getvalue()


def _cell(value) -> str:
    return "" if value is None else str(value)
