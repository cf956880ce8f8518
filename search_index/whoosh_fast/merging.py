"""When the incremental writer merges segments: tiers by size, merged eight at a time.

Each indexer commit writes a small segment. Whoosh's default policy (``MERGE_SMALL``) merges
small segments at almost every commit, so a work pushed once is rewritten many times while
the catalogue grows (a third of the indexer's time at a thousand works per second). Here a
segment belongs to tier ``k`` when it holds fewer than ``BASE * FANOUT**k`` documents (live
and deleted); when a tier has ``FANOUT`` segments they are merged into the segment being
written, which lands in a higher tier. Each document is rewritten about once per tier —
three times on the way to a million — and a search sees at most ``FANOUT - 1`` segments per
tier besides the rebuild's large ones.
"""
from whoosh.reading import SegmentReader

BASE = 4_000
FANOUT = 8
MAX_TIER = 4  # segments of BASE * FANOUT**4 (16 million) documents and more are never merged


def tier(doc_count: int) -> int:
    """The tier of a segment of ``doc_count`` documents (pure)."""
    level, limit = 0, BASE
    while doc_count >= limit and level < MAX_TIER:
        level, limit = level + 1, limit * FANOUT
    return level


def to_merge(doc_counts: list[int]) -> set[int]:
    """Indexes of the segments to merge: every full tier below ``MAX_TIER`` (pure)."""
    tiers: dict[int, list[int]] = {}
    for index, count in enumerate(doc_counts):
        tiers.setdefault(tier(count), []).append(index)
    merge: set[int] = set()
    for level, members in tiers.items():
        if level < MAX_TIER and len(members) >= FANOUT:
            merge.update(members)
    return merge


def merge_tiers(writer, segments):
    """A Whoosh merge policy: add full tiers' segments to the new one, keep the others."""
    chosen = to_merge([segment.doc_count_all() for segment in segments])
    kept = []
    for index, segment in enumerate(segments):
        if index in chosen:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return kept
