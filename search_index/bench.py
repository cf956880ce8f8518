"""Search benchmarks (``python -m bench --only search_index``).

Deterministic synthetic consortium (``consortium.demo.synthetic``: Chinese and English titles)
held by five members with overlapping holdings. Measures:

* ingest: records/s end to end — pushed through the real HTTP push API into the database,
  then indexed by the change-log indexer (push time + index catch-up time);
* rebuild: full rebuild time of the index from the database (both cores);
* search: p50/p95 of a fixed query mix with facets through the search port, and the same
  queries through a bare Whoosh searcher (stock parser, stock per-column facets) on the
  same index: the ratio is our overhead.

The database of the rebuild/search sizes is filled by bulk inserts of works, holdings and
change-log rows (the push path is measured separately, at a smaller count).
"""
import os
import statistics
import sys
import tempfile
import threading
import time

from consortium.demo.synthetic import isbn13

MEMBERS = ("M1", "M2", "M3", "M4", "M5")
QUERIES = [
    {"q": "数据"}, {"q": "计算机网络"}, {"q": "中國歷史"}, {"q": "经济学 管理"},
    {"q": "algorithms"}, {"q": "data structures"}, {"q": "modern history"}, {"q": "quantum theory"},
    {"q": "author:王明"}, {"q": "clc:TP3"}, {"q": "title:design"}, {"q": "", "member": "M2", "sort": "newest"},
    {"q": "数据", "format": "book", "year_from": "2000"}, {"q": "learning", "available": "true"},
    {"q": isbn13(12345)}, {"q": "algoritms"}, {"q": "systems", "member": "M4", "sort": "title"},
    {"q": "法律 政治", "clc": "D"},
]
ROUNDS = 5


def sizes_for(options) -> list[int]:
    """10k works for a smoke run, 100k and 1M for the targets; DAODU_BENCH_SEARCH_SIZES=a,b overrides."""
    override = os.environ.get("DAODU_BENCH_SEARCH_SIZES")
    if override:
        return [int(s) for s in override.split(",")]
    return [10_000] if options.size == "small" else [100_000, 1_000_000]


def run(options) -> list[dict]:
    from search_index import bench_data

    rows = []
    push_count = int(os.environ.get("DAODU_BENCH_SEARCH_PUSH") or (2_000 if options.size == "small" else 10_000))
    rows += bench_data.measure_ingest(push_count)
    for size in sizes_for(options):
        with tempfile.TemporaryDirectory(prefix="daodu-bench-search-") as tmp:
            app = bench_data.make_app(tmp)
            bench_data.bulk_fill(app, size)
            rows += measure_rebuild(app, size)
            rows += measure_search(app, size)
    return rows


def measure_rebuild(app, size: int) -> list[dict]:
    from tqdm import tqdm

    from search_index.service import rebuild_index

    bar = tqdm(total=size, unit="works", desc=f"rebuild {size:,}", file=sys.stderr, mininterval=2)
    cpu_before = _cpu_seconds()
    report = rebuild_index(app, progress=lambda done, total: bar.update(done - bar.n))
    cpu = _cpu_seconds() - cpu_before
    bar.close()
    target = 600 if size >= 1_000_000 else None
    import resource

    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [{"suite": "search", "metric": f"full rebuild, {size:,} works ({app.config['SEARCH_INDEX_REBUILD_PROCS']} procs)",
             "value": report.seconds, "unit": "s", "target": target,
             "note": f"{report.works / report.seconds:,.0f} works/s; CPU {cpu:,.0f}s in all processes; "
                     f"largest process {peak_mb:,.0f} MB ({os.getloadavg()[0]:.1f} load)"}]


def _cpu_seconds() -> float:
    """User + system CPU of this process and its waited-for children (the rebuild writers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_search(app, size: int) -> list[dict]:
    from consortium.ports import SEARCH

    port = app.extensions[SEARCH]
    ours, ours_cpu = _timed(lambda params: port.search(dict(params, per_page=20)))
    bare = BareWhoosh(app.config["SEARCH_INDEX_DIR"])
    try:
        baseline, baseline_cpu = _timed(bare.search)
    finally:
        bare.close()
    target = 50 if size < 1_000_000 else 150
    rows = []
    for label, index in (("p50", 50), ("p95", 95)):
        mine, base = _pct(ours, index), _pct(baseline, index)
        rows.append({"suite": "search", "metric": f"search {label}, {size:,} works, facets ({len(QUERIES)} queries)",
                     "value": mine, "unit": "ms", "target": target if label == "p95" else None,
                     "note": f"bare Whoosh {base:.1f} ms; CPU {_pct(ours_cpu, index):.1f} ms "
                             f"(bare {_pct(baseline_cpu, index):.1f} ms); load {os.getloadavg()[0]:.1f}"})
        rows.append({"suite": "search", "metric": f"overhead over bare Whoosh {label}, {size:,} works",
                     "value": mine / base if base else None, "unit": "x", "target": 1.5})
    return rows


def _timed(fn) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per query (CPU too: the machine may be shared)."""
    for params in QUERIES:  # warm-up: open searchers, load columns, load jieba
        fn(params)
    wall, cpu = [], []
    for _round in range(ROUNDS):
        for params in QUERIES:
            started, started_cpu = time.perf_counter(), time.process_time()
            fn(params)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _pct(samples: list[float], pct: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


class BareWhoosh:
    """The same queries through stock Whoosh on the same index: stock multifield parser, the
    same facet column grouped by Whoosh, the page's stored fields read. What it leaves out is
    what our layer adds: identifier spotting, optional jieba words, syntax fallback, facet
    splitting, JSON payloads, home-member ordering, highlights and suggestions."""

    FACETS = ("facet_key",)

    def __init__(self, index_dir: str):
        from whoosh import index
        from whoosh.qparser import MultifieldParser

        from search_index.query import DEFAULT_FIELDS, FIELD_BOOSTS
        from search_index.store import INDEX_NAME

        self.ix = index.open_dir(index_dir, indexname=INDEX_NAME, readonly=True)
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(list(DEFAULT_FIELDS), self.ix.schema, fieldboosts=FIELD_BOOSTS)
        self.local = threading.local()

    def search(self, params: dict) -> list:
        from whoosh import query, sorting

        q = self.parser.parse(params["q"]) if params.get("q") else query.Every()
        filters = [query.Term("tags", f"format:{params['format']}")] if params.get("format") else []
        if params.get("member"):
            filters.append(query.Term("tags", f"member:{params['member']}"))
        if params.get("clc"):
            filters.append(query.Term("clc", params["clc"]))
        if params.get("available"):
            filters.append(query.Term("tags", "available:1"))
        if params.get("year_from"):
            filters.append(query.NumericRange("year", int(params["year_from"]), None))
        full = query.And([q] + filters) if filters else q
        facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in self.FACETS}
        sortedby = {"newest": sorting.FieldFacet("acquired", reverse=True),
                    "title": sorting.FieldFacet("title_sort")}.get(params.get("sort"))
        results = self.searcher.search(full, limit=20, groupedby=facets, sortedby=sortedby, optimize=False)
        page = [hit.fields() for hit in results[:20]]
        return [len(results), page, {name: results.groups(name) for name in self.FACETS}]

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()
