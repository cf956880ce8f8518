"""The catalogue's segment writer writes the same bytes as Whoosh's own writer: documents,
a term spanning several posting blocks, postings spilled to files, and merged segments."""
import os
import re

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from search_index.whoosh_common import storage
from search_index.whoosh_fast import store
from search_index.whoosh_fast import writer as writer_module
from search_index.whoosh_fast.codec import BLOCK_LIMIT, COMPRESSION, CatalogueFieldWriter, CataloguePerDocWriter
from search_index.whoosh_fast.writer import CatalogueWriter
from tests.search_index.corpus import whoosh_documents as _documents


def _stock_writer(ix, **kwargs):
    """Whoosh's writer and W3 codec with the catalogue's block size and compression."""
    return SegmentWriter(ix, codec=W3Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION), **kwargs)


def _write(path, make_writer, batches, *, merge_at_end=False, **kwargs) -> dict[str, bytes]:
    ix = store.create_fresh(str(path))
    for docs in batches:
        writer = make_writer(ix, compound=False, **kwargs)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit(merge=False)
    if merge_at_end:
        make_writer(ix, compound=False, **kwargs).commit(optimize=True)
    ix.close()
    return _segment_files(path)


def _segment_files(path) -> dict[str, bytes]:
    """Each segment file's bytes under its name with the random segment id replaced by its
    position (the order of the ids in the directory listing is the same for both writers)."""
    files = sorted(f for f in os.listdir(path)
                   if not f.endswith(".toc") and not f.endswith("LOCK") and f != storage.STAMP_FILE)
    ids = list(dict.fromkeys(re.match(r"works_(\w+?)[._]", f).group(1) for f in files))
    positions = {segment: str(n) for n, segment in enumerate(ids)}
    out = {}
    for name in files:
        segment = re.match(r"works_(\w+?)[._]", name).group(1)
        with open(os.path.join(path, name), "rb") as handle:
            out[name.replace(segment, positions[segment])] = handle.read()
    # The stored fields are compared by their documents: the catalogue deflates them at
    # level 0 (``codec.STORED_COLUMN``), Whoosh at level 3.
    ix = storage.open_for_reading(str(path))
    for segment in ix._segments():
        reader = SegmentReader(ix.storage, ix.schema, segment)
        key = f"works_{positions[segment.segment_id().split('_', 1)[1]]}._stored.col"
        assert out.pop(key)
        out[key + " (documents)"] = repr([reader.stored_fields(n) for n in range(segment.doc_count_all())]).encode()
        reader.close()
    ix.close()
    return out


def _same_files(ours: dict[str, bytes], stock: dict[str, bytes]) -> None:
    assert ours and _differing(ours, stock) == []


def _differing(ours: dict[str, bytes], stock: dict[str, bytes]) -> list[str]:
    """Names of the files that are not in both or differ."""
    return sorted(name for name in set(ours) | set(stock) if ours.get(name) != stock.get(name))


def test_documents_are_written_byte_for_byte_as_whoosh_writes_them(tmp_path):
    writer = CatalogueWriter(store.create_fresh(str(tmp_path / "plan")))
    assert writer._plan is not None  # the catalogue's documents take the writer's own path
    assert isinstance(writer.fieldwriter, CatalogueFieldWriter)  # and the codec's own posting writer
    assert isinstance(writer.perdocwriter, CataloguePerDocWriter)
    writer.cancel()
    docs = _documents(BLOCK_LIMIT + 100)  # the commonest tag terms span two blocks
    _same_files(_write(tmp_path / "ours", CatalogueWriter, [docs]), _write(tmp_path / "stock", _stock_writer, [docs]))


def test_postings_spilled_to_files_are_written_the_same(tmp_path):
    docs = _documents(1200)
    ours = CatalogueWriter
    ours_files = _write(tmp_path / "ours", lambda ix, **kw: _spilling(ours(ix, **kw)), [docs])
    assert ours_files and _differing(ours_files, _write(tmp_path / "stock", _stock_writer, [docs])) == []


def _gappy_documents(count: int) -> list[dict]:
    """Documents where some fields are missing or hold their column's default (no year, no
    ISBN or CLC, an unknown acquisition date), so columns have gaps to fill."""
    docs = _documents(count)
    for n, doc in enumerate(docs):
        if n % 7 == 0:
            doc.pop("year", None)
        if n % 5 == 0:
            doc.pop("isbn", None)
            doc.pop("clc", None)
        if n % 3 == 0:
            doc["acquired"] = 0
    return docs


