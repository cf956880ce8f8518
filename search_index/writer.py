"""The segment writer of the index: Whoosh's, with a document's postings appended in C.

Whoosh's posting pool estimates the memory of every posting in a Python call, to know when
to spill the sorted postings to a file; writing a work's thirty-odd postings cost more in
those calls than in anything else of ``add_document``. Here the pool's ``add`` seen by
``add_document`` is the list's own ``append``, and the writer counts postings once per
document instead, spilling when the pool holds ``limitmb`` worth of them (at Whoosh's own
estimate per posting). Postings of merged segments still go through the counted ``add``.
"""
from whoosh.writing import PostingPool, SegmentWriter

from search_index.codec import CatalogueCodec

# Whoosh's estimate of a pooled posting's size (``PostingPool.add``) for a short term.
POSTING_BYTES = 170


class FreshPool(PostingPool):
    """A posting pool whose ``add`` is ``list.append``; ``add_counted`` is Whoosh's ``add``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add = self.current.append

    def add_counted(self, item):
        PostingPool.add(self, item)

    def save(self):
        super().save()
        self.add = self.current.append  # save() starts a new list


class CatalogueWriter(SegmentWriter):
    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, codec=kwargs.pop("codec", None) or CatalogueCodec(), **kwargs)
        self.pool = FreshPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._max_pooled = max(1, limitmb * 1024 * 1024 // POSTING_BYTES)

    def add_document(self, **fields):
        super().add_document(**fields)
        if len(self.pool.current) > self._max_pooled:
            self.pool.save()

    def add_postings_to_pool(self, reader, startdoc, docmap):
        add = self.pool.add_counted
        for item in self._process_posts(reader.iter_postings(), startdoc, docmap):
            add(item)
