"""``SearchParams`` → Whoosh queries: fielded syntax, identifier spotting, filters, fallback.

A query that does not parse cleanly is searched as its plain words: readers never see a
syntax error. Both Whoosh backends search with these queries.
"""
import re

from whoosh import query
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.qparser import FieldAliasPlugin, MultifieldPlugin, QueryParser

from member_sites.record.identifiers import normalise_isbn
from search_index import documents
from search_index.analysis import terms as analysis_terms
from search_index.analysis.folding import exact_key
from search_index.ports import SearchParams
from search_index.whoosh_common.fields import tag
from search_index.whoosh_common.schema import FIELD_ALIASES, QUERY_FIELDS

TEXT_FIELDS = ("title", "authors", "subjects", "text")
DEFAULT_FIELDS = ("title", "authors", "subjects", "text")
FIELD_BOOSTS = {"title": 2.0, "authors": 1.0, "subjects": 1.0, "text": 1.0}
_ISBN_LIKE = re.compile(r"^(?:97[89][\d\-]{10,14}|[\dXx\-]{10,13})$")
_ISSN_LIKE = re.compile(r"^\d{4}-\d{3}[\dXx]$")
_WORDS = re.compile(r"\w+", re.UNICODE)
# Added to the score of a work whose title (or author and title) the query equals: far above
# any BM25F score, so such works rank first and among themselves by their scores.
EXACT_BOOST = 1000.0
# Added to the score of a work whose title begins with the query's words (``documents.
# start_keys``; a title equal to the query begins with them too): such works rank after the
# exact titles and before those that only hold the words (a reader who types a title's first
# words means that title, not one merely using them).
START_BOOST = EXACT_BOOST / 2
# A field prefix as the parser reads one (``title:``); other colons are a title's punctuation
_FIELD_PREFIX = re.compile(r"(?<!\w)(\w+):(?=\S)")
# The names a reader may give a field (the parser also takes any other field of the schema)
_QUERY_FIELD_NAMES = frozenset(QUERY_FIELDS).union(*FIELD_ALIASES.values())