@pytest.mark.parametrize("chunk", [writer_module.COLUMN_CHUNK, 97])
def test_column_values_with_gaps_are_written_the_same(tmp_path, monkeypatch, chunk):
    """Column values reach the per-document writer in chunks (every ``COLUMN_CHUNK``
    documents and at the flush); a default value is skipped and a gap filled as Whoosh does."""
    monkeypatch.setattr(writer_module, "COLUMN_CHUNK", chunk)
    docs = _gappy_documents(400)
    assert any("year" not in doc for doc in docs) and any(doc["acquired"] == 0 for doc in docs)
    _same_files(_write(tmp_path / "ours", CatalogueWriter, [docs]), _write(tmp_path / "stock", _stock_writer, [docs]))


def test_stored_fields_are_deflated_at_level_0(tmp_path):
    docs = _documents(50)
    _write(tmp_path, CatalogueWriter, [docs])
    (name,) = [n for n in os.listdir(tmp_path) if n.endswith("._stored.col")]
    with open(tmp_path / name, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"\x78\x01")  # zlib's header for level 0
    ix = storage.open_for_reading(str(tmp_path))
    with ix.searcher() as searcher:
        assert [searcher.stored_fields(n)["payload"] for n in range(50)] == [d["payload"] for d in docs]
    ix.close()


def _spilling(writer: CatalogueWriter) -> CatalogueWriter:
    writer._max_pooled = 5_000  # about 170 documents' postings per run
    return writer


def test_spilling_writes_runs(tmp_path):
    ix = store.create_fresh(str(tmp_path))
    writer = _spilling(CatalogueWriter(ix))
    for doc in _documents(600):
        writer.add_document(**doc)
    assert len(writer.pool.runs) >= 3 and len(writer.pool.current) <= 5_000 + 100
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 600


def test_merged_segments_are_written_the_same(tmp_path):
    batches = [_documents(400, start) for start in (0, 400, 800)]
    ours = _write(tmp_path / "ours", CatalogueWriter, batches, merge_at_end=True)
    stock = _write(tmp_path / "stock", _stock_writer, batches, merge_at_end=True)
    _same_files(ours, stock)
    assert len({name.split(".")[0].split("_")[1] for name in ours}) == 1  # one merged segment left


def test_merging_segments_with_deleted_documents_writes_the_same(tmp_path):
    """Updates delete documents of earlier segments; the merge leaves them out, renumbers the
    rest and reads lengths, stored fields and columns the same way Whoosh does."""
    batches = [_documents(300, 0), _documents(300, 300), _documents(120, 100)]  # the third replaces 120

    def write(path, make_writer):
        ix = store.create_fresh(str(path))
        for docs in batches:
            writer = make_writer(ix, compound=False)
            for doc in docs:
                writer.update_document(**doc)
            writer.commit(merge=False)
        assert any(segment.has_deletions() for segment in ix._segments())
        make_writer(ix, compound=False).commit(optimize=True)
        ix.close()
        return _segment_files(path)

    ours, stock = write(tmp_path / "ours", CatalogueWriter), write(tmp_path / "stock", _stock_writer)
    _same_files(ours, stock)
    ix = storage.open_for_reading(str(tmp_path / "ours"))
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == searcher.doc_count() == 600
    ix.close()


@pytest.mark.parametrize("limitmb", [1, 128])
def test_the_pool_limit_counts_postings(tmp_path, limitmb):
    ix = store.create_fresh(str(tmp_path))
    writer = CatalogueWriter(ix, limitmb=limitmb)
    assert writer._max_pooled == limitmb * 1024 * 1024 // 170
    writer.cancel()


def test_storage_makes_and_removes_directories_that_exist_or_are_gone(tmp_path):
    storage = store.CatalogueStorage(str(tmp_path / "ix")).create()
    assert storage.create() is storage  # already there
    first, second = storage.temp_storage("works.tmp"), storage.temp_storage("works.tmp")
    first.destroy()
    second.destroy()  # already gone
    assert os.listdir(tmp_path / "ix") == []


def test_writing_batches_leaves_no_exception_cycles(tmp_path):
    """Whoosh keeps a caught exception in a local variable when a directory exists, tying
    the writer's frames (and a batch's postings) into a cycle only the collector frees."""
    import gc

    ix = store.create_fresh(str(tmp_path))
    docs = _documents(20)
    gc.collect()
    gc.disable()
    try:
        for _ in range(2):
            writer = store.new_writer(ix)
            for doc in docs:
                writer.update_document(**doc)
            writer.commit()
        del writer
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    ix.close()
    assert "traceback" not in kinds and "frame" not in kinds
