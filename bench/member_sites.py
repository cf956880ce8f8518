"""Reader throughput (`python -m bench --only bench.member_sites`).

Measures records/s for MARC parsing alone (pymarc decoding, no mapping), for the full MARC21
and MARCXML readers (decode + map + record checks), for CNMARC and for KBART. Synthetic
records (consortium.demo.synthetic) always run; the real files in ../shared/data run too when
present (MARC-8 and UTF-8 Library of Congress/UVa/Evergreen sets).
"""
import io
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
REAL_MARC = ["marc/solrmarc/uva_001_2000.mrc", "marc/evergreen/datasets/jazz_1k.mrc",
             "marc/evergreen/datasets/lul_fre_500.mrc"]


def _rate(func, data: bytes, repeat: int) -> tuple[int, float]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = func(data)
        best = min(best, time.perf_counter() - started)
    return count, count / best if best else 0.0


def _decode_only(data: bytes) -> int:
    from member_sites.readers.marc import chunks, decode_chunk

    return sum(1 for _, chunk in chunks(io.BytesIO(data)) if decode_chunk(chunk, []) is not None)


def _reader(fmt: str):
    from member_sites.readers import read_records

    return lambda data: sum(1 for _ in read_records(io.BytesIO(data), fmt))


def _synthetic_marc(count: int) -> bytes:
    from consortium.demo.synthetic import synthetic_records
    from member_sites.marc_export import write_marc21

    buffer = io.BytesIO()
    write_marc21(synthetic_records(count), buffer)
    return buffer.getvalue()


def _synthetic_marcxml(marc: bytes) -> bytes:
    from pymarc import record_to_xml

    from member_sites.readers.marc import chunks, decode_chunk

    body = b"".join(record_to_xml(decode_chunk(c, []), namespace=True) for _, c in chunks(io.BytesIO(marc)))
    return b'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim">' + body + b"</collection>"


def _row(metric: str, count: int, rate: float, note: str = "") -> dict:
    return {"suite": "member_sites", "metric": f"{metric} ({count:,} records)", "value": rate,
            "unit": "records/s", "note": note}


def run(options) -> list[dict]:
    count = 2000 if options.size == "small" else 20000
    repeat = 1 if options.size == "small" else 3
    marc = _synthetic_marc(count)
    rows = [_row("MARC21 parse only, synthetic UTF-8", *_rate(_decode_only, marc, repeat)),
            _row("MARC21 reader (parse+map+check), synthetic", *_rate(_reader("marc21"), marc, repeat)),
            _row("MARCXML reader, synthetic", *_rate(_reader("marcxml"), _synthetic_marcxml(marc), repeat))]
    for name in REAL_MARC if SHARED.is_dir() else []:
        data = (SHARED / name).read_bytes()
        short = name.rsplit("/", 1)[-1]
        rows.append(_row(f"MARC21 parse only, {short}", *_rate(_decode_only, data, repeat), "real file"))
        rows.append(_row(f"MARC21 reader, {short}", *_rate(_reader("marc21"), data, repeat), "real file"))
    kbart = SHARED / "kbart/gokb/ebooks_askews_KB_20151028145707.csv"
    if kbart.exists():
        rows.append(_row("KBART reader, Askews ebooks", *_rate(_reader("kbart"), kbart.read_bytes(), 1), "real file"))
    return rows
