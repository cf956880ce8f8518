"""``whoosh-plain``: the search backend on Whoosh's public API only.

Whoosh's stock writer (``index.writer()``, its default merge policy), ``Searcher.search``
with its collectors, ``sortedby`` and ``groupedby`` facets, its highlighter and its spelling
corrector. It reads and writes the same index as ``whoosh_fast`` (schema, analysis, query
parsing and document fields are shared, ``whoosh_common``), so a deployment switches between
them without a rebuild. Slower on broad queries over large catalogues; no private Whoosh
name is used, so it is the reference the fast backend is checked against and the path that
survives a Whoosh upgrade. ``backend.open_backend`` is its entry point.
"""
