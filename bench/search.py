"""Search benchmarks (``python -m bench --only search [--size small|full]``): the same
workload on every search backend (``whoosh`` and ``whoosh-plain``, and ``opensearch`` when
``CONSORTIUM_OPENSEARCH_URL`` names a cluster: ``eval "$(bash .ci/opensearch.sh)"``), side by
side in one run.

Deterministic synthetic consortium (Chinese and English titles) held by five members with
overlapping holdings. For each backend:

* ingest: records/s end to end — pushed through the real HTTP push API into the database
  (SQLite, and PostgreSQL when ``CONSORTIUM_TEST_POSTGRES_URL`` names a server: ``eval
  "$(bash .ci/postgres.sh)"``) while the backend's writer follows the change log in its own
  process — and the writer's catch-up alone;
* catch-up: the indexer following the change log of the whole catalogue from an empty index
  (up to ``DAODU_BENCH_CATCH_UP_MAX`` works, 100,000 by default; ``opensearch`` also with
  its replica copying segments, and without a replica, as one machine would run it);
* rebuild: the full rebuild of the index from the database by the backend, in a process of its
  own (``whoosh`` with ``SEARCH_INDEX_REBUILD_PROCS`` writer processes, ``whoosh-plain`` in
  one), with its peak memory;
* search: on the index the backend rebuilt, p50/p95 of a fixed query mix with facets through
  the search port, in a fresh process per backend as a web process runs it (so one backend's
  caches do not pollute the other's numbers), and that process's memory after the queries:
  anonymous (heap and arrays, ``RssAnon``) and file-backed (mapped index and library files,
  ``RssFile``).

The database of the rebuild/search sizes is filled once per size by bulk inserts (the push
path is measured separately, at a smaller count).
"""
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from opensearchpy import OpenSearch
from tqdm import tqdm

from bench import search_data
from consortium import create_app
from consortium.db import new_session
from consortium.demo.synthetic import EN_WORDS, isbn13
from consortium.ports import SEARCH
from consortium.search.checkpoint import Progress
from consortium.search.indexer import save_progress
from consortium.search.operations import get_backend, prepare_writer_process, rebuild_index, sync_index
from consortium.server import tune_collector
from search_index.spelling import closest_word
from search_index.whoosh_common.suggest import Vocabularies, suggestion_for

BACKENDS = ("whoosh", "whoosh-plain")
# Targets of the opensearch backend on this machine (issue #17): catch-up works/s, rebuild
# of 1M works (s), search p95 with facets at 1M (ms).
OPENSEARCH_TARGETS = {"catch_up": 5000, "rebuild_1m": 300, "p95_1m": 50}
QUERIES = [
    {"q": "数据"}, {"q": "计算机网络"}, {"q": "中國歷史"}, {"q": "经济学 管理"},
    {"q": "algorithms"}, {"q": "data structures"}, {"q": "modern history"}, {"q": "quantum theory"},
    {"q": "author:王明"}, {"q": "clc:TP3"}, {"q": "title:design"}, {"q": "", "member": "M2", "sort": "newest"},
    {"q": "数据", "format": "book", "year_from": "2000"}, {"q": "learning", "available": "true"},
    {"q": isbn13(12345)}, {"q": "algoritms"}, {"q": "systems", "member": "M4", "sort": "title"},
    {"q": "法律 政治", "clc": "D"},
]
ROUNDS = 5
# misspellings of words the synthetic titles use (Latin: one or two edits; Chinese: a
# character typed as a homophone), each answered by did-you-mean alone
MISSPELT = ["algoritms", "strucutres", "quantm theroy", "histroy of", "enginering", "netwroks design",
            "计算机网洛", "经计学", "数据结沟", "历使"]


def sizes_for(options) -> list[int]:
    """10k works for a smoke run, 100k and 1M for the targets; DAODU_BENCH_SEARCH_SIZES=a,b overrides."""
    override = os.environ.get("DAODU_BENCH_SEARCH_SIZES")
    if override:
        return [int(s) for s in override.split(",")]
    return [10_000] if options.size == "small" else [100_000, 1_000_000]


def backends() -> tuple[str, ...]:
    """The Whoosh backends, and ``opensearch`` when a cluster is configured
    (``CONSORTIUM_OPENSEARCH_URL``); ``DAODU_BENCH_SEARCH_BACKENDS=a,b`` chooses."""
    chosen = os.environ.get("DAODU_BENCH_SEARCH_BACKENDS")
    if chosen:
        return tuple(name.strip() for name in chosen.split(","))
    return BACKENDS + (("opensearch",) if os.environ.get(search_data.OPENSEARCH_URL_ENV) else ())


