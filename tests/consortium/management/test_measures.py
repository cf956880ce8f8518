"""The pure measures and chart geometry, over generated facts (hypothesis)."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.management.charts import bar_chart, nice_max
from consortium.management.measures import (
    Answer,
    Facts,
    Push,
    Rating,
    Refresh,
    competition_rank,
    consortium_card,
    measure_values,
    monthly,
    period_for,
    scorecards,
)

MEMBERS = ("A", "B", "C", "D")
YEAR = period_for(2026)
days = st.dates(min_value=date(2025, 11, 1), max_value=date(2027, 2, 1))
member = st.sampled_from(MEMBERS)
answers = st.builds(Answer, member, st.one_of(st.none(), member), days, st.booleans())
pushes = st.builds(Push, member, days, st.one_of(st.none(), days))
ratings = st.builds(Rating, member, st.booleans(), days)
facts = st.builds(Facts, pushes=st.lists(pushes, max_size=30).map(tuple), answers=st.lists(answers, max_size=30).map(tuple),
                  ratings=st.lists(ratings, max_size=20).map(tuple))


@settings(max_examples=60, deadline=None)
@given(facts)
def test_monthly_counts_add_up_to_the_year(f):
    """Every count of the year is the sum of its months."""
    for code in MEMBERS:
        year = measure_values(f, {code}, YEAR, 14, date(2026, 12, 31))
        months = monthly(f, {code}, YEAR, 14)
        for name in ("records_pushed", "questions_answered", "feedback_helpful", "feedback_not_helpful"):
            assert sum(months[name]) == year[name]


@settings(max_examples=60, deadline=None)
@given(facts)
def test_reciprocity_balances_sum_to_zero_and_the_consortium_counts_every_crossing(f):
    """What members answer for others is what others answer for them, over the whole consortium."""
    cards = scorecards(f, MEMBERS, {}, YEAR, date(2026, 12, 31))
    assert sum(c.measures["reciprocity_balance"]["value"] for c in cards) == 0
    given_ = sum(c.measures["answered_for_other_members"]["value"] for c in cards)
    whole = consortium_card(f, MEMBERS, {}, YEAR, date(2026, 12, 31))
    assert whole.measures["answered_for_other_members"]["value"] == given_
    assert whole.measures["questions_answered"]["value"] == sum(c.measures["questions_answered"]["value"] for c in cards)


@settings(max_examples=60, deadline=None)
@given(facts)
def test_shares_are_percentages_and_ranks_run_from_one(f):
    """Percentages lie in 0–100; the best member ranks first and no rank exceeds the members."""
    cards = scorecards(f, MEMBERS, {}, YEAR, date(2026, 12, 31))
    assert min(c.rank for c in cards) == 1 and max(c.rank for c in cards) <= len(MEMBERS)
    for card in cards:
        for name, row in card.measures.items():
            if name.endswith("_pct") and row["value"] is not None:
                assert 0 <= row["value"] <= 100
            if row["rank"] is not None:
                assert 1 <= row["rank"] <= len(MEMBERS)


def test_a_late_answer_lowers_the_share_within_the_sla_and_targets_scale_with_the_period():
    """Three on time and one late is 75 %, under the 90 % target; guide targets double for a year."""
    f = Facts(answers=tuple(Answer("A", "A", date(2026, 3, d), d != 4) for d in (1, 2, 3, 4)))
    (card,) = scorecards(f, ["A"], {"A": {"guides_per_term": 3}}, YEAR, date(2026, 12, 31))
    assert card.measures["answered_within_sla_pct"] == {"value": 75.0, "target": 90, "met": False, "rank": 1}
    assert card.measures["guides_published"]["target"] == 6
    (spring,) = scorecards(f, ["A"], {"A": {"guides_per_term": 3}}, period_for(2026, "spring"), date(2026, 12, 31))
    assert spring.measures["guides_published"]["target"] == 3


def test_days_since_the_kbart_refresh_count_to_the_period_end_or_today():
    """A refresh on 1 December is 30 days old at the year's end, 5 days old on 6 December."""
    f = Facts(refreshes=(Refresh("A", date(2026, 12, 1)), Refresh("A", date(2026, 6, 1))))
    assert measure_values(f, {"A"}, YEAR, 14, date(2027, 3, 1))["days_since_kbart_refresh"] == 30
    assert measure_values(f, {"A"}, YEAR, 14, date(2026, 12, 6))["days_since_kbart_refresh"] == 5
    assert measure_values(f, {"B"}, YEAR, 14, date(2026, 12, 6))["days_since_kbart_refresh"] is None


def test_pushes_count_as_on_time_within_the_target_days():
    """Seen 14 days after acquisition is on time, 15 days is late; undated records are left out."""
    seen = date(2026, 5, 20)
    f = Facts(pushes=(Push("A", seen, seen - timedelta(days=14)), Push("A", seen, seen - timedelta(days=15)),
                      Push("A", seen, None)))
    values = measure_values(f, {"A"}, YEAR, 14, date(2026, 12, 31))
    assert values["records_pushed"] == 3 and values["pushed_on_time_pct"] == 50.0


def test_ties_share_a_rank():
    assert [competition_rank({"A": 5, "B": 5, "C": 3}, m) for m in "ABC"] == [1, 1, 3]
    assert competition_rank({"A": 5, "B": None}, "B") is None
    assert competition_rank({"A": 10, "B": 3}, "B", sign=-1) == 1


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)), min_size=1, max_size=24),
       st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)))
def test_bars_stay_inside_the_chart_and_the_tallest_reaches_no_higher_than_the_top(values, target):
    """Every bar and the target line lie within the plot; a bigger value never draws a shorter bar."""
    chart = bar_chart([str(i) for i in range(len(values))], values, target)
    for bar in chart.bars:
        assert 0 <= bar.y <= chart.baseline and bar.height >= 0 and bar.x + bar.width <= chart.width
    if chart.target_y is not None:
        assert 0 <= chart.target_y <= chart.baseline
    known = sorted((b for b in chart.bars if b.value is not None), key=lambda b: b.value)
    assert all(a.height <= b.height for a, b in zip(known, known[1:]))


@given(st.floats(min_value=0, max_value=1e9))
def test_the_axis_top_is_round_and_above_the_value(value):
    top = nice_max(value)
    assert top >= value and top >= 1


@given(st.floats(min_value=0, max_value=1e6))
def test_axis_ticks_are_round_numbers(value):
    """Ticks step by 1, 2 or 5 times a power of ten (or a quarter of 2 × 10ⁿ), from 0 to the top."""
    chart = bar_chart(["x"], [value])
    texts = [t.text for t in chart.ticks]
    assert texts[0] == "0" and float(texts[-1]) >= value
    step = float(texts[1])
    assert f"{step:e}"[0] in "125"
