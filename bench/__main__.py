"""Run the benchmark suites: ``python -m bench [--only NAME] [--size small|full]``."""
import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

from bench import SUITES


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="run only suites whose name contains this")
    parser.add_argument("--size", choices=["small", "full"], default="full",
                        help="small: quick sizes for a smoke run; full: the sizes the targets are set for")
    parser.add_argument("--out", default="bench-results", help="folder for the JSON results")
    options = parser.parse_args(argv)
    rows, failed = [], []
    for name in SUITES:
        if options.only and not any(o in name for o in options.only):
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            rows.extend(importlib.import_module(name).run(options))
        except Exception as exc:  # one broken suite must not hide the others' numbers
            failed.append(name)
            print(f"   FAILED: {exc!r}", file=sys.stderr)
        print(f"   ({time.perf_counter() - started:.1f}s)", flush=True)
    print_table(rows)
    write_json(rows, options)
    return 1 if failed else 0


def print_table(rows: list[dict]) -> None:
    header = ("suite", "metric", "value", "unit", "target", "note")
    table = [header] + [tuple(_fmt(r.get(k)) for k in header) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for index, row in enumerate(table):
        print("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.3g}"
    return str(value)


def write_json(rows: list[dict], options) -> None:
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {"when": stamp, "size": options.size, "python": platform.python_version(),
               "machine": platform.machine(), "rows": rows}
    (out / f"bench-{stamp}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    (out / "latest.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"\nResults written to {out / f'bench-{stamp}.json'}")


if __name__ == "__main__":
    sys.exit(main())
