"""The working-hours clock on exact dates: Chinese holidays, 调休, closures, DST, due times.

Holiday expectations are written from the State Council notices (国务院办公厅关于2025年/2026年
部分节假日安排的通知); chinesecalendar 1.11 agrees with every one of them.
"""
import logging
from datetime import date, datetime, time, timedelta, timezone

import pytest

from consortium.reference.opening_hours import parse_opening_hours
from consortium.reference.workclock import NeverOpen, WorkingCalendar

SH = "Asia/Shanghai"
WEEKDAYS = "mon-fri 08:00-12:00,13:30-17:30"


def cal(spec=WEEKDAYS, tz=SH, **kwargs) -> WorkingCalendar:
    return WorkingCalendar(parse_opening_hours(spec), tz, **kwargs)


def local(c: WorkingCalendar, y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=c.zone)


def as_local(c: WorkingCalendar, at: datetime) -> datetime:
    assert at.tzinfo is timezone.utc
    return at.astimezone(c.zone).replace(tzinfo=None)


# (submitted Friday 17:00 — or the last working day — before a holiday, due 1 working day later)
ONE_DAY_DUE = [
    ((2025, 1, 24), (2025, 1, 26), "春节 2025: Sunday 26 Jan is a make-up working day"),
    ((2025, 1, 26), (2025, 1, 27), "the 调休 Sunday itself counts as the start day"),
    ((2025, 1, 27), (2025, 2, 5), "春节 28 Jan – 4 Feb 2025"),
    ((2025, 4, 3), (2025, 4, 7), "清明 4–6 Apr 2025"),
    ((2025, 4, 25), (2025, 4, 27), "劳动节 2025: Sunday 27 Apr is a make-up working day"),
    ((2025, 4, 30), (2025, 5, 6), "劳动节 1–5 May 2025"),
    ((2025, 5, 30), (2025, 6, 3), "端午 31 May – 2 Jun 2025"),
    ((2025, 9, 26), (2025, 9, 28), "国庆 2025: Sunday 28 Sep is a make-up working day"),
    ((2025, 9, 30), (2025, 10, 9), "国庆/中秋 1–8 Oct 2025"),
    ((2025, 10, 10), (2025, 10, 11), "国庆 2025: Saturday 11 Oct is a make-up working day"),
    ((2025, 12, 31), (2026, 1, 4), "元旦 1–3 Jan 2026, Sunday 4 Jan worked"),
    ((2026, 2, 13), (2026, 2, 14), "春节 2026: Saturday 14 Feb is a make-up working day"),
    ((2026, 2, 14), (2026, 2, 24), "春节 15–23 Feb 2026"),
    ((2026, 2, 27), (2026, 2, 28), "春节 2026: Saturday 28 Feb is a make-up working day"),
    ((2026, 4, 3), (2026, 4, 7), "清明 4–6 Apr 2026"),
    ((2026, 4, 30), (2026, 5, 6), "劳动节 1–5 May 2026"),
    ((2026, 5, 8), (2026, 5, 9), "劳动节 2026: Saturday 9 May is a make-up working day"),
    ((2026, 6, 18), (2026, 6, 22), "端午 19–21 Jun 2026"),
    ((2026, 9, 18), (2026, 9, 20), "国庆 2026: Sunday 20 Sep is a make-up working day"),
    ((2026, 9, 24), (2026, 9, 28), "中秋 25–27 Sep 2026"),
    ((2026, 9, 30), (2026, 10, 8), "国庆 1–7 Oct 2026"),
    ((2026, 10, 9), (2026, 10, 10), "国庆 2026: Saturday 10 Oct is a make-up working day"),
]


@pytest.mark.parametrize("submitted, due, why", ONE_DAY_DUE, ids=[w for *_, w in ONE_DAY_DUE])
def test_a_question_at_17_00_with_one_working_day_falls_due_on_the_right_day(submitted, due, why):
    """17:00 plus one working day is 17:00 on the next working day after holidays and 调休."""
    c = cal()
    result = c.add_working_days(local(c, *submitted, 17), 1)
    assert as_local(c, result) == datetime(*due, 17, 0), why


def test_a_statutory_holiday_on_a_weekday_is_closed_and_a_make_up_sunday_is_open():
    """1 Oct 2025 (Wednesday) is closed; 28 Sep 2025 (Sunday) opens with Monday's hours."""
    c = cal(WEEKDAYS + "; mon 09:00-17:00")
    assert not c.is_working_day(date(2025, 10, 1)) and c.day_kind(date(2025, 10, 1)) == "holiday"
    assert c.day_kind(date(2025, 9, 28)) == "makeup"
    assert c.hours_on(date(2025, 9, 28)) == ((time(9), time(17)),)
    assert c.is_open(local(c, 2025, 9, 28, 9, 30))


