"""``whoosh`` (the default backend): the accelerated Whoosh writer and evaluator.

A partial fork of Whoosh's writer, posting decoder and BM25F scorer (``codec``, ``writer``,
``segments``, ``evaluate``, ``ranking``, ``merging``, ``rebuild``), written against
whoosh-reloaded 2.7.5 exactly and checked against Whoosh's own results by tests (byte-identical
segments, equal documents and scores). Frozen: it changes only for correctness or memory;
new search features go to ``whoosh_plain`` first. ``backend.open_backend`` is its entry point.
"""
