"""A ``search_index.ports.SearchAnswer`` as the ``/api/v1/search`` body (DESIGN.md "Read"),
which is also what the pages, feeds and guides read. Pure."""
from search_index.documents import HOLDING_FIELDS, RESULT_FIELDS
from search_index.ports import FacetCount, Hit, SearchAnswer

_LISTS = ("authors", "isbns", "issns", "subjects")


def answer_body(answer: SearchAnswer) -> dict:
    return {"total": answer.total, "page": answer.page, "per_page": answer.per_page,
            "results": [hit_body(hit) for hit in answer.hits],
            "facets": {name: [facet_row(row) for row in rows] for name, rows in answer.facets.items()},
            "suggestion": answer.suggestion, "corrected_from": answer.corrected_from}


def hit_body(hit: Hit) -> dict:
    body = {name: getattr(hit, name) for name in RESULT_FIELDS}
    for name in _LISTS:
        body[name] = list(body[name])
    body["holdings"] = [{name: getattr(holding, name) for name in HOLDING_FIELDS} for holding in hit.holdings]
    body["acquired_on"] = hit.acquired_on
    body["highlight"] = dict(hit.highlight)
    variant = hit.variant
    body["variant"] = ({"member": variant.member, "title": variant.title, "subtitle": variant.subtitle}
                       if variant else None)
    return body


def facet_row(row: FacetCount) -> dict:
    body = {"value": row.value, "count": row.count}
    if row.year_from is not None:
        body["year_from"], body["year_to"] = row.year_from, row.year_to
    return body
