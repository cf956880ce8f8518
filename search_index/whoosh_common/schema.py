"""The index schema both Whoosh backends read and write: one document per live union work
that some member holds.

Text fields carry no positions (``phrase=False``): readers' queries are word sets, and the
index stays small. Sortable columns back the facets and the sorts. The field classes are
pickled into the index's table of contents, so they live here, shared, and keep their names.
"""
from functools import lru_cache

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from search_index.analysis import terms as analysis_terms
from search_index.whoosh_common import analyzers

# Fields a reader may name in a query (``author:`` is an alias of ``authors``).
QUERY_FIELDS = ("title", "authors", "subjects", "isbn", "clc", "text")
# Each word is indexed once (the title field holds the subtitle, ``text`` the publisher and
# summary); a plain query searches title, authors, subjects and text together.
FIELD_ALIASES = {"authors": ["author"], "isbn": ["issn", "ident"], "subjects": ["subject"],
                 "text": ["publisher", "summary"]}


class TextColumn(COLUMN):
    """A column-only text value (facets and sorts): no postings, one column entry per doc."""

    def __init__(self):
        super().__init__(columns.VarBytesColumn())

    def to_bytes(self, v):
        return v.encode("utf-8") if isinstance(v, str) else v

    def from_bytes(self, b):
        return b.decode("utf-8") if isinstance(b, bytes) else b

    def to_column_value(self, value):
        return self.to_bytes(value)


class DirectTerms:
    """Indexing that counts a value's terms with a plain function (``term_items``) instead of
    running a token through each filter: the same terms and weights in less time (tests check
    every field against its analyzer). Queries and highlighting still use the analyzer."""

    def term_items(self, value: str) -> tuple[tuple[str, int], ...]:
        """The value's ``(term, frequency)`` pairs, each term once."""
        raise NotImplementedError

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for term, freq in self.term_items(value):
            yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)


class CatalogueText(DirectTerms, TEXT):
    """Chinese and Latin text (``analyzers.text_analyzer``; ``analysis.terms.index_terms`` counts its terms)."""

    def __init__(self, spelling: bool = False):
        super().__init__(analyzer=analyzers.spelling_analyzer() if spelling else analyzers.text_analyzer(),
                         phrase=False)
        self.for_spelling = spelling

    def term_items(self, value):
        return analysis_terms.index_terms(value, self.for_spelling)


class IdentifierText(DirectTerms, TEXT):
    """ISBN/ISSN (``analyzers.identifier_analyzer``)."""

    def __init__(self):
        super().__init__(analyzer=analyzers.identifier_analyzer(), phrase=False)

    def term_items(self, value):
        return _identifier_items(value)


@lru_cache(maxsize=65536)
def _identifier_items(value: str) -> tuple[tuple[str, int], ...]:
    """An identifier value's terms (cached: a work is indexed again whenever another member
    adds its holding)."""
    return tuple(dict.fromkeys(analysis_terms.identifier_index_terms(value), 1).items())


class ClcText(DirectTerms, TEXT):
    """CLC class numbers with their hierarchy (``analyzers.clc_analyzer``)."""

    def __init__(self):
        super().__init__(analyzer=analyzers.clc_analyzer(), phrase=False)

    def term_items(self, value):
        return _clc_items(value)


@lru_cache(maxsize=16384)
def _clc_items(value: str) -> tuple[tuple[str, int], ...]:
    """A CLC value's terms (class numbers recur across works, so they are cached)."""
    return tuple(dict.fromkeys(analysis_terms.clc_index_terms(analysis_terms.clc_text(value)), 1).items())


class Tags(DirectTerms, KEYWORD):
    """Comma-separated filter terms, kept as written (Whoosh's comma ``KEYWORD``)."""

    def __init__(self):
        super().__init__(commas=True)

    def term_items(self, value):
        return _tag_items(value)


@lru_cache(maxsize=4096)
def _tag_items(value: str) -> tuple[tuple[str, int], ...]:
    """A tags value's terms (the same few combinations of members, format, language and
    availability recur, so they are cached)."""
    counts: dict[str, int] = {}
    for piece in value.split(","):
        if piece:  # the tokenizer matches runs of non-commas, then strips them
            term = piece.strip()
            counts[term] = counts.get(term, 0) + 1
    return tuple(counts.items())


class ExactKeys(Tags):
    """Comma-separated keys of the titles a query must equal to rank first
    (``documents.exact_keys``), and of their first words (``documents.start_keys``):
    filter-like terms, no scores of their own."""


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        title=CatalogueText(),
        authors=CatalogueText(),
        subjects=CatalogueText(),
        # publisher and summary (a plain query searches title, authors, subjects and text)
        text=CatalogueText(),
        spell=CatalogueText(spelling=True),
        isbn=IdentifierText(),
        clc=ClcText(),
        # Filter terms in one field (``member:NJU``, ``format:book``, ``language:chi``,
        # ``available:1``; see fields.tags); facets read ``facet_key``. The year has one
        # term per value (a 16-bit shift step); the newest acquisition is a column only: its
        # filter and sort read the column (``query.ColumnRange``).
        tags=Tags(),
        # the exact-title keys (a query equal to a title, or to an author and a title) and the
        # title-start keys (a query equal to a title's first words)
        exact=ExactKeys(),
        year=NUMERIC(bits=16, shift_step=16, signed=False, sortable=True),
        acquired=COLUMN(columns.NumericColumn("I")),
        # when the consortium first saw the work (seconds since 1970, UTC): a column only,
        # filtered like ``acquired`` (a subscription's "new since the last digest")
        first_seen=COLUMN(columns.NumericColumn("I")),
        # the relevance order of works that score alike (``documents.tie_order``: how widely
        # held and how recent, then the work id): a column only
        tie_order=COLUMN(columns.NumericColumn("Q")),
        title_sort=TextColumn(),
        # every facet value of the work in one column value, see whoosh_common.facet_key
        facet_key=TextColumn(),
        # the result body of this work (JSON), so a result page needs no database read
        payload=STORED,
    )
