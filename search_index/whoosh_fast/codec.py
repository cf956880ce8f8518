"""The codec the index is written with: Whoosh's W3 format with larger posting blocks, a
faster length lookup while a segment is flushed, and postings written a term at a time.

* Posting blocks hold up to 1,024 postings instead of 128, uncompressed: a term's postings are
  read a block at a time (``whoosh_fast.segments``), so fewer, larger blocks read about twice
  as fast, and writing them costs fewer pickles and no compression. The files are plain W3 files:
  segments record a stock ``W3Codec``, so any Whoosh reader opens them.
* Stored fields (a work's id and result body) are deflated at level 0, not 3: zlib's set-up
  for each document's few hundred bytes cost more than anything else of writing them. The
  stored-fields column grows from ~350 to ~600 bytes a work.
* While flushing, Whoosh looks up the field length of every posting's document through the
  new segment's column reader (a file read, and for fields without lengths a ``stat``, per
  posting); here each field's lengths are read once into a list.
* Whoosh's field writer takes postings one call at a time (four calls and a length lookup
  per posting); ``CatalogueFieldWriter`` takes a term's postings together and fills each
  block at once. The bytes written are the same (``tests/search_index/whoosh_fast/test_writer.py``).
"""
import struct
from array import array
from hashlib import md5
from itertools import groupby
from operator import itemgetter, sub
from pickle import dumps

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PerDocWriter,
    W3Segment,
    W3TermInfo,
)
from whoosh.columns import CompressedBytesColumn, NumericColumn, PickleColumn
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

BLOCK_LIMIT = 1024
# Blocks are stored uncompressed: most are a few postings, where zlib saves little and
# costs a call per block when writing and reading.
COMPRESSION = 0


class CatalogueCodec(W3Codec):
    def __init__(self):
        super().__init__(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)

    def new_segment(self, storage, indexname):
        return W3Segment(W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION), indexname)

    def per_document_writer(self, storage, segment):
        return CataloguePerDocWriter(self, storage, segment)

    def field_writer(self, storage, segment):
        return CatalogueFieldWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return PreloadedLengths(super().per_document_reader(storage, segment))


# W3's stored-fields column (a pickle per document, deflated) with level 0 deflate: zlib at
# any other level costs ~28 µs per document of ~600 bytes (setting up its tables), level 0
# under 4 µs; every W3 reader inflates it (``zlib.decompress`` reads any level).
STORED_COLUMN = PickleColumn(CompressedBytesColumn(level=0))


class CataloguePerDocWriter(W3PerDocWriter):
    """W3's per-document writer with the stored fields deflated at level 0."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        del self._colwriters["_stored"]  # its empty stream is replaced by the next line's
        self._create_column("_stored", STORED_COLUMN)


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
        reader = self._perdoc.column_reader(lenfield, LENGTHS_COLUMN)
        if type(reader) is NumericColumn.Reader and reader._typecode == "B" and reader._default == 0:
            # one byte a document, the documents after the last length at 0: the bytes as read
            codes = list(reader._dbfile.get(reader._basepos, reader._count))
            return codes + [0] * (reader._doccount - len(codes))
        return list(reader)


_FIELD, _TERM, _DOCNUM, _WEIGHT = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_TERMINFO = W3TermInfo._struct.pack
# what ``W3TermInfo.to_bytes`` stores for a length byte read back as a length
_LENGTH_BYTE = [length_to_byte(byte_to_length(code)) for code in range(256)]
_ROW_HEAD = struct.Struct("!ii").pack  # ``filetables._lengths``: a row's key and value lengths
# written to the files at least this often while a field's terms are written
_FLUSH_BYTES = 1 << 22


class CatalogueFieldWriter(W3FieldWriter):
    """W3's field writer, given a term's postings at once when the lengths are preloaded.

    ``_write_term`` writes what ``start_term``, an ``add`` per posting and ``finish_term``
    write (W3's posting blocks: a header, then per block its length, a pickled info tuple
    and the pickled ids, weights and values; a term-info row in the terms file). A field's
    posting lists and terms-file rows are gathered and written a few megabytes at a time
    (``_Rows``), with the offsets Whoosh would have read from the files.
    """

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        tindex = self._tindex
        tindex._write_hashes = lambda: _write_hashes(tindex)

    def add_postings(self, schema, lengths, items):
        if not isinstance(lengths, PreloadedLengths) or self._codec._compression:
            return super().add_postings(schema, lengths, items)
        for fieldname, field_items in groupby(items, _FIELD):
            self.start_field(fieldname, schema[fieldname])
            codes = lengths.length_codes(fieldname)
            fixed = self._format.fixed_value_size()
            rows = _Rows(self._postfile, self._tindex, pack_ushort(self._fieldid))
            for btext, postings in groupby(field_items, _TERM):
                postings = list(postings)
                if postings[0][2] == -1:  # Whoosh's spelling-word markers (docnum -1) sort first
                    postings = [p for p in postings if p[2] != -1]
                if len(postings) == 1:
                    self._write_single(rows, btext, postings[0], codes, fixed)
                elif postings:
                    self._write_term(rows, btext, postings, codes, fixed)
            rows.flush()
            self.finish_field()

    def _write_term(self, rows, btext: bytes, postings: list, codes, fixed) -> None:
        info = W3TermInfo()
        parts = [WHOOSH3_HEADER_MAGIC]
        limit = self._codec._blocklimit
        known = len(codes) if codes is not None else 0
        for start in range(0, len(postings), limit):
            block = postings[start:start + limit]
            ids = list(map(_DOCNUM, block))
            raw_weights = list(map(_WEIGHT, block))
            weights = array("f", raw_weights)
            maxweight = max(0, max(raw_weights))
            present = [codes[d] for d in ids if d < known and codes[d]] if codes is not None else []
            low, high = (min(present), max(present)) if present else (0, 0)
            values = [p[4] for p in block if p[4]]
            data = dumps((_deltas(ids), _mini_weights(weights), _mini_values(values, fixed)), 2)
            head = dumps((len(ids), ids[-1], maxweight, 0, low, high), 2)
            last = start + limit >= len(postings)
            parts += [pack_int(-(len(head) + len(data)) if last else len(head) + len(data)), head, data]
            _add_block(info, weights, len(ids), byte_to_length(low) if low else None,
                       byte_to_length(high), maxweight, ids[0], ids[-1])
        blob = b"".join(parts)
        info.set_extent(rows.offset, len(blob))
        rows.add(btext, info.to_bytes(), blob)

    def _write_single(self, rows, btext: bytes, posting: tuple, codes, fixed) -> None:
        """``_write_term`` for a term of one posting: most terms of a batch (a work's id and
        ISBNs, its rarer words). Its term info is packed as ``W3TermInfo.to_bytes`` packs
        the one block's figures."""
        docnum, weight, vbytes = posting[2], posting[3], posting[4]
        rounded = array("f", (weight,))[0]  # what the block's float32 weights hold
        code = codes[docnum] if codes is not None and docnum < len(codes) else 0
        values = _mini_values([vbytes] if vbytes else [], fixed)
        data = dumps(((docnum,), None if rounded == 1.0 else rounded, values), 2)
        maxweight = weight if weight > 0 else 0
        head = dumps((1, docnum, maxweight, 0, code, code), 2)
        blob = WHOOSH3_HEADER_MAGIC + pack_int(-(len(head) + len(data))) + head + data
        info = _TERMINFO(0, rounded, 1, _LENGTH_BYTE[code] if code else 0, _LENGTH_BYTE[code], maxweight,
                         docnum, docnum) + pack_long(rows.offset) + pack_int(len(blob))
        rows.add(btext, info, blob)


