"""An ``IndexDocument`` as the cluster's document: the values every backend indexes
(``whoosh_common.fields.shared_fields``) with each text field's terms counted by the very function the
Whoosh schema indexes with, written out one term per line (a term appears as often as it
occurs, so frequencies and field lengths are the same as Whoosh's), and the exact-title keys.
Pure.
"""
import json
from functools import lru_cache

from search_index import documents
from search_index.opensearch.bulk import Action
from search_index.opensearch.mapping import EXACT_FIELD, TERM_FIELDS, TERM_SEPARATOR, facet_term
from search_index.ports import IndexDocument
from search_index.whoosh_common.fields import shared_fields
from search_index.whoosh_common.schema import build_schema

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=1)
def _term_counters() -> dict:
    schema = build_schema()
    return {name: schema[name].term_items for name in TERM_FIELDS}


def source(doc: IndexDocument) -> dict:
    """The document the cluster stores for a work (``_id`` is the work id)."""
    values = shared_fields(doc)
    counters = _term_counters()
    body = {name: terms_text(counters[name](values[name])) for name in TERM_FIELDS if values.get(name)}
    body.update(id=doc.id, acquired=values["acquired"], first_seen=values["first_seen"], title_sort=values["title_sort"],
                tie_order=values["tie_order"],
                facet=[facet_term(name, value) for name, found in documents.facet_values(doc).items()
                       for value in found],
                payload=values["payload"])
    if values.get("exact"):  # the keys Whoosh's field holds, comma-separated (none holds a comma)
        body[EXACT_FIELD] = values["exact"].split(",")
    if "year" in values:
        body["year"] = values["year"]
    return body


def terms_text(items) -> str:
    """``(term, frequency)`` pairs as the text the index's analyser splits into terms."""
    return TERM_SEPARATOR.join(TERM_SEPARATOR.join([term] * freq) for term, freq in items)


def actions(changed, deleted, index: str):
    """Bulk actions replacing the ``changed`` works' documents and removing the ``deleted`` ids,
    made one by one as they are taken (the analysis runs while earlier chunks are sent)."""
    for work_id in deleted:
        yield Action(work_id, (_ENCODE({"delete": {"_index": index, "_id": str(work_id)}}).encode(),))
    for doc in changed:
        yield Action(doc.id, (_ENCODE({"index": {"_index": index, "_id": str(doc.id)}}).encode(),
                              _ENCODE(source(doc)).encode()))
