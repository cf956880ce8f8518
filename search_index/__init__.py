"""search_index: the union catalogue's search engines behind two ports, VuFind-style.

``ports`` declares the engine-neutral types that cross them (``SearchParams`` in,
``SearchAnswer`` out; ``IndexDocument`` written) and the read and write protocols;
``backends.open_backend(name, settings)`` loads one backend, one folder each:
``whoosh_fast`` (the accelerated Whoosh writer and evaluator, frozen) and ``whoosh_plain``
(Whoosh's public API only), which share ``whoosh_common`` and read and write the same index.
``analysis`` is the CJK-aware analysis every backend indexes with.

This package is a library: it imports nothing of ``consortium`` or ``feeds`` (the consortium
imports it). Importing it is cheap: no index is opened and no jieba dictionary is loaded.
"""