def run(options) -> list[dict]:
    rows = []
    push = os.environ.get("DAODU_BENCH_SEARCH_PUSH")
    push_count = int(push) if push else (2_000 if options.size == "small" else 10_000)
    catch_up_most = int(os.environ.get("DAODU_BENCH_CATCH_UP_MAX") or 100_000)
    for backend in backends() if push_count else ():
        for database in search_data.databases():
            rows += shown(search_data.measure_ingest(push_count, backend, database))
    for size in sizes_for(options):
        with tempfile.TemporaryDirectory(prefix="daodu-bench-search-") as tmp:
            search_data.bulk_fill(search_data.make_app(tmp), size)
            searches = {}
            try:
                for backend in backends():
                    if size <= catch_up_most:
                        rows += shown(measure_catch_up(tmp, backend, size))
                    if size <= catch_up_most and backend == "opensearch":
                        for replicas, replication in ((1, "document"), (0, None)):  # one copy, as on one machine
                            search_data.drop_opensearch_indices(tmp)
                            rows += shown(measure_catch_up(tmp, backend, size, replicas, replication))
                    rows += shown(measure_rebuild(tmp, backend, size))
                    searches[backend] = in_child(_probe, tmp, backend)
                    rows += shown(search_rows(backend, size, searches[backend]))
            finally:
                search_data.drop_opensearch_indices(tmp)
            rows += comparison_rows(size, searches)
    return rows + vocabulary_rows()


def vocabulary_rows(size: int = 500_000, segments: int = 6) -> list[dict]:
    """Did-you-mean's word search alone over a vocabulary the size of a real million-work
    catalogue's (the synthetic records use a few dozen Latin words): ``size`` generated
    distinct words spread over ``segments`` segments' tables, as ``suggest.Vocabularies``
    holds them."""
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set(EN_WORDS)
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 14))))
    tables = [{} for _ in range(segments)]
    for n, word in enumerate(sorted(words)):
        entry = tables[n % segments].setdefault((len(word), word[:1]), ([], []))
        entry[0].append(word)
        entry[1].append(1 + n % 50)
    typed = [w for w in MISSPELT if w.isascii()]
    times = []
    for _round in range(ROUNDS):
        for text in typed:
            for word in text.split():
                started = time.perf_counter()
                closest_word(word, tables)
                times.append((time.perf_counter() - started) * 1000)
    return [{"suite": "search", "metric": f"did-you-mean word search {label}, {size:,} words in {segments} segments",
             "value": _pct(times, pct), "unit": "ms", "target": 50 if label == "p95" else None,
             "note": f"per misspelt word; load {os.getloadavg()[0]:.1f}"}
            for label, pct in (("p50", 50), ("p95", 95))]


def shown(rows: list[dict]) -> list[dict]:
    """Rows printed as they are measured (a 1M run takes long; the table comes at the end)."""
    for row in rows:
        print(f"   {row['metric']}: {row['value']:,.1f} {row['unit']} ({row.get('note', '')})", flush=True)
    return rows


def measure_catch_up(tmp: str, backend: str, size: int, replicas: int | None = None,
                     replication: str | None = None) -> list[dict]:
    """The indexer following a change log of ``size`` new works from an empty index (a
    deployment's first start), in a process of its own as ``consortium worker`` runs it;
    ``replicas``: the cluster's index made with that many (else the configured number),
    ``replication``: how they follow (``OPENSEARCH_REPLICATION``; else as configured)."""
    cpu_before = cluster_cpu_ms() if backend == "opensearch" else None
    result = in_child(_catch_up, tmp, backend, replicas, replication)
    cluster_cpu = cluster_cpu_note(backend, cpu_before, max(1, result["works"]), "work")
    target = OPENSEARCH_TARGETS["catch_up"] if backend == "opensearch" else None
    copies = f" ({replicas} replicas)" if replicas is not None else ""
    copies = f" ({replicas} replica, {replication} replication)" if replication else copies
    return [{"suite": "search", "metric": f"{backend}: indexer catch-up from empty, {size:,} works{copies}",
             "value": result["works"] / result["seconds"], "unit": "works/s", "target": target,
             "note": f"{result['seconds']:.1f} s, {result['batches']} batches; CPU of the writer "
                     f"{result['cpu']:,.0f}s{cluster_cpu} ({os.getloadavg()[0]:.1f} load)"}]


def _catch_up(tmp: str, backend: str, replicas: int | None, replication: str | None, queue) -> None:
    more = {"OPENSEARCH_REPLICAS": replicas} if replicas is not None else {}
    if replication:
        more["OPENSEARCH_REPLICATION"] = replication
    app = create_app(search_data.app_config(tmp, backend, **more), instance_path=tmp)
    with new_session(app) as session:  # from the start of the change log (another backend may have run)
        save_progress(session, Progress())
    prepare_writer_process()
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    report = sync_index(app)
    queue.put({"works": report.updated, "seconds": time.perf_counter() - started, "batches": report.batches,
               "cpu": _cpu_seconds() - cpu_before})


