"""Benchmarks (``make bench``), outside the production packages."""
