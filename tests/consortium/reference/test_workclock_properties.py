"""Properties of the working-hours clock over random calendars, instants and durations.

Zones: Asia/Shanghai (no DST) and Europe/Berlin (DST), including opening hours that span the
DST switch at night; years 2024–2027, so holidays, 调休 and the package's fallback year occur.
"""
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.reference.opening_hours import parse_opening_hours
from consortium.reference.workclock import WorkingCalendar

SPECS = [
    "mon-fri 08:00-12:00,13:30-17:30",
    "mon-fri 08:00-12:00,13:30-17:30; sat 09:00-12:00",
    "mon-sun 00:00-23:59",
    "mon-sun 01:30-02:45,02:50-03:10,22:00-23:00",   # across the 02:00–03:00 DST switch
    "tue,thu 10:00-10:05",
    "sat-sun 07:00-21:30",
]
ZONES = ["Asia/Shanghai", "Europe/Berlin"]
TINY = timedelta(microseconds=2)

calendars = st.builds(
    lambda spec, tz, chinese: WorkingCalendar(parse_opening_hours(spec), tz, use_chinese_calendar=chinese),
    st.sampled_from(SPECS), st.sampled_from(ZONES), st.booleans())
# Europe's DST switches (last Sunday of March / October, 01:00 UTC) in the years covered.
DST_SWITCHES = [datetime(2024, 3, 31, 1), datetime(2024, 10, 27, 1), datetime(2025, 3, 30, 1),
                datetime(2025, 10, 26, 1), datetime(2026, 3, 29, 1), datetime(2026, 10, 25, 1)]
near_dst = st.builds(lambda switch, offset: (switch + timedelta(seconds=offset)).replace(tzinfo=timezone.utc),
                     st.sampled_from(DST_SWITCHES), st.integers(-3 * 86400, 86400))
instants = st.one_of(
    st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 1), timezones=st.just(timezone.utc)), near_dst)
# zero or at least a millisecond: an amount under half a microsecond rounds to nothing, so at
# a closing time it stays there while twice that amount rounds up and crosses into the next
# working day (a discontinuity of rounding, not of the clock; no one adds such amounts)
hours = st.one_of(st.just(0.0), st.floats(1e-6, 120, allow_nan=False, allow_infinity=False))
whole_minutes = st.integers(0, 120 * 60).map(lambda m: m / 60)
relaxed = settings(deadline=None, max_examples=150)


def within_hours(cal: WorkingCalendar, at: datetime) -> bool:
    """Inside an opening interval or exactly at its closing instant."""
    return cal.is_open(at) or cal.is_open(at - timedelta(microseconds=1))


@relaxed
@given(calendars, instants, hours, hours)
def test_adding_more_hours_never_gives_an_earlier_time(cal, t, a, b):
    """add_working_hours is monotonic in the duration."""
    low, high = sorted((a, b))
    assert cal.add_working_hours(t, low) <= cal.add_working_hours(t, high)


@relaxed
@given(calendars, instants, instants, hours)
def test_a_later_start_never_gives_an_earlier_due_time(cal, t1, t2, h):
    """add_working_hours and add_working_days are monotonic in the start."""
    t1, t2 = sorted((t1, t2))
    assert cal.add_working_hours(t1, h) <= cal.add_working_hours(t2, h)
    assert cal.add_working_days(t1, 1) <= cal.add_working_days(t2, 1)


@relaxed
@given(calendars, instants, whole_minutes, whole_minutes)
def test_adding_in_two_steps_equals_adding_the_sum(cal, t, a, b):
    """add(add(t, a), b) == add(t, a + b) exactly for whole minutes."""
    assert cal.add_working_hours(cal.add_working_hours(t, a), b) == cal.add_working_hours(t, a + b)


@relaxed
@given(calendars, instants, hours, hours)
def test_adding_in_two_steps_equals_adding_the_sum_for_any_float(cal, t, a, b):
    """For arbitrary float hours the two ways differ by microsecond rounding at most."""
    two_steps = cal.add_working_hours(cal.add_working_hours(t, a), b)
    assert abs(two_steps - cal.add_working_hours(t, a + b)) <= TINY


@relaxed
@given(calendars, instants, hours)
def test_hours_between_a_start_and_its_due_time_are_the_hours_added(cal, t, h):
    """working_hours_between(t, add_working_hours(t, h)) == h within one second."""
    assert abs(cal.working_hours_between(t, cal.add_working_hours(t, h)) - h) * 3600 < 1


@relaxed
@given(calendars, instants, hours.filter(lambda h: h > 1e-6))
def test_a_due_time_never_lands_in_closed_time(cal, t, h):
    """For h > 0 the result is inside opening hours or exactly at a closing time, in UTC."""
    result = cal.add_working_hours(t, h)
    assert within_hours(cal, result) and result.tzinfo is timezone.utc


@relaxed
@given(calendars, instants, st.integers(0, 12))
def test_working_days_land_on_working_days_inside_opening_hours(cal, t, days):
    """add_working_days lands within the hours of a working day, `days` working days after the start day."""
    result = cal.add_working_days(t, days)
    start_day = cal.next_open(t).astimezone(cal.zone).date()
    due_day = result.astimezone(cal.zone).date()
    assert cal.is_working_day(due_day) and within_hours(cal, result)
    between = (start_day + timedelta(days=i) for i in range(1, (due_day - start_day).days + 1))
    assert sum(cal.is_working_day(d) for d in between) == days


@relaxed
@given(calendars, instants)
def test_next_open_is_open_and_no_working_time_passes_before_it(cal, t):
    """next_open(t) ≥ t, is open, and no working hours lie between t and it."""
    opened = cal.next_open(t)
    assert opened >= t and cal.is_open(opened)
    assert cal.working_hours_between(t, opened) == 0


@relaxed
@given(calendars, instants, instants, instants)
def test_hours_between_add_up_over_consecutive_stretches(cal, a, b, c):
    """between(a, b) + between(b, c) == between(a, c)."""
    a, b, c = sorted((a, b, c))
    if (c - a).days > 120:
        c = a + (c - a) % timedelta(days=120)
        b = min(b, c)
    total = cal.working_hours_between(a, b) + cal.working_hours_between(b, c)
    assert abs(total - cal.working_hours_between(a, c)) * 3600 < 1e-3


def test_add_working_days_is_monotonic_across_the_repeated_autumn_hour():
    """02:59:59 CEST comes before 02:00 CET: its due time must not be later (found by hypothesis)."""
    cal = WorkingCalendar(parse_opening_hours("mon-sun 00:00-23:59"), "Europe/Berlin", use_chinese_calendar=False)
    earlier = datetime(2024, 10, 27, 0, 59, 59, tzinfo=timezone.utc)
    later = datetime(2024, 10, 27, 1, 0, tzinfo=timezone.utc)
    assert cal.add_working_days(earlier, 1) <= cal.add_working_days(later, 1)
