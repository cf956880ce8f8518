"""The working-hours clock: when a member library is open, and due times in working hours.

Pure: no Flask, no database. A ``WorkingCalendar`` combines a member's weekly
``OpeningHours``, its time zone, the Chinese public holidays and make-up working days (调休)
from the ``chinesecalendar`` package, and the member's own closures.

Rules, in order, for one local date:

1. a member closure → closed;
2. (``use_chinese_calendar``, year covered by the package) a statutory holiday → closed, also
   when it falls on a Monday–Friday and also on a Saturday/Sunday inside a holiday block
   (e.g. 2025-10-04) even if the member usually opens on Saturdays;
3. a make-up working day (调休, a Saturday/Sunday the State Council declares a working day) →
   open with the hours of **Monday** (or, when the member is closed on Mondays, of the first of
   Tuesday … Friday that has hours) — the package does not say which weekday a 调休 day
   replaces, and libraries run it as an ordinary full weekday;
4. otherwise → the weekly hours of that weekday.

Years outside the package's data (it raises ``NotImplementedError``; version 1.11 covers
2004–2026) fall back to plain weekly hours plus closures: ``holiday_data_covers(d)`` says
whether a date was covered, and the first uncovered year is logged as a warning. Add those
years' holidays as ``closures`` until the package is upgraded.

All public methods take timezone-aware datetimes (a naive one raises ``ValueError``),
compute in the member's zone and return UTC. Working time is real elapsed time inside
opening intervals, so a DST night with opening hours across 02:00 counts one hour less or more.
An opening interval is half-open ``[start, end)``: at closing time the member is closed.
"""
import logging
import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from consortium.reference.opening_hours import DAY_NAMES, Interval, OpeningHours, parse_opening_hours

__all__ = ["OpeningHours", "parse_opening_hours", "WorkingCalendar", "NeverOpen", "DAY_NAMES"]

UTC = timezone.utc
# A calendar with no opening within this many consecutive days is considered never open.
MAX_CLOSED_DAYS = 3700
log = logging.getLogger(__name__)

Span = tuple[datetime, datetime]


class NeverOpen(ValueError):
    """The calendar has no opening time within ``MAX_CLOSED_DAYS`` days of the start."""


