"""The index schema: one document per live union work that some member holds.

Text fields carry no positions (``phrase=False``): readers' queries are word sets, and the
index stays small. Sortable columns back the facets and the sorts.
"""
from whoosh.fields import ID, NUMERIC, STORED, TEXT, KEYWORD, Schema

from search_index import analysis

# Fields a reader may name in a query (``author:`` is an alias of ``authors``).
QUERY_FIELDS = ("title", "authors", "subjects", "publisher", "summary", "isbn", "clc", "text")
FIELD_ALIASES = {"authors": ["author"], "isbn": ["issn", "ident"], "subjects": ["subject"]}


def build_schema() -> Schema:
    text = analysis.text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, stored=True, phrase=False),
        authors=TEXT(analyzer=text, stored=True, phrase=False),
        subjects=TEXT(analyzer=text, phrase=False),
        publisher=TEXT(analyzer=text, phrase=False),
        summary=TEXT(analyzer=text, phrase=False),
        # title, subtitle, authors, publisher, subjects, summary: the default search field
        text=TEXT(analyzer=text, phrase=False),
        spell=TEXT(analyzer=analysis.spelling_analyzer(), phrase=False),
        isbn=TEXT(analyzer=analysis.identifier_analyzer(), phrase=False),
        clc=TEXT(analyzer=analysis.clc_analyzer(), phrase=False),
        clc_top=ID(sortable=True),
        clc_sub=ID(sortable=True),
        format=ID(sortable=True),
        language=ID(sortable=True),
        year=NUMERIC(sortable=True, signed=False),
        decade=ID(sortable=True),
        members=KEYWORD(commas=True),
        # the sorted member codes joined by commas: one column value per work, so the member
        # facet counts combinations and splits them (far cheaper than an overlapping facet)
        member_set=ID(sortable=True),
        available=ID(sortable=True),
        acquired=NUMERIC(sortable=True, signed=False),
        title_sort=ID(sortable=True),
        # every facet value of the work in one column value, see search_index.facets
        facet_key=ID(sortable=True),
        # fingerprint of the document, compared by `index check`
        stamp=STORED,
        # the result body of this work (JSON), so a result page needs no database read
        payload=STORED,
    )
