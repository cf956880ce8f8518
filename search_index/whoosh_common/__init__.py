"""What both Whoosh backends share, so they read and write one index alike: the schema and
its declared analyzer chains, documents as fields, the facet-key column, query parsing from
``SearchParams``, the directory (opening, stamping, locking, swapping), per-thread searchers,
the holdings signal, did-you-mean, and the content version. Whoosh's public API only."""
