"""Benchmarks (`make bench`): each suite measures one area and returns rows for one table.

A suite is a module with ``run(options) -> list[dict]``; every row has ``suite``, ``metric``,
``value``, ``unit`` and optionally ``target`` and ``note``. The runner prints the table and
writes everything to ``bench-results/bench-<time>.json``. Suites are listed in ``SUITES``.
"""
SUITES = [
    "consortium.bench.push",
    "consortium.bench.oai",
    "consortium.bench.reference",
    "consortium.bench.mail",
    "consortium.bench.clock_redaction",
    "member_sites.bench",
    "member_sites.bench_sync",
    "feeds.bench",
    "bench.search",  # moved out of the production packages (python -m bench runs it too)
]
