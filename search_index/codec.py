"""The codec the index is written with: Whoosh's W3 format with larger posting blocks, a
faster length lookup while a segment is flushed, and postings written a term at a time.

* Posting blocks hold up to 1,024 postings instead of 128, uncompressed: a term's postings are
  read a block at a time (``search_index.segments``), so fewer, larger blocks read about twice
  as fast, and writing them costs fewer pickles and no compression. The files are plain W3 files:
  segments record a stock ``W3Codec``, so any Whoosh reader opens them.
* While flushing, Whoosh looks up the field length of every posting's document through the
  new segment's column reader (a file read, and for fields without lengths a ``stat``, per
  posting); here each field's lengths are read once into a list.
* Whoosh's field writer takes postings one call at a time (four calls and a length lookup
  per posting); ``CatalogueFieldWriter`` takes a term's postings together and fills each
  block at once. The bytes written are the same (``tests/search_index/test_writer.py``).
"""
from array import array
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3Segment
from whoosh.util.numeric import byte_to_length

BLOCK_LIMIT = 1024
# Blocks are stored uncompressed: most are a few postings, where zlib saves little and
# costs a call per block when writing and reading.
COMPRESSION = 0


class CatalogueCodec(W3Codec):
    def __init__(self):
        super().__init__(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION), indexname)

    def per_document_reader(self, storage, segment):
        return PreloadedLengths(super().per_document_reader(storage, segment))

    def field_writer(self, storage, segment):
        return CatalogueFieldWriter(self, storage, segment)


class PreloadedLengths:
    """A per-document reader whose ``doc_field_length`` answers from lists read once."""

    _MISSING = object()

    def __init__(self, perdoc):
        self._perdoc = perdoc
        self._lengths: dict[str, list | object] = {}

    def __getattr__(self, name):
        return getattr(self._perdoc, name)

    def length_codes(self, fieldname):
        """The field's length byte per document (0: none), or None for a field without lengths."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = self._load(fieldname)
        return None if lengths is self._MISSING else lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.length_codes(fieldname)
        if lengths is None:
            return default
        code = lengths[docnum] if docnum < len(lengths) else 0
        return byte_to_length(code) if code else None  # as W3PerDocReader answers

    def _load(self, fieldname):
        lenfield = f"_{fieldname}_len"
        if not self._perdoc.has_column(lenfield):
            return self._MISSING
        return list(self._perdoc.column_reader(lenfield, LENGTHS_COLUMN))


_FIELD, _TERM = itemgetter(0), itemgetter(1)


class CatalogueFieldWriter(W3FieldWriter):
    """W3's field writer, given a term's postings at once when the lengths are preloaded."""

    def add_postings(self, schema, lengths, items):
        if not isinstance(lengths, PreloadedLengths):
            return super().add_postings(schema, lengths, items)
        for fieldname, field_items in groupby(items, _FIELD):
            self.start_field(fieldname, schema[fieldname])
            codes = lengths.length_codes(fieldname)
            for btext, postings in groupby(field_items, _TERM):
                postings = [p for p in postings if p[2] != -1]  # -1: Whoosh's spelling-word marker
                if postings:
                    self.start_term(btext)
                    self._add_term_postings(postings, codes)
                    self.finish_term()
            self.finish_field()

    def _add_term_postings(self, postings: list, codes) -> None:
        """What ``add_posting`` per posting leaves in the postings writer, a block at a time:
        full blocks are written, the last one stays for ``finish_term``."""
        writer = self._postwriter
        limit = writer._blocklimit
        for start in range(0, len(postings), limit):
            if start:
                writer._write_block()
            block = postings[start:start + limit]
            ids = [p[2] for p in block]
            weights = [p[3] for p in block]
            writer._ids = array("I", ids)
            writer._weights = array("f", weights)
            writer._values = [p[4] for p in block if p[4]]
            writer._maxweight = max(0, max(weights))
            present = [codes[d] for d in ids if d < len(codes) and codes[d]] if codes is not None else []
            writer._minlength = byte_to_length(min(present)) if present else None
            writer._maxlength = byte_to_length(max(present)) if present else 0