class CatalogueParser(QueryParser):
    """Fielded parsing with Han runs as required bigrams plus optional jieba words."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if fieldname not in TEXT_FIELDS or not self.schema or fieldname not in self.schema:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        required, optional = [], []
        for token in self.schema[fieldname].analyzer(text, mode="query", removestops=removestops):
            bucket = optional if getattr(token, "optional", False) else required
            if token.text not in bucket:
                bucket.append(token.text)
        if not required:
            return None
        terms = [termclass(fieldname, t, boost=boost) for t in required]
        base = terms[0] if len(terms) == 1 else query.And(terms)
        if optional:
            return query.AndMaybe(base, query.Or([query.Term(fieldname, t) for t in optional]))
        return base


def catalogue_phrase(fieldname, words, slop=1, boost=1.0, char_ranges=None):
    """A quoted phrase (the parser's ``phraseclass``): the index keeps no positions, so a
    phrase in a text field requires its words and the shingles of its Latin words in a row
    (``analysis.terms.phrase_terms``); in any other field, its terms."""
    if fieldname in TEXT_FIELDS:
        texts = analysis_terms.phrase_terms(words)
    else:
        texts = list(dict.fromkeys(words))
    if not texts:
        return query.NullQuery
    terms = [query.Term(fieldname, text, boost=boost) for text in texts]
    return terms[0] if len(terms) == 1 else query.And(terms)


def make_parser(schema) -> CatalogueParser:
    parser = CatalogueParser(None, schema, phraseclass=catalogue_phrase)
    parser.add_plugin(MultifieldPlugin(DEFAULT_FIELDS, fieldboosts=FIELD_BOOSTS))
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    return parser


def spot_identifiers(text: str) -> str:
    """Unfielded words that are ISBNs or ISSNs become ``isbn:`` terms."""
    words = []
    for word in text.split():
        if ":" not in word and _ISBN_LIKE.match(word):
            try:
                word = f"isbn:{normalise_isbn(word)}"
            except ValueError:
                pass
        elif ":" not in word and _ISSN_LIKE.match(word):
            word = f"isbn:{word.upper()}"
        words.append(word)
    return " ".join(words)


def _has_error(q) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children()) if q.is_leaf() is False else False


def plain_words(text: str) -> str:
    """The words of a query without any syntax (the fallback for a query that fails to parse)."""
    return " ".join(_WORDS.findall(text))


def parse_text(parser, text: str):
    """The query for the reader's text (``Every`` for none; plain words when syntax fails),
    with works whose title the text equals, or begins with (``exact_boost``), ranked first."""
    text = spot_identifiers(text.strip())
    if not text:
        return query.Every()
    parsed = _parse(parser, text)
    exact = exact_boost(text, _field_names(parser))
    if exact is None or parsed is query.NullQuery:
        return parsed
    return query.AndMaybe(parsed, exact)


def exact_boost(text: str, fieldnames: frozenset = _QUERY_FIELD_NAMES):
    """The boost of works whose title, or author and title, equal the unfielded query, or
    whose title begins with it; None for a fielded one (a colon that follows no field name —
    "Law, The :", "Research on evaluation:" — is a title's punctuation, not a field)."""
    if any(name in fieldnames for name in _FIELD_PREFIX.findall(text)):
        return None
    key = exact_key(text)
    if not key:
        return None
    exact = query.Term("exact", key, boost=EXACT_BOOST)
    starts = documents.start_query_keys(text)
    if not starts:
        return exact
    # the start's words each carry a share of the boost: together they add START_BOOST
    start = query.And([query.Term("exact", word, boost=START_BOOST / len(starts)) for word in starts])
    return query.Or([exact, start])


def _field_names(parser) -> frozenset:
    """The names the parser takes for fields: the schema's and their aliases."""
    return _QUERY_FIELD_NAMES.union(parser.schema.names() if parser.schema else ())


def _parse(parser, text: str):
    try:
        parsed = parser.parse(text)
        if not _has_error(parsed) and parsed is not query.NullQuery:
            return parsed
    except Exception:  # whoosh's parser raises assorted errors on odd syntax: search plain words
        pass
    words = plain_words(text)
    if not words:
        return query.NullQuery
    return parser.parse(" ".join(f"'{w}'" for w in words.split()))


def filter_queries(params: SearchParams) -> list:
    """The filter parameters as queries (they restrict the matches and add no score)."""
    parts = []
    if params.member:
        parts.append(_any("member", params.member))
    if params.format:
        parts.append(_any("format", params.format))
    if params.language:
        parts.append(_any("language", params.language))
    if params.year_from is not None or params.year_to is not None:
        parts.append(query.NumericRange("year", params.year_from, params.year_to))
    if params.clc:
        parts.append(query.Term("clc", params.clc))
    if params.available is not None:
        parts.append(query.Term("tags", tag("available", "1" if params.available else "0")))
    if params.acquired_since is not None:
        parts.append(ColumnRange("acquired", int(params.acquired_since.strftime("%Y%m%d")), None))
    if params.first_seen_after is not None or params.first_seen_until is not None:
        low = documents.epoch_seconds(params.first_seen_after) + 1 if params.first_seen_after else None
        high = documents.epoch_seconds(params.first_seen_until) if params.first_seen_until else None
        parts.append(ColumnRange("first_seen", low, high))
    return parts


def _any(kind: str, values: list[str]):
    terms = [query.Term("tags", tag(kind, v)) for v in values]
    return terms[0] if len(terms) == 1 else query.Or(terms)


class ColumnRange(query.Query):
    """Documents whose value in a numeric column-only field lies in ``[low, high]`` (either
    end open when None). ``whoosh_fast.evaluate`` answers it from the column array; this
    matcher, over Whoosh's public column reader, is what ``whoosh_plain`` uses."""

    def __init__(self, fieldname: str, low: int | None, high: int | None, boost: float = 1.0):
        self.fieldname, self.low, self.high, self.boost = fieldname, low, high, boost

    def __repr__(self):
        return f"ColumnRange({self.fieldname!r}, {self.low!r}, {self.high!r})"

    def __eq__(self, other):
        return isinstance(other, ColumnRange) and repr(self) == repr(other)

    def __hash__(self):
        return hash(repr(self))

    def accepts(self, value) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def estimate_size(self, ixreader) -> int:
        return ixreader.doc_count_all()

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        column = reader.column_reader(self.fieldname, translate=False)
        ids = [d for d in range(reader.doc_count_all()) if self.accepts(column[d]) and not reader.is_deleted(d)]
        return ListMatcher(ids, all_weights=self.boost) if ids else NullMatcher()


def query_terms(q, fieldnames: tuple[str, ...]) -> set[str]:
    """Texts of the query's terms in the given fields (the words a highlight marks)."""
    terms = set()
    for fieldname, text in q.iter_all_terms():
        if fieldname in fieldnames:
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def sort_name(params: SearchParams) -> str:
    """The sort in effect: a search without words is listed newest first."""
    if params.sort == "relevance" and not params.q:
        return "newest"
    return params.sort
