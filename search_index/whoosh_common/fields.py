"""An ``IndexDocument`` as the fields of a Whoosh document (``whoosh_common.schema``). Pure."""
from search_index import documents
from search_index.analysis.folding import fold_key
from search_index.ports import IndexDocument
from search_index.whoosh_common import facet_key as keys


def whoosh_fields(doc: IndexDocument) -> dict:
    """The Whoosh document of a work that at least one member holds."""
    values = documents.facet_values(doc)
    latin = " ".join([doc.title or "", " ".join(doc.authors), " ".join(doc.subjects)])
    fields = {
        "id": str(doc.id),
        "title": _join(doc.title, doc.subtitle),
        "authors": " ; ".join(doc.authors),
        "subjects": " ; ".join(doc.subjects),
        "text": _join(doc.publisher, doc.summary),
        "spell": latin,
        "isbn": " ".join(doc.isbns + doc.issns),
        "clc": doc.clc or "",
        "acquired": documents.newest_acquisition(doc),
        "first_seen": documents.first_seen(doc),
        "title_sort": fold_key(doc.title) or "~",
        "payload": documents.encode_payload(documents.result_payload(doc)),
        "tags": tags(values),
        "facet_key": keys.facet_key(values),
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
