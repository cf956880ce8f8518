"""Benchmarks (``python -m bench``), outside the production packages.

A suite is a module with ``run(options) -> list[dict]``; every row has ``suite``, ``metric``,
``value``, ``unit`` and optionally ``target`` and ``note``. The runner prints the table and
writes everything to ``bench-results/bench-<time>.json``. Suites are listed in ``SUITES``
(the others still live in ``consortium.bench`` and run with ``python -m consortium.bench``).
"""
SUITES = [
    "bench.search",
]
