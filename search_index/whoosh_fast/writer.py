"""The segment writer of the index: Whoosh's, with a document's postings appended in C, a
leaner ``add_document``, and merges that read postings a block at a time.

Whoosh's posting pool estimates the memory of every posting in a Python call, to know when
to spill the sorted postings to a file; writing a work's thirty-odd postings cost more in
those calls than in anything else of ``add_document``. Here the pool's ``add`` seen by
``add_document`` is the list's own ``append``, and the writer counts postings once per
document instead, spilling when the pool holds ``limitmb`` worth of them (at Whoosh's own
estimate per posting). A merged segment's postings are added a posting block at a time and
counted once per term (``add_postings_to_pool``).

``add_document`` does what Whoosh's does for the documents the indexer writes (no per-call
boosts, ``_stored_`` overrides, spelling fields or vectors; anything else is handed to
Whoosh's own), with each field's properties looked up once per writer instead of per call:
a ``DirectTerms`` field's (term, frequency) pairs become postings in one comprehension, an
``ID`` field's value is its one term, a number's terms are computed once per writer and
value. A document's column values (field lengths, sort and facet keys) are kept aside and
handed to the per-document writer in bulk: every ``COLUMN_CHUNK`` documents, before a
merged segment's documents are written, and when the segment is flushed.
``tests/search_index/whoosh_fast/test_writer.py`` checks the segments are byte for byte Whoosh's.
"""
from operator import itemgetter

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.fields import ID, NUMERIC
from whoosh.formats import Existence
from whoosh.system import pack_uint
from whoosh.util.numeric import length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from search_index.whoosh_common.schema import DirectTerms
from search_index.whoosh_fast.codec import CatalogueCodec, PreloadedLengths