def test_make_up_days_use_the_first_weekday_with_hours_when_monday_is_closed():
    """A member closed on Mondays works a 调休 Saturday with Tuesday's hours."""
    c = cal("tue-fri 10:00-16:00; mon closed")
    assert c.hours_on(date(2026, 2, 14)) == ((time(10), time(16)),)


def test_a_saturday_inside_a_holiday_is_closed_even_for_members_open_on_saturdays():
    """4 Oct 2025 is a Saturday of the 国庆 break; an ordinary Saturday keeps its hours."""
    c = cal(WEEKDAYS + "; sat 09:00-12:00")
    assert c.day_kind(date(2025, 10, 4)) == "holiday" and not c.is_working_day(date(2025, 10, 4))
    assert c.day_kind(date(2025, 11, 1)) == "regular" and c.is_working_day(date(2025, 11, 1))


def test_member_closures_close_an_ordinary_working_day():
    """A closure (e.g. stocktaking) closes the day and moves the due time past it."""
    c = cal(closures=[date(2026, 3, 10)])
    assert not c.is_working_day(date(2026, 3, 10)) and c.day_kind(date(2026, 3, 10)) == "closure"
    assert as_local(c, c.add_working_days(local(c, 2026, 3, 9, 10), 1)) == datetime(2026, 3, 11, 10)


def test_without_the_chinese_calendar_holidays_are_plain_weekdays():
    """use_chinese_calendar=False opens on 1 Oct 2025 and stays shut on the 调休 Sunday."""
    c = cal(use_chinese_calendar=False)
    assert c.is_working_day(date(2025, 10, 1)) and not c.is_working_day(date(2025, 9, 28))


def test_years_beyond_the_package_fall_back_to_weekly_hours_and_say_so(caplog):
    """2030 has no holiday data: weekdays open, holiday_data_covers is False, a warning is logged once."""
    c = cal()
    with caplog.at_level(logging.WARNING, logger="consortium.workclock"):
        assert c.is_working_day(date(2030, 10, 1)) and not c.is_working_day(date(2030, 10, 5))
        c.is_working_day(date(2030, 10, 2))
    assert not c.holiday_data_covers(date(2030, 10, 1)) and c.holiday_data_covers(date(2026, 10, 1))
    assert [r.message for r in caplog.records].count("chinesecalendar has no data for 2030; using plain weekly hours") == 1


def test_after_closing_the_clock_starts_when_the_member_next_opens():
    """Sent Wednesday 30 Sep 2026 at 18:00: the clock starts 8 Oct 08:00, due 9 Oct 08:00."""
    c = cal()
    assert as_local(c, c.next_open(local(c, 2026, 9, 30, 18))) == datetime(2026, 10, 8, 8)
    assert as_local(c, c.add_working_days(local(c, 2026, 9, 30, 18), 1)) == datetime(2026, 10, 9, 8)


def test_in_the_lunch_break_the_clock_starts_after_lunch():
    """Sent Monday 12:45: due Tuesday 13:30."""
    c = cal()
    assert as_local(c, c.add_working_days(local(c, 2026, 3, 9, 12, 45), 1)) == datetime(2026, 3, 10, 13, 30)


def test_due_time_past_a_short_day_is_that_days_closing_time():
    """Friday 17:00 + 1 working day, Saturday open 09:00–12:00: due Saturday 12:00."""
    c = cal(WEEKDAYS + "; sat 09:00-12:00")
    assert as_local(c, c.add_working_days(local(c, 2025, 11, 7, 17), 1)) == datetime(2025, 11, 8, 12)


def test_due_time_in_a_break_is_the_closing_time_before_it_and_before_opening_the_first_opening():
    """Clock 13:00 lands in Saturday's break → 12:00; clock 08:30 is before Saturday opens → 09:00."""
    c = cal(WEEKDAYS + "; sat 09:00-12:00,14:00-16:00")
    assert as_local(c, c.add_working_days(local(c, 2025, 11, 7, 13), 1)) == datetime(2025, 11, 8, 12)
    assert as_local(c, c.add_working_days(local(c, 2025, 11, 7, 8, 30), 1)) == datetime(2025, 11, 8, 9)


def test_zero_working_days_is_the_next_opening():
    """add_working_days(t, 0) equals next_open(t)."""
    c = cal()
    t = local(c, 2025, 10, 3, 10)
    assert c.add_working_days(t, 0) == c.next_open(t) == local(c, 2025, 10, 9, 8).astimezone(timezone.utc)


