"""The indexer's checkpoint bookkeeping over out-of-order commits (pure, property-tested)."""
from hypothesis import given
from hypothesis import strategies as st

from consortium.search.checkpoint import SERIAL_WRITERS, Horizon, Progress, advance, from_row, to_row


def test_contiguous_ids_move_the_checkpoint_without_gaps():
    """Seeing 1..5 moves last_id to 5 with no gaps."""
    assert advance(Progress(), [1, 2, 3, 4, 5], now=0, ttl=60) == Progress(5, {})


def test_an_id_committed_late_is_a_gap_until_seen():
    """Ids 1,2,4 visible: 3 is a gap; once 3 shows up it is applied and forgotten."""
    after = advance(Progress(), [1, 2, 4], now=100, ttl=60)
    assert after == Progress(4, {3: 100})
    assert advance(after, [3], now=110, ttl=60) == Progress(4, {})


def test_a_gap_never_filled_expires_as_a_rolled_back_transaction():
    """A gap older than the ttl is dropped."""
    after = advance(Progress(), [1, 3], now=100, ttl=60)
    assert advance(after, [], now=150, ttl=60).gaps == {2: 100}
    assert advance(after, [], now=161, ttl=60).gaps == {}


def test_row_round_trip_keeps_int_ids():
    """JSON turns keys into strings; reading them back gives ints."""
    progress = Progress(9, {3: 1.5, 7: 2.0})
    assert from_row(*to_row(progress)) == progress


@given(st.lists(st.sets(st.integers(1, 60), max_size=12), max_size=8))
def test_no_committed_id_is_ever_skipped(batches):
    """Whatever order ids become visible in, each id at or below last_id was seen or is a gap."""
    progress, seen = Progress(), set()
    visible: set[int] = set()
    for batch in batches:
        visible |= batch
        # what one pass reads: ids above the checkpoint plus visible gap ids
        read = sorted(i for i in visible if i > progress.last_id or i in progress.gaps)
        progress = advance(progress, read, now=0, ttl=1e9)
        seen |= set(read)
        for i in range(1, progress.last_id + 1):
            assert i in seen or i in progress.gaps
    assert visible <= seen


def test_a_gap_closes_once_every_transaction_that_could_hold_it_has_ended():
    """A gap first missed while transactions below xid 50 ran closes when the oldest running
    transaction is 50 or later, long before the ttl."""
    after = advance(Progress(), [1, 3], now=100, ttl=600, horizon=Horizon(finished_below=40, running_below=50))
    assert after.gaps == {2: 100} and after.horizons == {2: 50}
    assert advance(after, [], now=101, ttl=600, horizon=Horizon(49, 60)).gaps == {2: 100}
    assert advance(after, [], now=101, ttl=600, horizon=Horizon(50, 60)) == Progress(3, {}, {})


def test_serialised_writers_leave_no_gaps():
    """On SQLite a missing id can never commit later: no gap is kept."""
    assert advance(Progress(), [1, 3], now=0, ttl=600, horizon=SERIAL_WRITERS) == Progress(3)


def test_row_round_trip_keeps_horizons_and_reads_old_rows():
    """Gaps with horizons survive the JSON row; a row of plain times (older versions) still reads."""
    progress = Progress(9, {3: 1.5, 7: 2.0}, {7: 123})
    assert from_row(*to_row(progress)) == progress
    assert from_row(9, {"3": 1.5}) == Progress(9, {3: 1.5})


@given(st.lists(st.tuples(st.sampled_from(["begin", "commit", "rollback", "pass"]), st.integers(0, 5)),
                max_size=40))
def test_with_horizons_no_committed_id_is_skipped_and_no_gap_outlives_its_transaction(events):
    """Transactions take ids and xids, commit or roll back in any order, passes read what is
    committed with the horizon the database would give: every committed id is applied, and
    once no transaction runs one more pass leaves no gap."""
    next_id, next_xid, running, committed = 1, 1, {}, set()
    progress, applied = Progress(), set()

    def one_pass():
        nonlocal progress
        finished = min([xid for xid, _ in running.values()], default=next_xid)
        read = sorted(i for i in committed if i > progress.last_id or i in progress.gaps)
        progress = advance(progress, read, now=0, ttl=1e9, horizon=Horizon(finished, next_xid))
        applied.update(read)

    for kind, pick in events:
        if kind == "begin":
            running[next_xid] = (next_xid, next_id)
            next_id, next_xid = next_id + 1, next_xid + 1
        elif kind in ("commit", "rollback") and running:
            xid = sorted(running)[pick % len(running)]
            _, taken = running.pop(xid)
            if kind == "commit":
                committed.add(taken)
        elif kind == "pass":
            one_pass()
    for xid in list(running):
        committed.add(running.pop(xid)[1])
    one_pass()
    assert committed <= applied and progress.gaps == {}
