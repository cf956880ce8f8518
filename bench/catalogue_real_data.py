"""Load the real bibliographic data as a consortium would and look at what merged.

``python -m bench.catalogue_real_data [--data ../shared/data] [--db PATH] [--sample 40]``

The load (issue #14): every MARC file of ``marc/`` (binary and MARCXML) read by
``member_sites``' readers and the files dealt round-robin to four members; the 51 KBART
lists dealt to the same four; 20,000 Chinese book records made from the Douban lists as two
members' CSV exports sharing 30% of their books, 300 of the shared ones written in
traditional script. Everything goes through the catalogue service (batches of 1,000) into a
SQLite file. It prints the rejected/accepted counts, how many works hold records of more
than one member, the matching evidence of every joined holding, and a random sample of merges
(a holding that joined a work holding some other record) to be judged by hand. Not part of
``make bench``: it needs the shared data, which only developers have.
"""
import argparse
import csv
import json
import random
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

MEMBERS = ("M1", "M2", "M3", "M4")
CHINESE = ("C1", "C2")
MARC_SUFFIXES = {".mrc": "marc21", ".marc": "marc21", ".dat": "marc21", ".xml": "marcxml", ".mrx": "marcxml",
                 ".marcxml": "marcxml"}


def marc_files(data: Path) -> list[tuple[Path, str]]:
    return [(p, MARC_SUFFIXES[p.suffix.lower()]) for p in sorted((data / "marc").rglob("*"))
            if p.is_file() and p.suffix.lower() in MARC_SUFFIXES]


def kbart_files(data: Path) -> list[Path]:
    return [p for p in sorted((data / "kbart").rglob("*")) if p.is_file() and p.name != "MANIFEST.md"
            and not p.name.endswith("_stats.tsv")]


def read_file(path: Path, fmt: str) -> list[dict]:
    from member_sites.readers import read_records

    with open(path, "rb") as stream:
        try:
            return [r.record for r in read_records(stream, fmt) if r.record is not None]
        except Exception as exc:  # a reader that gives up on a file: count it, go on
            print(f"   reading {path.name} stopped: {exc!r}", file=sys.stderr)
            return []


def chinese_records(data: Path, total: int = 20000, share: float = 0.3, traditional: int = 300):
    """Two members' exports of ``total`` records in all, ``share`` of each member's books held by both."""
    import opencc

    t2 = opencc.OpenCC("s2t")
    books, seen = [], set()
    with open(data / "chinese_books" / "douban30000" / "douban_tag_lists.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["douban_subject_id"] in seen or not row["title"].strip():
                continue
            seen.add(row["douban_subject_id"])
            books.append(row)
    per_member = total // 2
    shared = int(per_member * share)
    first = books[:per_member]
    second = books[per_member - shared:2 * per_member - shared]
    records = {"C1": [_douban(b, "c1") for b in first], "C2": [_douban(b, "c2") for b in second]}
    for record in records["C2"][:traditional]:  # shared books, in traditional script
        record["title"] = t2.convert(record["title"])
        record["authors"] = [t2.convert(a) for a in record["authors"]]
    return records


def _douban(row: dict, prefix: str) -> dict:
    import re

    year = re.match(r"\s*(\d{4})", row.get("pubdate_guess") or "")
    author = re.sub(r"^[\[【(（].*?[\]】)）]\s*", "", row.get("author_guess") or "").strip()
    return {"local_id": f"{prefix}-{row['douban_subject_id']}", "title": row["title"].strip(),
            "authors": [author] if author else [], "publisher": (row.get("publisher_guess") or "").strip() or None,
            "year": int(year.group(1)) if year and 1000 <= int(year.group(1)) <= 2030 else None,
            "language": "zh", "format": "book"}


def load(data: Path, db: Path) -> dict:
    from consortium import create_app
    from consortium.accounts import service as accounts
    from consortium.catalogue.service import ingest_batch
    from consortium.db import get_engine, new_session
    from consortium.db.migrate import upgrade

    app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False,
                      "CONSORTIUM_DATABASE_URL": f"sqlite:///{db}"}, instance_path=str(db.parent))
    upgrade(get_engine(app))
    exports: dict[str, list[dict]] = defaultdict(list)
    for i, (path, fmt) in enumerate(marc_files(data)):
        exports[MEMBERS[i % 4]].extend(read_file(path, fmt))
    for i, path in enumerate(kbart_files(data)):
        exports[MEMBERS[i % 4]].extend(read_file(path, "kbart"))
    exports.update(chinese_records(data))
    counts = Counter()
    with new_session(app) as session:
        for code in (*MEMBERS, *CHINESE):
            member = accounts.add_member(session, code, f"馆 {code}")
            records = exports[code]
            for start in range(0, len(records), 1000):
                result = ingest_batch(session, member, records[start:start + 1000], source="import")
                counts["accepted"] += result.accepted
                counts["rejected"] += len(result.rejected)
            counts["read"] += len(records)
    return {"app": app, "counts": counts}


def merges(app) -> list[dict]:
    """Every holding that shares its work with another holding: (holding, the work's others)."""
    from sqlmodel import select

    from consortium.accounts.models import Member
    from consortium.catalogue.models import Holding
    from consortium.db import new_session

    with new_session(app) as session:
        codes = {m.id: m.code for m in session.exec(select(Member)).all()}
        by_work = defaultdict(list)
        for h in session.exec(select(Holding).order_by(Holding.id)).all():
            by_work[h.work_id].append(h)
    out = []
    for work_id, holdings in by_work.items():
        if len(holdings) < 2:
            continue
        # judged: each later holding against the first one (the one that founded the work)
        first = holdings[0]
        for other in holdings[1:]:
            if other.record == first.record:
                continue
            out.append({"work": work_id, "matched_by": other.matched_by,
                        "a": _brief(codes[first.member_id], first.record), "b": _brief(codes[other.member_id], other.record)})
    return out


def _brief(code: str, record: dict) -> dict:
    keys = ("title", "subtitle", "authors", "year", "edition", "format", "isbns", "issns", "publisher")
    return {"member": code, "local_id": record["local_id"], **{k: record.get(k) for k in keys if record.get(k)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--db", default=None, help="SQLite file to load into (default: a temporary one)")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", default=None, help="write every merge as JSON lines here")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(options.db) if options.db else Path(tmp) / "real.sqlite3"
        loaded = load(Path(options.data), db)
        counts = loaded["counts"]
        print(f"records read {counts['read']:,}, accepted {counts['accepted']:,}, rejected {counts['rejected']:,}")
        found = merges(loaded["app"])
        print(f"holdings joined to a work founded by another record: {len(found):,}")
        print("by evidence:", dict(Counter(m["matched_by"] for m in found)))
        if options.out:
            with open(options.out, "w", encoding="utf-8") as fh:
                for m in found:
                    fh.write(json.dumps(m, ensure_ascii=False) + "\n")
        sample = random.Random(options.seed).sample(found, min(options.sample, len(found)))
        for n, m in enumerate(sample, 1):
            print(f"\n#{n} work {m['work']} by {m['matched_by']}")
            print("   a:", json.dumps(m["a"], ensure_ascii=False))
            print("   b:", json.dumps(m["b"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
