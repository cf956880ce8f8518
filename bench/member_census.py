"""What the readers make of every real export in ../shared/data, per source
(`python -m bench --only bench.member_census`, or `python -m bench.member_census [--dump FILE]`).

Per source folder (marc/evergreen, marc/solrmarc, kbart/gokb, …): records met, usable and
rejected, records with a call number, copies, availability, edition, each format. ``--dump``
writes every result (position, record, problems) as JSON lines, so two versions of the readers
can be compared record by record (``--compare OLD NEW`` prints what changed, by field).
"""
import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
READER_FOR = {"binary": "marc21", "xml": "marcxml"}
COUNTED = ("call_number", "copies", "available", "edition", "location")


def shared_files() -> list[tuple[str, Path, str]]:
    """(source, path, format) of every MARC and KBART file the readers take."""
    files = []
    with open(SHARED / "marc/marc_stats.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            fmt = READER_FOR.get(row["format"])
            if fmt:
                path = SHARED / "marc" / row["file"]
                files.append((f"marc/{Path(row['file']).parts[0]}", path, fmt))
    for path in sorted((SHARED / "kbart").rglob("*")):
        if path.is_file() and path.suffix != ".md" and path.name != "kbart_stats.tsv":
            files.append((f"kbart/{path.relative_to(SHARED / 'kbart').parts[0]}", path, "kbart"))
    return files


def census(dump=None) -> dict[str, Counter]:
    """Counts per source; every result is written to ``dump`` (a text file) when given."""
    from member_sites.readers import read_records

    totals: dict[str, Counter] = defaultdict(Counter)
    for source, path, fmt in shared_files():
        with open(path, "rb") as fh:
            for result in read_records(fh, fmt):
                _count(totals[source], result)
                if dump is not None:
                    dump.write(json.dumps({"file": str(path.relative_to(SHARED)), "position": result.position,
                                           "record": result.record, "problems": result.problems},
                                          ensure_ascii=False, sort_keys=True) + "\n")
    return totals


def _count(counts: Counter, result) -> None:
    counts["records"] += 1
    if not result.ok:
        counts["rejected"] += 1
        return
    counts["usable"] += 1
    for key in COUNTED:
        counts[f"with {key}"] += key in result.record
    counts[f"format {result.record.get('format', 'book')}"] += 1


def compare(old_path: str, new_path: str) -> Counter:
    """Changed values per field between two dumps, records matched by file and position."""
    def load(path):
        with open(path, encoding="utf-8") as fh:
            return {(r["file"], r["position"]): r["record"] for r in map(json.loads, fh)}

    old, new = load(old_path), load(new_path)
    changes: Counter = Counter({"only before": len(old.keys() - new.keys()),
                                "only after": len(new.keys() - old.keys())})
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        if (a is None) != (b is None):
            changes["usable → rejected" if b is None else "rejected → usable"] += 1
            continue
        for name in sorted(set(a or {}) | set(b or {})):
            if (a or {}).get(name) != (b or {}).get(name):
                changes[name] += 1
    return changes


def run(options) -> list[dict]:
    if not SHARED.is_dir():
        return []
    rows = []
    for source, counts in sorted(census().items()):
        for metric in ("records", "usable", "rejected", "with call_number", "with copies", "with edition"):
            rows.append({"suite": "member_census", "metric": f"{source}: {metric}", "value": counts[metric],
                         "unit": "records"})
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", help="write every result as JSON lines to this file")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two dumps")
    args = parser.parse_args(argv)
    if args.compare:
        for key, count in compare(*args.compare).most_common():
            print(f"{key}\t{count}")
        return
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    try:
        totals = census(dump)
    finally:
        if dump is not None:
            dump.close()
    keys = ["records", "usable", "rejected", *(f"with {k}" for k in COUNTED),
            *sorted({k for c in totals.values() for k in c if k.startswith("format ")})]
    writer = csv.writer(sys.stdout, delimiter="\t")
    writer.writerow(["source", *keys])
    for source, counts in sorted(totals.items()):
        writer.writerow([source, *(counts[k] for k in keys)])


if __name__ == "__main__":
    main()
