"""Opening hours and their text form."""
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.reference.opening_hours import OpeningHours, parse_opening_hours


def test_parse_reads_ranges_and_several_intervals_per_day():
    """A weekday range with a lunch break and a Saturday morning parse into seven weekdays."""
    hours = parse_opening_hours("mon-fri 08:00-12:00,13:30-17:30; sat 09:00-12:00")
    assert hours.on_weekday(0) == ((time(8), time(12)), (time(13, 30), time(17, 30)))
    assert hours.on_weekday(4) == hours.on_weekday(0)
    assert hours.on_weekday(5) == ((time(9), time(12)),)
    assert hours.on_weekday(6) == ()


def test_later_clauses_replace_earlier_ones_and_closed_empties_a_day():
    """'mon-sun …; sun …; wed closed' gives Sunday its own hours and closes Wednesday."""
    hours = parse_opening_hours("mon-sun 08:00-22:00\nsun 10:00-16:00; wed closed")
    assert hours.on_weekday(6) == ((time(10), time(16)),)
    assert hours.on_weekday(2) == ()
    assert hours.on_weekday(1) == ((time(8), time(22)),)


def test_chinese_day_names_lists_and_wrapping_ranges_are_understood():
    """周一-周五, comma lists and a range wrapping over Sunday all name the right days."""
    assert parse_opening_hours("周一-周五 08:00-17:00").on_weekday(4) == ((time(8), time(17)),)
    listed = parse_opening_hours("mon,wed,fri 09:00-10:00")
    assert [bool(listed.on_weekday(i)) for i in range(7)] == [True, False, True, False, True, False, False]
    wrapped = parse_opening_hours("sat-mon 09:00-10:00")
    assert [bool(wrapped.on_weekday(i)) for i in range(7)] == [True, False, False, False, False, True, True]


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("mon-fri", "expected days then times"),
    ("xyz 08:00-09:00", "unknown day"),
    ("mon- 08:00-09:00", "not a day or day range"),
    ("mon 08:00", "not a time range"),
    ("mon 8h-9h", "not a time HH:MM"),
    ("mon 24:00-25:00", "not a time HH:MM"),
    ("mon 12:00-08:00", "ends before it starts"),
    ("mon 08:00-12:00,11:00-13:00", "overlap"),
])
def test_bad_text_raises_a_value_error_saying_what_is_wrong(text, message):
    """Each kind of mistake gets a ValueError whose message names it."""
    with pytest.raises(ValueError, match=message):
        parse_opening_hours(text)


def test_opening_hours_need_seven_days_and_ordered_intervals():
    """Building OpeningHours directly validates like the parser does."""
    with pytest.raises(ValueError, match="7 weekdays"):
        OpeningHours(((),))
    with pytest.raises(ValueError, match="ends before"):
        OpeningHours.from_mapping({0: [(time(9), time(9))]})


minutes = st.integers(0, 23 * 60 + 58)


@st.composite
def day_intervals(draw):
    cuts = sorted(draw(st.sets(minutes, min_size=0, max_size=6)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return [(time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in zip(cuts[::2], cuts[1::2])]


@given(st.lists(day_intervals(), min_size=7, max_size=7))
def test_text_form_reads_back_to_the_same_hours(days):
    """to_text and parse_opening_hours are inverse for any valid hours that open at all."""
    hours = OpeningHours(tuple(tuple(d) for d in days))
    if hours.is_never_open():
        return
    assert parse_opening_hours(hours.to_text()) == hours
