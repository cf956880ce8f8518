"""search_index: the Whoosh adapter of the union catalogue.

CJK-aware analysis (``analysis``), the schema and document mapping (``schema``,
``documents``), the single writer that follows the change log (``indexer``), and the read
side (``searcher``) that ``consortium.search_wiring`` plugs in as ``consortium.ports.SEARCH``.
Importing this package is cheap: no index is opened and no jieba dictionary is loaded.
"""
