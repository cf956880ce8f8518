"""Feed building for Daodu: Atom / RSS 2.0 (feedgen behind a thin adapter), JSON Feed 1.1,
OPML, conditional GET, RFC 5005 paging and WebSub hints.

The pure pieces (``model``, ``formats``, ``opml``, ``conditional``, ``paging``, ``filters``)
import neither Flask nor the database; ``service`` reads the catalogue and ``views`` serves.
"""
