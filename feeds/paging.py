"""RFC 5005 paged feeds: which neighbour links one page carries. Pure."""
from urllib.parse import urlencode

from feeds.model import Links


def page_links(base_url: str, path: str, query_of, page: int, has_next: bool,
               alternate: str, hub: str | None = None) -> Links:
    """Links of page ``page``: ``first`` always, ``previous`` after page 1, ``next`` when more.

    ``query_of(page)`` gives the canonical query for a page number (defaults left out), so
    equal requests produce equal links and therefore equal bytes.
    """

    def url(p: int) -> str:
        query = urlencode(query_of(p))
        return f"{base_url}{path}" + (f"?{query}" if query else "")

    return Links(
        self=url(page),
        alternate=alternate,
        first=url(1),
        next=url(page + 1) if has_next else None,
        previous=url(page - 1) if page > 1 else None,
        hub=hub,
    )
