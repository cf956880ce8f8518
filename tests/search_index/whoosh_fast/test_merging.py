"""The incremental writer's merge policy: tiers of segments merged eight at a time."""
from hypothesis import given
from hypothesis import strategies as st

from search_index.whoosh_common import storage
from search_index.whoosh_fast import merging, store
from search_index.whoosh_fast.merging import BASE, FANOUT, tier, to_merge
from tests.search_index.corpus import whoosh_documents as _documents


def test_tiers_by_size():
    assert [tier(n) for n in (0, BASE - 1, BASE, BASE * FANOUT - 1, BASE * FANOUT)] == [0, 0, 1, 1, 2]
    assert tier(10**12) == merging.MAX_TIER


def test_a_full_tier_is_merged_and_only_it():
    small, middle = [10] * (FANOUT - 1), [BASE * 2] * FANOUT
    assert to_merge(small) == set()
    assert to_merge(small + [20]) == set(range(FANOUT))
    assert to_merge(small + middle) == set(range(FANOUT - 1, 2 * FANOUT - 1))


@given(st.lists(st.integers(0, BASE * FANOUT ** 5), max_size=40))
def test_no_full_tier_is_left_after_merging(counts):
    """Merged segments leave at most FANOUT - 1 per mergeable tier among the kept ones."""
    chosen = to_merge(counts)
    kept = [c for i, c in enumerate(counts) if i not in chosen]
    for level in range(merging.MAX_TIER):
        assert sum(1 for c in kept if tier(c) == level) < FANOUT


def test_many_small_commits_stay_few_segments_and_lose_nothing(tmp_path):
    """Forty commits of five documents: at most a tier of segments, every document is found."""
    ix = store.create_fresh(str(tmp_path))
    docs = _documents(200)
    for start in range(0, 200, 5):
        writer = store.new_writer(ix)
        for doc in docs[start:start + 5]:
            writer.update_document(**doc)
        writer.commit(mergetype=merging.merge_tiers)
    ix = storage.open_for_reading(str(tmp_path))
    try:
        assert len(ix._segments()) <= FANOUT
        with ix.searcher() as searcher:
            assert searcher.doc_count() == 200
            assert {f["id"] for f in searcher.all_stored_fields()} == {d["id"] for d in docs}
    finally:
        ix.close()
