"""The scorecard's measures, computed from plain facts: no Flask, no database.

A member's year (or term) is a handful of facts: records it pushed (when the consortium first
saw them and when the member acquired them), guides it published, questions it answered (for
whose readers, and whether within its working-hours promise), readers' ratings of its answers
and its KBART refreshes. ``scorecards`` turns them into each measure against its target, a
monthly trend, the rank among members and the reciprocity balance; the same function serves
one member, every member and the consortium as a whole.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

# Targets the consortium sets per member and year, with the defaults a new year starts from.
# ``push_within_days`` is no measure: it says how fast a push counts as "on time".
TARGET_DEFAULTS = {
    "push_within_days": 14,
    "pushed_on_time_pct": 90,
    "guides_per_term": 2,
    "answered_within_sla_pct": 90,
    "answered_for_other_members": 12,
    "feedback_helpful_pct": 80,
    "kbart_refresh_days": 30,
}
TERMS = ("year", "spring", "autumn")


@dataclass(frozen=True)
class Measure:
    """How a measure is read: its target (a key of the targets, scaled to the period by ``per``)
    and whether more is better (``at_least``), less is better (``at_most``) or it only informs."""

    name: str
    target: str | None = None
    direction: str | None = None  # at_least | at_most | None
    per: str = "fixed"  # fixed | term (× terms in the period) | year (× share of a year)
    monthly: bool = False


MEASURES = (
    Measure("records_pushed", monthly=True),
    Measure("pushed_on_time_pct", "pushed_on_time_pct", "at_least"),
    Measure("guides_published", "guides_per_term", "at_least", per="term", monthly=True),
    Measure("questions_answered", monthly=True),
    Measure("answered_within_sla_pct", "answered_within_sla_pct", "at_least", monthly=True),
    Measure("answered_for_other_members", "answered_for_other_members", "at_least", per="year"),
    Measure("answered_by_other_members"),
    Measure("reciprocity_balance", direction="at_least"),
    Measure("feedback_helpful", monthly=True),
    Measure("feedback_not_helpful", monthly=True),
    Measure("feedback_helpful_pct", "feedback_helpful_pct", "at_least"),
    Measure("days_since_kbart_refresh", "kbart_refresh_days", "at_most"),
)
BY_NAME = {m.name: m for m in MEASURES}


@dataclass(frozen=True)
class Push:
    member: str
    seen_on: date
    acquired_on: date | None = None


@dataclass(frozen=True)
class Publication:
    member: str
    published_on: date


@dataclass(frozen=True)
class Answer:
    """A question's first answer: who gave it, whose reader asked, and whether it was in time."""

    member: str
    home: str | None
    answered_on: date
    on_time: bool


@dataclass(frozen=True)
class Rating:
    member: str
    helpful: bool
    rated_on: date


@dataclass(frozen=True)
class Refresh:
    member: str
    refreshed_on: date


@dataclass(frozen=True)
class Facts:
    pushes: tuple[Push, ...] = ()
    publications: tuple[Publication, ...] = ()
    answers: tuple[Answer, ...] = ()
    ratings: tuple[Rating, ...] = ()
    refreshes: tuple[Refresh, ...] = ()


@dataclass(frozen=True)
class Period:
    """Dates ``start`` (included) to ``end`` (excluded) of a year or a term of ``year``."""

    year: int
    kind: str
    start: date
    end: date

    @property
    def months(self) -> list[tuple[int, int]]:
        months, (y, m) = [], (self.start.year, self.start.month)
        while date(y, m, 1) < self.end:
            months.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return months

    @property
    def terms(self) -> int:
        return 2 if self.kind == "year" else 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def period_for(year: int, kind: str = "year") -> Period:
    """The calendar year, the spring term (February–July) or the autumn term (September–January)."""
    if kind == "spring":
        return Period(year, kind, date(year, 2, 1), date(year, 8, 1))
    if kind == "autumn":
        return Period(year, kind, date(year, 9, 1), date(year + 1, 2, 1))
    if kind != "year":
        raise ValueError(f"unknown period {kind!r}")
    return Period(year, kind, date(year, 1, 1), date(year + 1, 1, 1))


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _month(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def measure_values(facts: Facts, members: set[str], period: Period, push_within_days: int,
                   as_of: date) -> dict:
    """Every measure of ``members`` taken together over ``period`` (``as_of``: today, for the
    days since the last KBART refresh of a period not over yet)."""
    pushes = [p for p in facts.pushes if p.member in members and p.seen_on in period]
    dated = [p for p in pushes if p.acquired_on is not None]
    answers = [a for a in facts.answers if a.answered_on in period]
    mine = [a for a in answers if a.member in members]
    ratings = [r for r in facts.ratings if r.member in members and r.rated_on in period]
    helpful = sum(1 for r in ratings if r.helpful)
    for_others = sum(1 for a in mine if a.home is not None and a.home not in members)
    by_others = sum(1 for a in answers if a.home in members and a.member not in members)
    return {
        "records_pushed": len(pushes),
        "pushed_on_time_pct": pct(sum(1 for p in dated if (p.seen_on - p.acquired_on).days <= push_within_days),
                                  len(dated)),
        "guides_published": sum(1 for g in facts.publications if g.member in members and g.published_on in period),
        "questions_answered": len(mine),
        "answered_within_sla_pct": pct(sum(1 for a in mine if a.on_time), len(mine)),
        "answered_for_other_members": for_others,
        "answered_by_other_members": by_others,
        "reciprocity_balance": for_others - by_others,
        "feedback_helpful": helpful,
        "feedback_not_helpful": len(ratings) - helpful,
        "feedback_helpful_pct": pct(helpful, len(ratings)),
        "days_since_kbart_refresh": _days_since_refresh(facts.refreshes, members, period, as_of),
    }


def _days_since_refresh(refreshes: Iterable[Refresh], members: set[str], period: Period, as_of: date) -> int | None:
    """Days from the latest refresh to the period's end (or today, if sooner); the stalest
    member counts for a group. None when a member never refreshed."""
    last_day = min(as_of, date.fromordinal(period.end.toordinal() - 1))
    worst = None
    for member in members:
        days = [r.refreshed_on for r in refreshes if r.member == member and r.refreshed_on <= last_day]
        if not days:
            return None
        worst = max(worst or 0, (last_day - max(days)).days)
    return worst


def monthly(facts: Facts, members: set[str], period: Period, push_within_days: int) -> dict[str, list]:
    """The monthly measures, one value per month of the period."""
    series = {m.name: [] for m in MEASURES if m.monthly}
    for year, month in period.months:
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1)
        values = measure_values(facts, members, Period(year, "month", start, end), push_within_days, end)
        for name, points in series.items():
            points.append(values[name])
    return series