class _Rows:
    """A field's posting lists and terms-file rows on their way to the files: what
    ``postfile.write`` and ``OrderedHashWriter.add`` do per term, with one write per few
    megabytes (the rows' positions and hashes computed as Whoosh computes them)."""

    def __init__(self, postfile, tindex, prefix: bytes):
        self._postfile, self._tindex, self._prefix = postfile, tindex, prefix
        self.offset = postfile.tell()  # where the next posting list starts
        self._row_pos = tindex.dbfile.tell()
        self._blobs, self._rows, self._size = [], [], 0
        self._md5 = tindex.hashfn is md5_hash

    def add(self, btext: bytes, value: bytes, blob: bytes) -> None:
        key = self._prefix + btext
        self._blobs.append(blob)
        self._rows.append((key, value))
        self.offset += len(blob)
        self._size += len(blob) + len(key) + len(value)
        if self._size >= _FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        self._postfile.write(b"".join(self._blobs))
        tindex = self._tindex
        pos, parts, buckets, append, last = self._row_pos, [], tindex.buckets, tindex.index.append, tindex.lastkey
        for key, value in self._rows:
            if key <= last:
                raise ValueError(f"Keys must increase: {last!r}..{key!r}")
            last = key
            append(pos)
            h = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big") if self._md5 \
                else tindex.hashfn(key)
            buckets[h & 255].append((h, pos))
            parts += (_ROW_HEAD(len(key), len(value)), key, value)
            pos += 8 + len(key) + len(value)
        tindex.dbfile.write(b"".join(parts))
        tindex.lastkey, self._row_pos = last, pos
        self._blobs, self._rows, self._size = [], [], 0


def _write_hashes(tindex) -> None:
    """``HashWriter._write_hashes``: each of the 256 buckets' open-addressing table of
    ``(hash, position)`` slots (twice as many slots as keys, linear probing, empty slots
    ``(0, 0)``), packed in one call per bucket instead of one per slot."""
    dbfile = tindex.dbfile
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((dbfile.tell(), numslots))
        if not numslots:
            continue
        table = [None] * numslots
        for entry in entries:
            slot = (entry[0] >> 8) % numslots
            while table[slot] is not None:
                slot = (slot + 1) % numslots
            table[slot] = entry
        flat = []
        for entry in table:
            flat.extend(entry or (0, 0))
        dbfile.write(struct.pack("!" + "Iq" * numslots, *flat))


def _deltas(ids: list) -> tuple:
    return tuple(map(sub, ids, [0] + ids[:-1]))


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