def test_working_hours_skip_nights_breaks_and_holidays():
    """Fri 26 Sep 2025 17:00 + 2 h: 30 min on Friday, then 1.5 h on the 调休 Sunday from 08:00."""
    c = cal()
    assert as_local(c, c.add_working_hours(local(c, 2025, 9, 26, 17), 2)) == datetime(2025, 9, 28, 9, 30)
    assert as_local(c, c.add_working_hours(local(c, 2025, 9, 29, 11), 1.5)) == datetime(2025, 9, 29, 14)
    assert c.working_hours_between(local(c, 2025, 9, 30, 17, 30), local(c, 2025, 10, 9, 8)) == 0
    assert c.working_hours_between(local(c, 2025, 9, 29, 8), local(c, 2025, 9, 30, 0)) == 8


def test_a_result_exactly_at_closing_time_stays_there():
    """Friday 17:00 + 0.5 h is Friday 17:30, the closing time, not the next opening."""
    c = cal()
    result = c.add_working_hours(local(c, 2026, 3, 13, 17), 0.5)
    assert as_local(c, result) == datetime(2026, 3, 13, 17, 30) and not c.is_open(result)


def test_between_is_negative_when_the_end_is_first():
    """working_hours_between(b, a) == -working_hours_between(a, b)."""
    c = cal()
    a, b = local(c, 2026, 3, 9, 9), local(c, 2026, 3, 10, 9)
    assert c.working_hours_between(b, a) == -c.working_hours_between(a, b) == -8


def test_spring_forward_in_berlin_has_one_hour_less():
    """29 Mar 2026 00:00–23:59 in Berlin lasts 22 h 59 min; 25 Oct 2026 lasts 24 h 59 min."""
    c = cal("mon-sun 00:00-23:59", tz="Europe/Berlin", use_chinese_calendar=False)
    assert c.working_hours_between(local(c, 2026, 3, 29), local(c, 2026, 3, 30)) == pytest.approx(22 + 59 / 60)
    assert c.working_hours_between(local(c, 2026, 10, 25), local(c, 2026, 10, 26)) == pytest.approx(24 + 59 / 60)


def test_an_interval_starting_in_the_dst_gap_opens_when_the_gap_ends():
    """'sun 02:30-03:30' on 29 Mar 2026 in Berlin opens at 03:00 CEST (the gap's end) for 30 min."""
    c = cal("sun 02:30-03:30", tz="Europe/Berlin", use_chinese_calendar=False)
    start = c.next_open(local(c, 2026, 3, 29))
    assert start == datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)
    assert c.working_hours_between(start, start + timedelta(hours=3)) == 0.5


def test_results_are_utc_and_naive_inputs_are_refused():
    """Every result is in UTC; a naive datetime or an unknown zone raises ValueError."""
    c = cal()
    assert c.next_open(local(c, 2026, 3, 9, 9)).tzinfo is timezone.utc
    for call in (lambda: c.is_open(datetime(2026, 3, 9, 9)), lambda: c.next_open(datetime(2026, 3, 9)),
                 lambda: c.add_working_hours(datetime(2026, 3, 9), 1),
                 lambda: c.add_working_days(datetime(2026, 3, 9), 1),
                 lambda: c.working_hours_between(datetime(2026, 3, 9), local(c, 2026, 3, 9))):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()
    with pytest.raises(ValueError, match="unknown time zone"):
        cal(tz="Mars/Olympus")


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_negative_or_non_finite_hours_are_refused(hours):
    """add_working_hours accepts only finite hours ≥ 0."""
    c = cal()
    with pytest.raises(ValueError):
        c.add_working_hours(local(c, 2026, 3, 9, 9), hours)
    with pytest.raises(ValueError):
        c.add_working_days(local(c, 2026, 3, 9, 9), -1)


def test_a_calendar_that_never_opens_says_so_instead_of_looping():
    """A member closed every day raises NeverOpen (a ValueError) from next_open."""
    c = cal("mon closed")
    with pytest.raises(NeverOpen):
        c.next_open(local(c, 2026, 3, 9))


def test_hours_may_be_given_as_text_and_closures_as_datetimes():
    """WorkingCalendar parses a text form and reads closures given as datetimes by their date."""
    c = WorkingCalendar("mon-fri 09:00-17:00", closures=[datetime(2026, 3, 10, 15, 0)])
    assert c.hours_on(date(2026, 3, 9)) == ((time(9), time(17)),) and not c.is_working_day(date(2026, 3, 10))
    with pytest.raises(TypeError):
        WorkingCalendar("mon-fri 09:00-17:00", closures=["2026-03-10"])