class WorkingCalendar:
    """A member's working calendar; see the module docstring for the rules.

    ``hours`` may also be the text form (``"mon-fri 08:00-17:00"``); ``closures`` are the
    member's own closed dates (datetimes count by their date).
    """

    def __init__(self, hours: OpeningHours | str, tz: str = "Asia/Shanghai", closures: Iterable[date] = (),
                 use_chinese_calendar: bool = True):
        if isinstance(hours, str):
            hours = parse_opening_hours(hours)
        if not isinstance(hours, OpeningHours):
            raise TypeError("hours must be OpeningHours or its text form (see parse_opening_hours)")
        try:
            self.zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {tz!r}") from None
        self.hours = hours
        self.tz = tz
        self.closures = frozenset(_as_date(d) for d in closures)
        self.use_chinese_calendar = use_chinese_calendar
        self._spans_cache: dict[date, tuple[Span, ...]] = {}
        self._warned_years: set[int] = set()

    # -- days ---------------------------------------------------------------------------------

    def day_kind(self, d: date) -> str:
        """Why a date has the hours it has: ``closure``, ``holiday``, ``makeup`` or ``regular``."""
        if d in self.closures:
            return "closure"
        status = self._holiday_status(d)
        return status or "regular"

    def hours_on(self, d: date) -> tuple[Interval, ...]:
        """The local opening intervals of a date after holidays, 调休 and closures."""
        kind = self.day_kind(d)
        if kind in ("closure", "holiday"):
            return ()
        if kind == "makeup":
            return self._makeup_hours()
        return self.hours.on_weekday(d.weekday())

    def is_working_day(self, d: date) -> bool:
        """Whether the member opens at all on this local date."""
        return bool(self._spans(d))

    def holiday_data_covers(self, d: date) -> bool:
        """Whether the holiday package has data for this date's year."""
        try:
            chinese_calendar.is_workday(d)
        except NotImplementedError:
            return False
        return True

    def _holiday_status(self, d: date) -> str | None:
        if not self.use_chinese_calendar:
            return None
        try:
            workday = chinese_calendar.is_workday(d)
            _, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            if d.year not in self._warned_years:
                self._warned_years.add(d.year)
                log.warning("chinesecalendar has no data for %s; using plain weekly hours", d.year)
            return None
        if d.weekday() < 5:
            return None if workday else "holiday"
        if workday:
            return "makeup"
        return "holiday" if name else None

    def _makeup_hours(self) -> tuple[Interval, ...]:
        for weekday in range(5):
            if self.hours.on_weekday(weekday):
                return self.hours.on_weekday(weekday)
        return ()

    # -- instants -----------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` lies inside an opening interval (closing time itself is closed)."""
        at = _utc(at)
        day = at.astimezone(self.zone).date()
        return any(a <= at < b for a, b in self._spans(day))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the start of the next opening interval (UTC)."""
        at = _utc(at)
        for a, _b in self._spans_after(at):
            return max(a, at)
        raise AssertionError("unreachable: _spans_after raises NeverOpen")  # pragma: no cover

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant when ``hours`` working hours have passed since ``start`` (UTC).

        Time outside opening intervals does not count. A result that ends exactly at a
        closing time is that closing time (not the next opening), so ``add(add(t, a), b) ==
        add(t, a + b)``. ``hours == 0`` returns ``start`` unchanged; negative hours raise.
        """
        start = _utc(start)
        remaining = _hours_delta(hours)
        if not remaining:
            return start
        for a, b in self._spans_after(start):
            begin = max(a, start)
            if remaining <= b - begin:
                return begin + remaining
            remaining -= b - begin
        raise AssertionError("unreachable: _spans_after raises NeverOpen")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The due time ``days`` working days after ``start`` (UTC).

        The clock starts at ``next_open(start)`` (a question sent at night starts when the
        member opens). Its local date D and clock time T are taken; the due day is the
        ``days``-th working day after D (``days == 0``: D itself). The due time is T on
        that day when the member is open then; when T is past closing, or in a break, it
        is the latest closing time before T that day; when T is before that day's first
        opening it is that first opening. So a question at Friday 17:00 with hours
        08:00–17:30 and 1 working day falls due at 17:00 on the next working day, and on a
        day closing at 12:00 it falls due at 12:00.
        """
        if days < 0:
            raise ValueError("days must be zero or more")
        local = _first_pass_as_hour_start(self.next_open(start).astimezone(self.zone))
        day, clock = local.date(), local.timetz().replace(tzinfo=None)
        closed_run = 0
        while days > 0:
            day += timedelta(days=1)
            if self._spans(day):
                days -= 1
                closed_run = 0
            else:
                closed_run = _count_closed(closed_run)
        return _clamp_into(self._spans(day), self._to_utc(day, clock))

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Working hours from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        a, b = _utc(a), _utc(b)
        if b < a:
            return -self.working_hours_between(b, a)
        total = timedelta(0)
        for start, end in self._spans_after(a, until=b):
            if start >= b:
                break
            total += min(end, b) - max(start, a)
        return total / timedelta(hours=1)

    # -- spans in UTC -------------------------------------------------------------------------

    def _spans(self, d: date) -> tuple[Span, ...]:
        spans = self._spans_cache.get(d)
        if spans is None:
            raw = sorted((self._to_utc(d, s), self._to_utc(d, e)) for s, e in self.hours_on(d))
            spans = tuple(_merge(raw))
            self._spans_cache[d] = spans
        return spans

    def _spans_after(self, at: datetime, until: datetime | None = None) -> Iterator[Span]:
        """Opening spans ending after ``at``, in order; stops after ``until`` when given."""
        day = at.astimezone(self.zone).date()
        closed_run = 0
        while True:
            spans = self._spans(day)
            closed_run = 0 if spans else _count_closed(closed_run)
            for a, b in spans:
                if b > at:
                    yield a, b
            if until is not None and spans and spans[-1][1] >= until:
                return
            if until is not None and datetime.combine(day, time(), self.zone) > until:
                return
            day += timedelta(days=1)

    def _to_utc(self, d: date, t: time) -> datetime:
        """Local wall time → UTC; a time in a DST gap maps to the instant the gap ends."""
        local = datetime.combine(d, t, self.zone)
        instant = local.astimezone(UTC)
        if instant.astimezone(self.zone).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        return _gap_end(local.replace(fold=1).astimezone(UTC), instant, self.zone)


def _gap_end(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in ``(low, high]`` with the post-transition offset (to the µs)."""
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(microseconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).utcoffset() == after:
            high = mid
        else:
            low = mid
    return high


def _merge(spans: list[Span]) -> Iterator[Span]:
    current = None
    for a, b in spans:
        if a >= b:
            continue
        if current and a <= current[1]:
            current = (current[0], max(current[1], b))
            continue
        if current:
            yield current
        current = (a, b)
    if current:
        yield current


def _clamp_into(spans: tuple[Span, ...], target: datetime) -> datetime:
    best = spans[0][0]
    for a, b in spans:
        if a <= target:
            best = min(target, b)
    return best


def _count_closed(run: int) -> int:
    if run + 1 > MAX_CLOSED_DAYS:
        raise NeverOpen(f"no opening hours within {MAX_CLOSED_DAYS} days")
    return run + 1


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"closures must be dates, got {type(value).__name__}")
    return value


def _utc(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"expected a datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the working-hours clock needs timezone-aware datetimes, got a naive one")
    return at.astimezone(UTC)


def _hours_delta(hours: float) -> timedelta:
    if not isinstance(hours, (int, float)) or isinstance(hours, bool) or not math.isfinite(hours):
        raise ValueError(f"hours must be a finite number, got {hours!r}")
    if hours < 0:
        raise ValueError("hours must be zero or more")
    return timedelta(hours=hours)


def _first_pass_as_hour_start(local: datetime) -> datetime:
    """An instant in the first pass of a repeated hour (DST fall-back) reads as that hour's
    start, so a later instant never yields an earlier clock time (and due time)."""
    if local.fold == 0:
        later = local.replace(fold=1)
        if later.utcoffset() != local.utcoffset():  # ambiguous: the hour repeats
            return local.replace(minute=0, second=0, microsecond=0)
    return local
