"""The segment writer of the index: Whoosh's, with a document's postings appended in C and
a leaner ``add_document``.

Whoosh's posting pool estimates the memory of every posting in a Python call, to know when
to spill the sorted postings to a file; writing a work's thirty-odd postings cost more in
those calls than in anything else of ``add_document``. Here the pool's ``add`` seen by
``add_document`` is the list's own ``append``, and the writer counts postings once per
document instead, spilling when the pool holds ``limitmb`` worth of them (at Whoosh's own
estimate per posting). Postings of merged segments still go through the counted ``add``.

``add_document`` does what Whoosh's does for the documents the indexer writes (no per-call
boosts, ``_stored_`` overrides, spelling fields or vectors; anything else is handed to
Whoosh's own), with each field's properties looked up once per writer instead of per call.
``tests/search_index/test_writer.py`` checks the segments are byte for byte Whoosh's.
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
        self._plan = _plan(self.schema)

    def add_document(self, **fields):
        if self._plan is None or any(name.startswith("_") or name not in self._plan for name in fields):
            super().add_document(**fields)
        else:
            self._add_planned(fields)
        if len(self.pool.current) > self._max_pooled:
            self.pool.save()

    def _add_planned(self, fields: dict) -> None:
        self._check_state()
        perdoc, docnum, add_post, plan = self.perdocwriter, self.docnum, self.pool.add, self._plan
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field, indexed, scorable, stored, column = plan[name]
                length = 0
                if indexed:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        add_post((name, tbytes, docnum, weight * 1.0, vbytes))  # Whoosh's boost of 1.0
                perdoc.add_field(name, field, value if stored else None, length)
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader, startdoc, docmap):
        add = self.pool.add_counted
        for item in self._process_posts(reader.iter_postings(), startdoc, docmap):
            add(item)


def _plan(schema) -> dict | None:
    """``{name: (field, indexed, scorable, stored, column type)}``, or None when a field
    needs what only Whoosh's ``add_document`` does (a spelling field, term vectors)."""
    plan = {}
    for name, field in schema.items():
        if field.vector or field.separate_spelling():
            return None
        plan[name] = (field, field.indexed, field.scorable, field.stored, field.column_type)
    return plan
