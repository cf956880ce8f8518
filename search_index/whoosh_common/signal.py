"""The holdings signal for question routing: works matching a reader's question, per member
(``SearchReader.count_matching`` of both Whoosh backends, through Whoosh's public API).

A question is a sentence, not a query: requiring every word would match nothing. So each
content word (jieba words of two or more characters, Latin words of three or more letters) is
searched on its own and a work counts when it matches any of them, or any identifier. Words
matching more than ``COMMON_SHARE`` of the index (and more than ``COMMON_MIN`` works) say
nothing about a title and are skipped.
"""
import re
from collections import Counter

from whoosh import query

from search_index.analysis import terms as analysis_terms
from search_index.analysis.folding import fold_chinese
from search_index.whoosh_common import facet_key

MAX_WORDS = 12
COMMON_SHARE, COMMON_MIN = 0.01, 50
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]{3,}")
_STOP = frozenset("the and for with about are was were have has this that from what which how who any".split())


def content_words(text: str) -> list[str]:
    words: list[str] = []
    for han, latin in analysis_terms.split_runs(text):
        if han:
            run = fold_chinese(han)
            pieces = [w for w in analysis_terms.jieba_tokenizer().lcut(run) if len(w) >= 2] or [run]
        else:
            pieces = [w.lower() for w in _LATIN.findall(latin) if w.lower() not in _STOP]
        words.extend(w for w in pieces if w not in words)
    return words[:MAX_WORDS]


def matching_docs(searcher, parser, text: str, identifiers: list[str]) -> set[int]:
    common = max(COMMON_MIN, int(searcher.doc_count() * COMMON_SHARE))
    docs: set[int] = set()
    for word in content_words(text):
        q = parser.parse(f"'{word}'")
        if q is query.NullQuery:
            continue
        found = set(searcher.docs_for_query(q))
        if len(found) <= common:
            docs |= found
    for ident in identifiers or []:
        for term in analysis_terms.identifier_query_terms(str(ident)):
            docs.update(searcher.docs_for_query(query.Term("isbn", term)))
    return docs


def count_per_member(searcher, docs: set[int]) -> dict[str, int]:
    if not docs:
        return {}
    column = searcher.reader().column_reader(facet_key.COLUMN)
    counts: Counter = Counter()
    for doc in docs:
        value = column[doc]
        counts.update(facet_key.members_of(value.decode("utf-8") if isinstance(value, bytes) else value))
    return dict(counts)
