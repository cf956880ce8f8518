"""Benchmark suite ``bench.member_sync``: ``member-sync push`` of a CSV export end to end.

A real ``member-sync`` process reads a synthetic CSV file (valid ISBNs, Chinese and English
titles) and pushes it over loopback HTTP to the app served by waitress on a SQLite file.
Measured: CSV reading alone, the first push (new works) and a ``--restart`` re-push
(every record unchanged). The end-to-end rate is bounded by the consortium's ingest. Then a
folder of small files (10 records each) pushed one ``member-sync`` process per file, against
``member-sync push DIR`` over the same number of files: seconds per file.
"""
import csv
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from consortium.demo.synthetic import synthetic_records

LIST_FIELDS = ("authors", "isbns", "issns", "subjects")


def write_csv(path: Path, count: int) -> None:
    """A push CSV of ``count`` synthetic records (lists joined with ``;``)."""
    records = synthetic_records(count)
    fields = sorted({k for r in records for k in r})
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for record in records:
        writer.writerow({k: ";".join(v) if k in LIST_FIELDS else v for k, v in record.items()})
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_folder(folder: Path, files: int, per_file: int, prefix: str) -> None:
    """``files`` small push CSVs of ``per_file`` records each (ids made distinct by ``prefix``)."""
    folder.mkdir()
    records = synthetic_records(files * per_file)
    for n in range(files):
        part = [{**r, "local_id": f"{prefix}{r['local_id']}"} for r in records[n * per_file:(n + 1) * per_file]]
        fields = sorted({k for r in part for k in r})
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        for record in part:
            writer.writerow({k: ";".join(v) if k in LIST_FIELDS else v for k, v in record.items()})
        (folder / f"day-{n:04d}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def run(options) -> list[dict]:
    count = 3000 if options.size == "small" else 20000
    files = 20 if options.size == "small" else 100
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.csv"
        write_csv(export, count)
        read_rate = _read_rate(export)
        one_by_one, together = Path(tmp) / "one-by-one", Path(tmp) / "together"
        write_folder(one_by_one, files, 10, "f")
        write_folder(together, files, 10, "d")
        server, url, key = _serve(tmp)
        try:
            first = _push(export, url, key, [])
            again = _push(export, url, key, ["--restart"])
            per_file = sum(_push(path, url, key, []) for path in sorted(one_by_one.glob("*.csv")))
            folder = _push(together, url, key, [])
        finally:
            server.close()
    label = f"{count:,} records, CSV, 1,000/batch"
    return [
        {"suite": "member_sync", "metric": f"CSV reading alone ({count:,} records)", "value": read_rate,
         "unit": "records/s"},
        {"suite": "member_sync", "metric": f"member-sync push end to end, new works ({label})",
         "value": count / first, "unit": "records/s", "note": "bounded by the consortium's ingest"},
        {"suite": "member_sync", "metric": f"member-sync push end to end, all unchanged ({label})",
         "value": count / again, "unit": "records/s"},
        {"suite": "member_sync", "metric": f"{files} files of 10 records, one member-sync per file",
         "value": per_file / files, "unit": "s/file", "note": f"{per_file:.1f} s in all"},
        {"suite": "member_sync", "metric": f"{files} files of 10 records, member-sync push DIR",
         "value": folder / files, "unit": "s/file", "note": f"{folder:.1f} s in all, one process"},
    ]


def _read_rate(export: Path) -> float:
    from member_sites.readers import read_records

    started = time.perf_counter()
    with open(export, "rb") as fh:
        read = sum(1 for r in read_records(fh, "csv") if r.ok)
    return read / (time.perf_counter() - started)


def _serve(tmp: str):
    from waitress.server import create_server

    from consortium import create_app
    from consortium.accounts import service as accounts
    from consortium.db import get_engine, new_session
    from consortium.db.migrate import upgrade

    app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False},
                     instance_path=os.path.join(tmp, "instance"))
    upgrade(get_engine(app))
    with new_session(app) as session:
        accounts.add_member(session, "A", "甲馆")
        key = accounts.issue_key(session, "A")
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}", key


def _push(export: Path, url: str, key: str, extra: list[str]) -> float:
    env = {**os.environ, "DAODU_URL": url, "DAODU_MEMBER": "A", "DAODU_KEY": key}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "member_sites.sync_cli", "--quiet", "push", str(export),
                           "--format", "csv", *extra], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"member-sync push failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return elapsed