# Whoosh's estimate of a pooled posting's size (``PostingPool.add``) for a short term.
POSTING_BYTES = 170
# column values are handed to the per-document writer at least every this many documents
COLUMN_CHUNK = 8192
_UINT = [pack_uint(n) for n in range(64)]  # a term's frequency as Whoosh's Frequency format stores it
_FREQ = itemgetter(1)
_DIRECT, _EXACT = "direct", "exact"


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
        # {column name: (column type, [(docnum, value), ...])} not yet given to the
        # per-document writer, in the order the columns were first written
        self._column_values: dict[str, tuple] = {}

    def add_document(self, **fields):
        # Whoosh's own for any name outside the plan (``_stored_title`` and the like)
        if self._plan is None or not self._plan.keys() >= fields.keys():
            self._write_columns()
            super().add_document(**fields)
        else:
            self._add_planned(fields)
            if self.docnum % COLUMN_CHUNK == 0:
                self._write_columns()
        if len(self.pool.current) > self._max_pooled:
            self.pool.save()

    def _add_planned(self, fields: dict) -> None:
        self._check_state()
        perdoc, docnum, add_post, plan = self.perdocwriter, self.docnum, self.pool.add, self._plan
        values, fieldlengths = self._column_values, perdoc._fieldlengths
        columns = []  # (column name, column type, value) of this document
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field, indexed, scorable, stored, column, lenname, kind, boost, memo = plan[name]
                length = 0
                if kind is _DIRECT and type(value) is str:
                    # DirectTerms: the field's index() without its generator
                    items = field.term_items(value)
                    self.pool.current.extend([(name, term.encode("utf-8"), docnum, freq * boost * 1.0,
                                               _UINT[freq] if freq < 64 else pack_uint(freq))
                                              for term, freq in items])
                    if scorable:
                        length = sum(map(_FREQ, items))
                elif kind is _EXACT and type(value) is str and value:
                    add_post((name, value.encode("utf-8"), docnum, boost * 1.0, b""))  # ID: the value, as is
                elif indexed:
                    cached = memo is not None and type(value) is int
                    postings = memo.get(value) if cached else None
                    if postings is None:
                        postings = list(field.index(value))
                        if cached and len(memo) < 65536:
                            memo[value] = postings
                    for tbytes, freq, weight, vbytes in postings:
                        if scorable:
                            length += freq
                        add_post((name, tbytes, docnum, weight * 1.0, vbytes))  # Whoosh's boost of 1.0
                if stored:
                    perdoc._storedfields[name] = value
                if length:
                    columns.append((lenname, LENGTHS_COLUMN, length_to_byte(length)))
                    fieldlengths[name] += length
                if column:
                    columns.append((name, column, field.to_column_value(value)))
        except Exception:
            perdoc.cancel_doc()
            raise
        for name, column, value in columns:
            pending = values.get(name)
            if pending is None:
                pending = values[name] = (column, [])
            pending[1].append((docnum, value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _write_columns(self) -> None:
        """Hand the column values of the documents added so far to the per-document writer
        (before anything else writes to it, and when the segment is flushed): what its
        ``add_column_value`` does per value, with a numeric column's bytes packed at once."""
        perdoc = self.perdocwriter
        for name, (column, pending) in self._column_values.items():
            if not perdoc._has_column(name):
                perdoc._create_column(name, column)
            writer = perdoc._get_column(name)
            if type(writer) is NumericColumn.Writer:
                _write_numeric(writer, pending)
            else:
                for docnum, value in pending:
                    writer.add(docnum, value)
        self._column_values = {}

    def _flush_segment(self):
        self._write_columns()
        super()._flush_segment()

    def _partial_segment(self):
        self._write_columns()
        return super()._partial_segment()

    def add_reader(self, reader):
        self._write_columns()
        super().add_reader(reader)

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """A merged segment's postings, a posting block at a time (Whoosh walks each term's
        matcher a posting at a time, four calls per posting); deleted documents are left out,
        as Whoosh's matcher leaves them out."""
        terms, schema = getattr(reader, "_terms", None), self.schema
        if terms is None:
            add = self.pool.add_counted
            for item in self._process_posts(reader.iter_postings(), startdoc, docmap):
                add(item)
            return
        for (fieldname, btext), terminfo in terms.items():  # in file order: no hash lookups
            if fieldname not in schema:
                continue
            matcher = terms._codec.postings_reader(terms._postfile, terminfo, schema[fieldname].format,
                                                   term=(fieldname, btext))
            if isinstance(matcher, W3LeafMatcher):
                self._pool_blocks(matcher, fieldname, btext, startdoc, docmap)
            else:
                postings = reader.postings(fieldname, btext)
                while postings.is_active():
                    docnum = postings.id()
                    newdoc = startdoc + docnum if docmap is None else docmap[docnum]
                    self.pool.add_counted((fieldname, btext, newdoc, postings.weight(), postings.value()))
                    postings.next()
            if len(self.pool.current) > self._max_pooled:
                self.pool.save()

    def _pool_blocks(self, matcher, fieldname, btext, startdoc, docmap) -> None:
        current = self.pool.current
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            matcher._read_values()
            block = zip(matcher._ids, matcher._weights, matcher._values)
            if docmap is None:
                current.extend([(fieldname, btext, startdoc + d, w, v) for d, w, v in block])
            else:
                current.extend([(fieldname, btext, docmap[d], w, v) for d, w, v in block if d in docmap])
            matcher._next_block()

    def write_per_doc(self, fieldnames, reader):
        """Whoosh's, with the merged segment's field lengths read once per field (Whoosh looks
        each up per document and field, checking on disk that the length column exists)."""
        perdoc = getattr(reader, "_perdoc", None)
        if perdoc is None or any(self.schema[name].vector for name in fieldnames if name in self.schema):
            return super().write_per_doc(fieldnames, reader)
        lengths = PreloadedLengths(perdoc)
        original = reader.doc_field_length
        reader.doc_field_length = lambda docnum, fieldname, default=0: lengths.doc_field_length(
            docnum, fieldname, default)
        try:
            return super().write_per_doc(fieldnames, reader)
        finally:
            reader.doc_field_length = original


def _plan(schema) -> dict | None:
    """``{name: (field, indexed, scorable, stored, column type, length column, kind, boost,
    memo)}`` (``kind``: ``_DIRECT`` for a field counted by ``schema.DirectTerms``, ``_EXACT``
    for an ``ID`` field indexing its value as one term, else None), or None when a field
    needs what only Whoosh's ``add_document`` does (a spelling field, term vectors)."""
    plan = {}
    for name, field in schema.items():
        if field.vector or field.separate_spelling() or name.startswith("_"):
            return None
        kind = None
        if field.indexed and isinstance(field, DirectTerms):
            kind = _DIRECT
        elif type(field) is ID and type(field.format) is Existence and type(field.analyzer) is IDTokenizer:
            kind = _EXACT
        # a number's terms are the same every time: computed once per writer and value
        memo = {} if type(field) is NUMERIC and field.indexed else None
        plan[name] = (field, field.indexed, field.scorable, field.stored, field.column_type, f"_{name}_len", kind,
                      field.format.field_boost if field.format is not None else None, memo)
    return plan


def _write_numeric(writer, pending: list) -> None:
    """``NumericColumn.Writer.add`` for each ``(docnum, value)``, in one write: a default
    value is skipped, and a gap before a value is filled with the default."""
    pack, default, count, parts = writer._pack, writer._default, writer._count, []
    for docnum, value in pending:
        if value == default:
            continue
        if docnum > count:
            parts.append(writer._defaultbytes * (docnum - count))
        parts.append(pack(value))
        count = docnum + 1
    writer._dbfile.write(b"".join(parts))
    writer._count = count
