"""The embed kit member web pages use: ``<daodu-feed>`` (``/embed/widget.js``), an HTML
fragment endpoint, a self-resizing iframe page, and the librarian's snippet builder.

It is served by the consortium app (wired in ``consortium/feeds_wiring.py``) and reads
feeds only for a member whose registered site origins include the asking page's origin.
"""
