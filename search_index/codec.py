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
from pickle import dumps

from whoosh.codec.whoosh3 import (LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3Segment,
                                 W3TermInfo)
from whoosh.system import pack_int, pack_ushort
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
    """W3's field writer, given a term's postings at once when the lengths are preloaded.

    ``_write_term`` writes what ``start_term``, an ``add`` per posting and ``finish_term``
    write (W3's posting blocks: a header, then per block its length, a pickled info tuple
    and the pickled ids, weights and values; a term-info row in the terms file), with the
    blocks joined in one write.
    """

    def add_postings(self, schema, lengths, items):
        if not isinstance(lengths, PreloadedLengths) or self._codec._compression:
            return super().add_postings(schema, lengths, items)
        for fieldname, field_items in groupby(items, _FIELD):
            self.start_field(fieldname, schema[fieldname])
            codes = lengths.length_codes(fieldname)
            fixed = self._format.fixed_value_size()
            for btext, postings in groupby(field_items, _TERM):
                postings = [p for p in postings if p[2] != -1]  # -1: Whoosh's spelling-word marker
                if postings:
                    self._write_term(btext, postings, codes, fixed)
            self.finish_field()

    def _write_term(self, btext: bytes, postings: list, codes, fixed) -> None:
        if len(postings) == 1:
            return self._write_single(btext, postings[0], codes, fixed)
        info = W3TermInfo()
        parts = [WHOOSH3_HEADER_MAGIC]
        limit = self._codec._blocklimit
        for start in range(0, len(postings), limit):
            block = postings[start:start + limit]
            ids = [p[2] for p in block]
            weights = array("f", [p[3] for p in block])
            maxweight = max(0, max(p[3] for p in block))
            present = [codes[d] for d in ids if d < len(codes) and codes[d]] if codes is not None else []
            low, high = (min(present), max(present)) if present else (0, 0)
            values = [p[4] for p in block if p[4]]
            data = dumps((_deltas(ids), _mini_weights(weights), _mini_values(values, fixed)), 2)
            head = dumps((len(ids), ids[-1], maxweight, 0, low, high), 2)
            last = start + limit >= len(postings)
            parts += [pack_int(-(len(head) + len(data)) if last else len(head) + len(data)), head, data]
            _add_block(info, weights, len(ids), byte_to_length(low) if low else None,
                       byte_to_length(high), maxweight, ids[0], ids[-1])
        self._finish_term(btext, info, b"".join(parts))

    def _write_single(self, btext: bytes, posting: tuple, codes, fixed) -> None:
        """``_write_term`` for a term of one posting: most terms of a batch (a work's id and
        ISBNs, its rarer words)."""
        docnum, weight, vbytes = posting[2], posting[3], posting[4]
        rounded = array("f", (weight,))[0]  # what the block's float32 weights hold
        code = codes[docnum] if codes is not None and docnum < len(codes) else 0
        values = _mini_values([vbytes] if vbytes else [], fixed)
        data = dumps(((docnum,), None if rounded == 1.0 else rounded, values), 2)
        head = dumps((1, docnum, max(0, weight), 0, code, code), 2)
        info = W3TermInfo()
        _add_block(info, (rounded,), 1, byte_to_length(code) if code else None, byte_to_length(code),
                   max(0, weight), docnum, docnum)
        self._finish_term(btext, info, WHOOSH3_HEADER_MAGIC + pack_int(-(len(head) + len(data))) + head + data)

    def _finish_term(self, btext: bytes, info, blob: bytes) -> None:
        info.set_extent(self._postfile.tell(), len(blob))
        self._postfile.write(blob)
        self._tindex.add(pack_ushort(self._fieldid) + btext, info.to_bytes())


def _deltas(ids: list) -> tuple:
    return tuple(b - a for a, b in zip([0] + ids[:-1], ids))


def _mini_weights(weights: array):
    """``W3PostingsWriter._mini_weights``: None when all are 1.0, one value when all agree."""
    first = weights[0]
    if all(w == 1.0 for w in weights):
        return None
    if all(w == first for w in weights):
        return first
    return tuple(weights)


def _mini_values(values: list, fixed):
    """``W3PostingsWriter._mini_values`` for the format's fixed value size."""
    if fixed is None or fixed < 0:
        return tuple(values)
    if fixed == 0:
        return None
    return b"".join(values)


def _add_block(info, weights, count, minlength, maxlength, maxweight, first_id, last_id) -> None:
    """``W3TermInfo.add_block`` from a block's figures."""
    info._weight += sum(weights)
    info._df += count
    info._minlength = minlength if info._minlength is None else min(info._minlength, minlength)
    info._maxlength = max(info._maxlength, maxlength)
    info._maxweight = max(info._maxweight, maxweight)
    if info._minid is None:
        info._minid = first_id
    info._maxid = last_id
