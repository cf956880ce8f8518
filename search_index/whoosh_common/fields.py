"""An ``IndexDocument`` as the fields of a Whoosh document (``whoosh_common.schema``). Pure."""
from search_index import documents
from search_index.analysis.folding import fold_key
from search_index.ports import IndexDocument
from search_index.whoosh_common import facet_key as keys

# Raise when ``whoosh_fields`` puts different text into a field (the index's content version
# includes it, so an index written before is rebuilt). 2: the members' own titles, authors
# and identifiers are indexed with the work's; exact-title keys. 3: title-start keys among the
# exact keys; the ``tie_order`` column.
DOCUMENT_VERSION = 3


def whoosh_fields(doc: IndexDocument) -> dict:
    """The Whoosh document of a work that at least one member holds."""
    values = documents.facet_values(doc)
    # the filter fields are never empty (a work has a format and an availability)
    return {**shared_fields(doc), "tags": tags(values), "facet_key": keys.facet_key(values)}


def shared_fields(doc: IndexDocument) -> dict:
    """The fields every backend indexes alike (the Whoosh document without its filter
    fields): the texts whose terms are counted, the sort and order keys, the exact-title
    keys and the result body. Empty texts are left out, but for the title."""
    payload = documents.result_payload(doc)
    found = payload["variants"]  # the members' own titles, searched with the work's
    more_authors = documents.variant_authors(doc)
    other_titles = [_join(v["title"], v["subtitle"]) for v in found]
    authors = list(doc.authors) + more_authors
    latin = " ".join([doc.title or "", *(v["title"] for v in found), " ".join(authors),
                      " ".join(doc.subjects)])
    fields = {
        "id": str(doc.id),
        "title": " ; ".join([_join(doc.title, doc.subtitle), *other_titles]),
        "authors": " ; ".join(authors),
        "subjects": " ; ".join(doc.subjects),
        "text": _join(doc.publisher, doc.summary),
        "spell": latin,
        "isbn": " ".join(documents.all_identifiers(doc)),
        "clc": doc.clc or "",
        "acquired": documents.newest_acquisition(doc),
        "first_seen": documents.first_seen(doc),
        "title_sort": fold_key(doc.title) or "~",
        "payload": documents.encode_payload(payload),
        "exact": ",".join(documents.exact_keys(doc, found, more_authors) + documents.start_keys(doc, found)),
        "tie_order": documents.tie_order(doc),
    }
    if doc.year:
        fields["year"] = int(doc.year)
    return {k: v for k, v in fields.items() if v != "" or k == "title"}


def tag(kind: str, value: str) -> str:
    """A filter term of the ``tags`` field: ``member:NJU``, ``format:book``, ``available:1``."""
    return f"{kind}:{value}"


def tags(values: dict[str, tuple[str, ...]]) -> str:
    """The filter terms of a document's members, format, availability and language."""
    terms = [tag("member", m) for m in values["member"]] + [tag("format", values["format"][0]),
                                                            tag("available", values["available"][0])]
    terms += [tag("language", language) for language in values["language"]]
    return ",".join(terms)


def _join(*parts) -> str:
    return " ".join(p for p in parts if p)
