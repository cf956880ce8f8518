"""``opensearch``: the search backend on an OpenSearch 2.x cluster, for a consortium that has
outgrown one machine (VuFind-style: one folder, the engine behind the same two ports).

Our analysis stays the single source of truth: each document carries the terms
``search_index.analysis`` makes (jieba words, Han bigrams, OpenCC- and variant-folded forms,
stems, phrase shingles, ISBN forms, CLC prefixes) — the very terms of the Whoosh fields
(``whoosh_common.schema``) — one per line, indexed by an analyser that splits at line breaks
only, and queries are parsed by the same parser into the same terms, so a query means the same
on every backend. Did-you-mean runs the shared rules of ``search_index.spelling``.

Modules: ``connection`` (options, the ``opensearch-py`` client, the engine's errors mapped to
ours), ``mapping`` (index settings, mappings, the content version in the index's ``_meta``),
``fields`` (an ``IndexDocument`` as the cluster's document), ``query`` (a parsed query, the
filters and sorts as query DSL), ``suggest`` (did-you-mean's lookups as requests),
``searcher`` (the read port: facets as aggregations, highlighting, members' titles,
did-you-mean, deep pages with ``search_after``, the holdings signal),
``bulk`` (bulk requests with retries and backoff), ``indexing`` (the write port: the
versioned index behind an alias, rebuilt beside the live one and swapped in), ``rebuild``
(the rebuild's reader processes), ``backend`` (the entry point, ``open_backend``).
Importing it connects to nothing.
"""
