"""Property tests of the pure subscription rules: windows, due times, the digest's order,
and the link tokens."""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from consortium.subscriptions import rules, tokens

UTC = dt.timezone.utc
moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(UTC))
MEMBERS = ["A", "B", "C"]
results = st.lists(st.fixed_dictionaries({
    "title": st.text(max_size=10),
    "clc": st.sampled_from([None, "TP311", "I247", "TP", "O13", "bad"]),
    "holdings": st.lists(st.fixed_dictionaries({"member": st.sampled_from(MEMBERS)}), min_size=1, max_size=3),
}), max_size=20)


@given(moments, st.floats(0, 3600))
def test_window_end_is_whole_seconds_and_in_the_past(now, settle):
    """A window ends on a whole second, at least a second and the settle time before now."""
    end = rules.window_end(now, settle)
    assert end.microsecond == 0 and end <= now - dt.timedelta(seconds=max(1.0, settle)) + dt.timedelta(seconds=1)
    assert end < now


@given(moments, st.sampled_from(list(rules.FREQUENCIES)), st.integers(0, 30 * 24))
def test_due_once_the_period_has_passed(last, frequency, hours):
    """Due exactly when the period less the slack has passed since the last window's end."""
    now = last + dt.timedelta(hours=hours)
    assert rules.is_due(frequency, last, now) == (now - last >= rules.FREQUENCIES[frequency] - rules.DUE_SLACK)
    assert rules.is_due(frequency, None, now)


@given(results, st.sampled_from(MEMBERS + [None]))
def test_digest_lists_every_work_once_home_holdings_first(found, home):
    """Every result appears once; in each group home-held works come first; holdings lead with home."""
    found = [dict(r, id=i) for i, r in enumerate(found)]
    digest = rules.build_digest(found, home)
    listed = [w.id for g in digest.groups for w in g.works]
    assert sorted(listed) == [r["id"] for r in found] and digest.listed == len(found)
    assert digest.is_empty == (not found)
    for group in digest.groups:
        flags = [w.at_home for w in group.works]
        assert flags == sorted(flags, reverse=True)
        for work in group.works:
            assert rules.subject_of(work.clc) == group.subject
            if work.at_home:
                assert work.holdings[0]["member"] == home
    subjects = [g.subject for g in digest.groups]
    assert subjects == sorted(subjects, key=lambda s: (s == rules.OTHER_SUBJECT, s))


@given(st.integers(1, 10**9), st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_link_tokens_need_the_secret_and_the_stored_hash(subscription_id, secret, other):
    """A link token names its subscription and matches only with the same secret and token hash."""
    token_hash = tokens.hash_token("t")
    link = tokens.link_token(secret, subscription_id, token_hash)
    assert tokens.link_id(link) == subscription_id
    assert tokens.link_matches(secret, link, subscription_id, token_hash)
    assert not tokens.link_matches(secret, link, subscription_id, tokens.hash_token("other"))
    if other != secret:
        assert not tokens.link_matches(other, link, subscription_id, token_hash)


@given(st.text(max_size=60))
def test_random_text_is_never_taken_for_a_link_token_of_another_shape(text):
    """link_id answers an id only for "<digits>.<32 characters>"."""
    found = tokens.link_id(text)
    if found is not None:
        head, _, tail = text.partition(".")
        assert head.isdigit() and len(tail) == 32
