"""The indexer's checkpoint bookkeeping over out-of-order commits (pure, property-tested)."""
from hypothesis import given
from hypothesis import strategies as st

from consortium.search.checkpoint import Progress, advance, from_row, to_row


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
