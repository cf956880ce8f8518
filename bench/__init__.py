"""Benchmarks (``make bench`` = ``python -m bench``), outside the production packages.

A suite is a module with ``run(options) -> list[dict]``; every row has ``suite``, ``metric``,
``value``, ``unit`` and optionally ``target`` and ``note``. The runner prints the table and
writes everything to ``bench-results/bench-<time>.json``. Suites are listed in ``SUITES``.
"""
SUITES = [
    "bench.push",
    "bench.oai",
    "bench.reference",
    "bench.mail",
    "bench.clock_redaction",
    "bench.member_sites",
    "bench.member_sync",
    "bench.member_hostile",
    "bench.member_census",
    "bench.feeds",
    "bench.search",
    "bench.search_recall",
    "bench.digests",
]
