"""Weekly opening hours of a member library and their text form.

Pure: no Flask, no database. ``parse_opening_hours`` reads the form staff type into a
settings field, e.g. ``"mon-fri 08:00-12:00,13:30-17:30; sat 09:00-12:00"``.
"""
import re
from dataclasses import dataclass
from datetime import time

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                          "saturday", "sunday"))},
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

Interval = tuple[time, time]


@dataclass(frozen=True)
class OpeningHours:
    """Opening intervals per weekday (0=Mon … 6=Sun), each sorted, non-overlapping, start < end.

    An interval is ``(start, end)`` in local wall-clock time, end exclusive; it cannot cross
    midnight (write two intervals). A weekday with no intervals is closed.
    """

    days: tuple[tuple[Interval, ...], ...]

    def __post_init__(self):
        if len(self.days) != 7:
            raise ValueError(f"opening hours need 7 weekdays (Mon … Sun), got {len(self.days)}")
        normalised = tuple(_check_day(DAY_NAMES[i], list(ivs)) for i, ivs in enumerate(self.days))
        object.__setattr__(self, "days", normalised)

    @classmethod
    def from_mapping(cls, mapping: dict[int, list[Interval]]) -> "OpeningHours":
        """Build from ``{weekday: [(start, end), ...]}``; missing weekdays are closed."""
        return cls(tuple(tuple(mapping.get(i, ())) for i in range(7)))

    def on_weekday(self, weekday: int) -> tuple[Interval, ...]:
        """The intervals of a weekday (0=Mon … 6=Sun)."""
        return self.days[weekday]

    def is_never_open(self) -> bool:
        return not any(self.days)

    def to_text(self) -> str:
        """The canonical text form, which ``parse_opening_hours`` reads back to an equal value."""
        clauses = []
        for i, intervals in enumerate(self.days):
            if intervals:
                spans = ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in intervals)
                clauses.append(f"{DAY_NAMES[i]} {spans}")
        return "; ".join(clauses)


def _check_day(day: str, intervals: list[Interval]) -> tuple[Interval, ...]:
    intervals = sorted(intervals)
    for start, end in intervals:
        if not (isinstance(start, time) and isinstance(end, time)):
            raise ValueError(f"{day}: an interval needs two datetime.time values, got {start!r}-{end!r}")
        if start >= end:
            raise ValueError(f"{day}: interval {start:%H:%M}-{end:%H:%M} ends before it starts")
    for (_s1, e1), (s2, _e2) in zip(intervals, intervals[1:]):
        if s2 < e1:
            raise ValueError(f"{day}: intervals overlap at {s2:%H:%M}")
    return tuple(intervals)


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse ``"<days> <start>-<end>[,<start>-<end>…]; …"`` into ``OpeningHours``.

    ``<days>`` is a day (``mon`` … ``sun``, ``monday``, ``周一`` … ``周日``), a range (``mon-fri``,
    wrapping allowed: ``sat-mon``) or a comma list of those (``mon,wed,fri``). A clause may say
    ``closed`` instead of times. Later clauses replace earlier ones for the days they name, so
    ``"mon-sun 08:00-22:00; sun 10:00-16:00"`` works. Times are ``HH:MM`` (00:00 … 23:59).
    Clauses are separated by ``;`` or new lines. Raises ``ValueError`` saying what is wrong.
    """
    mapping: dict[int, list[Interval]] = {}
    clauses = [c.strip() for c in re.split(r"[;\n；]", text or "") if c.strip()]
    if not clauses:
        raise ValueError("opening hours are empty; write e.g. 'mon-fri 08:00-17:00'")
    for clause in clauses:
        parts = clause.split(None, 1)
        if len(parts) != 2:
            raise ValueError(f"'{clause}': expected days then times, e.g. 'mon-fri 08:00-17:00'")
        days = _parse_days(parts[0])
        intervals = _parse_intervals(parts[1].strip(), clause)
        for day in days:
            mapping[day] = intervals
    return OpeningHours.from_mapping(mapping)


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.lower().replace("，", ",").split(","):
        ends = item.split("-")
        if len(ends) > 2 or not all(ends):
            raise ValueError(f"'{item}': not a day or day range (use e.g. 'mon', 'mon-fri')")
        first, last = (_day(e) for e in (ends[0], ends[-1]))
        day = first
        days.append(day)
        while day != last:
            day = (day + 1) % 7
            days.append(day)
    return days


def _day(name: str) -> int:
    try:
        return _DAY_ALIASES[name.strip()]
    except KeyError:
        raise ValueError(f"'{name}': unknown day; use mon, tue, wed, thu, fri, sat, sun") from None


def _parse_intervals(text: str, clause: str) -> list[Interval]:
    if text.lower() in ("closed", "休息", "闭馆"):
        return []
    intervals = []
    for span in text.replace("，", ",").split(","):
        ends = [e.strip() for e in span.replace("–", "-").replace("~", "-").split("-")]
        if len(ends) != 2:
            raise ValueError(f"'{clause}': '{span.strip()}' is not a time range like 08:00-12:00")
        intervals.append((_time(ends[0], clause), _time(ends[1], clause)))
    try:
        return list(_check_day(clause.split(None, 1)[0], intervals))
    except ValueError as exc:
        raise ValueError(f"'{clause}': {exc}") from None


def _time(text: str, clause: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"'{clause}': '{text}' is not a time HH:MM between 00:00 and 23:59")
    return time(int(match.group(1)), int(match.group(2)))
