"""Hostile uploads against the readers (`python -m bench --only bench.member_hostile`).

A gzip file of ~200 KB that unpacks to 200 MB of MARC-looking bytes without a record
terminator (issue #16.4: it took 35 s and 1.3 GB) is read by a fresh Python process; measured:
wall time and peak resident memory (ru_maxrss). ``DAODU_BENCH_OLD_TREE`` may name a folder
holding an older ``member_sites`` to measure the same file against it.
"""
import gzip
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_READ = """
import resource, sys, time
from member_sites.readers import read_records
started = time.perf_counter()
with open(sys.argv[1], "rb") as fh:
    results = list(read_records(fh, sys.argv[2]))
print(len(results), time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_hostile(path: Path, unpacked_mb: int) -> None:
    block = b"a" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=6) as out:
        out.write(b"00000nam a2200000 a 4500")
        for _ in range(unpacked_mb):
            out.write(block)


def measure(tree: Path, path: Path, fmt: str) -> tuple[int, float, float]:
    """(results, seconds, peak MB) of reading ``path`` in a new process importing from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", _READ, str(path), fmt], env=env, cwd=tree, capture_output=True,
                          text=True, timeout=600, check=True)
    count, seconds, rss_kb = done.stdout.split()
    return int(count), float(seconds), int(rss_kb) / 1024


def run(options) -> list[dict]:
    size = 50 if options.size == "small" else 200
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hostile.mrc.gz"
        write_hostile(path, size)
        trees = [("this tree", REPO)]
        if os.environ.get("DAODU_BENCH_OLD_TREE"):
            trees.append(("old tree", Path(os.environ["DAODU_BENCH_OLD_TREE"])))
        for label, tree in trees:
            count, seconds, peak = measure(tree, path, "marc21")
            note = f"{path.stat().st_size // 1024} KB gzip, {size} MB unpacked, {count} result(s); {label}"
            rows.append({"suite": "member_hostile", "metric": f"hostile gzip MARC, {label}: time", "value": seconds,
                         "unit": "s", "note": note})
            rows.append({"suite": "member_hostile", "metric": f"hostile gzip MARC, {label}: peak memory",
                         "value": peak, "unit": "MB", "note": note})
    return rows