def in_child(target, *args) -> dict:
    """``target(*args, queue)`` in a fresh process; what it put on the queue."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue), name=f"bench-{target.__name__}")
    process.start()
    result = queue.get()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"{process.name} failed ({process.exitcode})")
    return result


def measure_rebuild(tmp: str, backend: str, size: int) -> list[dict]:
    cpu_before = cluster_cpu_ms() if backend == "opensearch" else None
    result = in_child(_rebuild, tmp, backend, size)
    cluster_cpu = cluster_cpu_note(backend, cpu_before, result["works"], "work")
    target = None
    if size >= 1_000_000:
        target = {"whoosh": 600, "opensearch": OPENSEARCH_TARGETS["rebuild_1m"]}.get(backend)
    cluster = f"; cluster {cluster_memory()}" if backend == "opensearch" else ""
    return [{"suite": "search", "metric": f"{backend}: full rebuild, {size:,} works ({result['procs']} procs)",
             "value": result["seconds"], "unit": "s", "target": target,
             "note": f"{result['works'] / result['seconds']:,.0f} works/s; CPU {result['cpu']:,.0f}s in our processes; "
                     f"largest process {result['peak_mb']:,.0f} MB{cluster}{cluster_cpu} ({os.getloadavg()[0]:.1f} load)"}]


def cluster_cpu_ms() -> float:
    """CPU milliseconds the cluster's nodes have used so far (a difference of two readings is
    what an operation cost the cluster, whatever else the machine was running)."""
    client = OpenSearch(os.environ[search_data.OPENSEARCH_URL_ENV].split(","), timeout=60)
    try:
        return sum(n["process"]["cpu"]["total_in_millis"] for n in client.nodes.stats(metric="process")["nodes"].values())
    finally:
        client.close()


def cluster_cpu_note(backend: str, before: float | None, count: int, per: str) -> str:
    if backend != "opensearch" or before is None:
        return ""
    return f"; cluster CPU {(cluster_cpu_ms() - before) / count:,.2f} ms per {per}"


def cluster_memory() -> str:
    """The OpenSearch nodes' heap in use and the indices' size on disk (primaries and replicas)."""
    client = OpenSearch(os.environ[search_data.OPENSEARCH_URL_ENV].split(","), timeout=60)
    try:
        nodes = client.nodes.stats(metric="jvm,indices")["nodes"].values()
        heap = sum(n["jvm"]["mem"]["heap_used_in_bytes"] for n in nodes) / 2**20
        heap_max = sum(n["jvm"]["mem"]["heap_max_in_bytes"] for n in nodes) / 2**20
        store = sum(n["indices"]["store"]["size_in_bytes"] for n in nodes) / 2**20
    finally:
        client.close()
    return (f"{len(nodes)} nodes, heap {heap:,.0f} of {heap_max:,.0f} MB, resident {node_rss_mb():,.0f} MB, "
            f"indices on disk {store:,.0f} MB")


def node_rss_mb() -> float:
    """Resident memory of the test cluster's JVMs (.ci/opensearch.sh's pid files; 0 when the
    cluster is not that one)."""
    folder = Path(os.environ.get("OPENSEARCH_DATA_DIR", "/tmp/daodu-opensearch"))
    total = 0.0
    for pid_file in folder.glob("node-*.pid"):
        try:
            status = Path(f"/proc/{pid_file.read_text().strip()}/status").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
    return total


def _rebuild(tmp: str, backend: str, size: int, queue) -> None:
    """A rebuild as ``consortium index rebuild`` runs it, in this process (and its writers)."""
    app = create_app(search_data.app_config(tmp, backend), instance_path=tmp)
    procs = app.config["SEARCH_INDEX_REBUILD_PROCS"] if backend in ("whoosh", "opensearch") else 1
    bar = tqdm(total=size, unit="works", desc=f"{backend} rebuild {size:,}", file=sys.stderr, mininterval=2)
    cpu_before = _cpu_seconds()
    report = rebuild_index(app, progress=lambda done, total: bar.update(done - bar.n))
    bar.close()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    queue.put({"seconds": report.seconds, "works": report.works, "procs": procs, "cpu": _cpu_seconds() - cpu_before,
               "peak_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024})


def _cpu_seconds() -> float:
    """User + system CPU of this process, its waited-for children (the rebuild writers) and
    its live children with theirs (the fork server the indexer's helpers come from: it
    reaps them, so their CPU is its children's)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + _live_children_cpu()


def _live_children_cpu() -> float:
    """CPU seconds of this process's running children and of the children they reaped."""
    me, total = str(os.getpid()), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if fields[1] == me:  # ppid; then utime, stime, cutime, cstime in clock ticks
            total += sum(int(tick) for tick in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _probe(tmp: str, backend: str, queue) -> None:
    """The query mix through the search port of a fresh app, as a web process serves it (its
    collector tuned as ``consortium serve`` tunes it), and the process's memory after."""
    tune_collector()
    app = create_app(search_data.app_config(tmp, backend), instance_path=tmp)
    before = memory_mb()
    port = app.extensions[SEARCH]
    cpu_before = cluster_cpu_ms() if backend == "opensearch" else None
    wall, cpu = _timed(lambda params: port.search(dict(params, per_page=20)))
    cluster_cpu = cluster_cpu_note(backend, cpu_before, len(wall) + len(QUERIES), "search")
    cluster = cluster_memory() if backend == "opensearch" else None
    suggest = _time_suggestions(get_backend(app).reader())
    queue.put({"wall": wall, "cpu": cpu, "before": before, "after": memory_mb(), "cluster": cluster,
               "cluster_cpu": cluster_cpu, **suggest})


def _time_suggestions(reader) -> dict:
    """Milliseconds of did-you-mean alone for each misspelling (after the first call, which
    reads each segment's words once per process on Whoosh: timed apart)."""
    suggest, fresh = _suggester(reader)
    started = time.perf_counter()
    first = fresh(MISSPELT[0])
    first_ms = (time.perf_counter() - started) * 1000
    for typed in MISSPELT:  # warm-up: the homophone table loads once per process
        suggest(typed)
    times, fixed = [], 0
    for _round in range(ROUNDS):
        for typed in MISSPELT:
            started = time.perf_counter()
            fixed += suggest(typed) is not None
            times.append((time.perf_counter() - started) * 1000)
    return {"suggest": times, "suggest_first": first_ms, "suggest_fixed": fixed / ROUNDS,
            "suggest_example": f"{MISSPELT[0]} → {first}"}


def _suggester(reader):
    """``(suggest, first)``: did-you-mean of the backend's reader, and the same with nothing
    cached yet (the cluster's reader caches nothing: each call asks the cluster)."""
    if hasattr(reader, "vocabularies"):  # the Whoosh backends
        searcher = reader.reader.searcher()
        return (lambda text: suggestion_for(searcher, text, reader.vocabularies),
                lambda text: suggestion_for(searcher, text, Vocabularies()))
    return reader.suggestion, reader.suggestion


def memory_mb() -> dict[str, float]:
    """This process's resident memory in MB: anonymous (``RssAnon``) and file-backed (``RssFile``)."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("RssAnon", "RssFile"):
                found[name] = int(value.split()[0]) / 1024
    return found


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


def search_rows(backend: str, size: int, result: dict) -> list[dict]:
    target = 50 if size < 1_000_000 or backend == "opensearch" else 150
    rows = [{"suite": "search", "metric": f"{backend}: search {label}, {size:,} works, facets ({len(QUERIES)} queries)",
             "value": _pct(result["wall"], pct), "unit": "ms", "target": target if label == "p95" else None,
             "note": f"CPU {_pct(result['cpu'], pct):.1f} ms{result.get('cluster_cpu') or ''}; "
                     f"load {os.getloadavg()[0]:.1f}"}
            for label, pct in (("p50", 50), ("p95", 95))]
    rows += [{"suite": "search", "metric": f"{backend}: did-you-mean {label}, {size:,} works ({len(MISSPELT)} misspellings)",
              "value": _pct(result["suggest"], pct), "unit": "ms", "target": 50 if label == "p95" else None,
              "note": f"{result['suggest_fixed']:.0f} of {len(MISSPELT)} corrected ({result['suggest_example']}); "
                      f"first call, reading each segment's words: {result['suggest_first']:,.0f} ms; "
                      f"load {os.getloadavg()[0]:.1f}"}
             for label, pct in (("p50", 50), ("p95", 95))]
    before, after = result["before"], result["after"]
    rows.append({"suite": "search", "metric": f"{backend}: web process memory after the queries, {size:,} works",
                 "value": after["RssAnon"], "unit": "MB anon",
                 "note": f"mapped files (RssFile) {after['RssFile']:,.0f} MB; app built, before the first query: "
                         f"anon {before['RssAnon']:,.0f} MB, files {before['RssFile']:,.0f} MB"
                         + (f"; cluster {result['cluster']}" if result.get("cluster") else "")})
    return rows


def comparison_rows(size: int, searches: dict) -> list[dict]:
    """Each backend's p50/p95 against ``whoosh``'s, when both ran."""
    fast = searches.get("whoosh")
    return [{"suite": "search", "metric": f"{backend} / whoosh search {label}, {size:,} works",
             "value": _pct(result["wall"], pct) / _pct(fast["wall"], pct), "unit": "x"}
            for backend, result in searches.items() if fast and backend != "whoosh"
            for label, pct in (("p50", 50), ("p95", 95))]
