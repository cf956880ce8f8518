"""The codec the index is written with: Whoosh's W3 format with larger posting blocks, and a
faster length lookup while a segment is flushed.

* Posting blocks hold up to 1,024 postings instead of 128, uncompressed: a term's postings are
  read a block at a time (``search_index.segments``), so fewer, larger blocks read about twice
  as fast, and writing them costs fewer pickles and no compression. The files are plain W3 files:
  segments record a stock ``W3Codec``, so any Whoosh reader opens them.
* While flushing, Whoosh looks up the field length of every posting's document through the
  new segment's column reader (a file read, and for fields without lengths a ``stat``, per
  posting); here each field's lengths are read once into a list.
"""
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3Segment
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


class PreloadedLengths:
    """A per-document reader whose ``doc_field_length`` answers from lists read once."""

    _MISSING = object()

    def __init__(self, perdoc):
        self._perdoc = perdoc
        self._lengths: dict[str, list | object] = {}

    def __getattr__(self, name):
        return getattr(self._perdoc, name)

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = self._load(fieldname)
        if lengths is self._MISSING:
            return default
        code = lengths[docnum] if docnum < len(lengths) else 0
        return byte_to_length(code) if code else None  # as W3PerDocReader answers

    def _load(self, fieldname):
        lenfield = f"_{fieldname}_len"
        if not self._perdoc.has_column(lenfield):
            return self._MISSING
        return list(self._perdoc.column_reader(lenfield, LENGTHS_COLUMN))