def target_for(measure: Measure, targets: Mapping, period: Period) -> float | None:
    """The measure's target scaled to the period (guides per term × terms; yearly counts × share)."""
    if measure.target is None:
        return 0 if measure.name == "reciprocity_balance" else None
    value = targets.get(measure.target, TARGET_DEFAULTS[measure.target])
    if measure.per == "term":
        return value * period.terms
    if measure.per == "year":
        return whole(round(value * period.terms / 2, 1))
    return value


def whole(value: float) -> float | int:
    """12.0 → 12: a count's target reads as a count."""
    return int(value) if float(value).is_integer() else value


def is_met(measure: Measure, value, target) -> bool | None:
    if value is None or target is None or measure.direction is None:
        return None
    return value >= target if measure.direction == "at_least" else value <= target


@dataclass
class Card:
    """One member's (or the consortium's) scorecard for a period."""

    member: str
    measures: dict = field(default_factory=dict)  # name → {"value", "target", "met", "rank"}
    months: dict = field(default_factory=dict)  # name → [value per month]
    met: int = 0
    rank: int | None = None


def card_for(facts: Facts, members: set[str], label: str, targets: Mapping, period: Period, as_of: date) -> Card:
    within = int(targets.get("push_within_days", TARGET_DEFAULTS["push_within_days"]))
    values = measure_values(facts, members, period, within, as_of)
    card = Card(label, months=monthly(facts, members, period, within))
    for measure in MEASURES:
        target = target_for(measure, targets, period)
        met = is_met(measure, values[measure.name], target)
        card.measures[measure.name] = {"value": values[measure.name], "target": target, "met": met, "rank": None}
        card.met += bool(met)
    return card


def scorecards(facts: Facts, members: Iterable[str], targets: Mapping[str, Mapping], period: Period,
               as_of: date) -> list[Card]:
    """Every member's card, ranked by targets met (then by answers within the SLA), each
    measure with a direction ranked among members too (ties share a rank: 1, 1, 3)."""
    cards = [card_for(facts, {code}, code, targets.get(code, {}), period, as_of) for code in members]
    for measure in MEASURES:
        if measure.direction is None:
            continue
        sign = 1 if measure.direction == "at_least" else -1
        keyed = {c.member: c.measures[measure.name]["value"] for c in cards}
        for card in cards:
            card.measures[measure.name]["rank"] = competition_rank(keyed, card.member, sign)
    overall = {c.member: (c.met, c.measures["answered_within_sla_pct"]["value"] or 0) for c in cards}
    for card in cards:
        card.rank = 1 + sum(1 for other in overall.values() if other > overall[card.member])
    return sorted(cards, key=lambda c: (c.rank, c.member))


def competition_rank(values: Mapping[str, float | None], member: str, sign: int = 1) -> int | None:
    """1 + how many members did strictly better; None for a member without a value."""
    mine = values[member]
    if mine is None:
        return None
    return 1 + sum(1 for v in values.values() if v is not None and sign * v > sign * mine)


def consortium_card(facts: Facts, members: Iterable[str], targets: Mapping[str, Mapping], period: Period,
                    as_of: date, defaults: Mapping | None = None) -> Card:
    """The consortium as one: counts' targets are the members' targets summed, shares' the
    defaults; questions answered for other members are every answer that crossed members
    (so the balance between members is zero for the whole, and has no target)."""
    codes = set(members)
    card = card_for(facts, codes, "", defaults or {}, period, as_of)
    crossing = sum(1 for a in facts.answers if a.answered_on in period and a.member in codes
                   and a.home is not None and a.home != a.member)
    card.measures["answered_for_other_members"]["value"] = crossing
    card.measures["answered_by_other_members"]["value"] = crossing
    for measure in MEASURES:
        if measure.per in ("term", "year"):
            row = card.measures[measure.name]
            row["target"] = whole(sum(target_for(measure, targets.get(code, {}), period) for code in codes))
            row["met"] = is_met(measure, row["value"], row["target"])
    card.measures["reciprocity_balance"].update(target=None, met=None)
    card.met = sum(1 for row in card.measures.values() if row["met"])
    return card
