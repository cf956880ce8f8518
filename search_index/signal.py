"""The holdings signal for question routing: works matching a reader's question, per member.

A question is a sentence, not a query: requiring every word would match nothing. So each
content word (jieba words of two or more characters, Latin words of three or more letters) is
searched on its own and a work counts when it matches any of them, or any identifier. Words
matching more than ``COMMON_SHARE`` of the index (and more than ``COMMON_MIN`` works) say
nothing about a title and are skipped.
"""
import re
from collections import Counter

from whoosh import query

from consortium.catalogue import normalise
from search_index import analysis, facets
from search_index.analysis import identifier_query_terms

MAX_WORDS = 12
COMMON_SHARE, COMMON_MIN = 0.01, 50
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]{3,}")
_STOP = frozenset("the and for with about are was were have has this that from what which how who any".split())


def content_words(text: str) -> list[str]:
    words: list[str] = []
    for han, latin in analysis.split_runs(text):
        if han:
            run = normalise.fold_chinese(han)
            pieces = [w for w in analysis.jieba_tokenizer().lcut(run) if len(w) >= 2] or [run]
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
        for term in identifier_query_terms(str(ident)):
            docs.update(searcher.docs_for_query(query.Term("isbn", term)))
    return docs


def count_per_member(searcher, docs: set[int]) -> dict[str, int]:
    if not docs:
        return {}
    column = searcher.reader().column_reader(facets.GROUP)
    counts: Counter = Counter()
    for doc in docs:
        value = column[doc]
        key = value.decode("utf-8") if isinstance(value, bytes) else value
        counts.update(m for m in key.split(facets.SEPARATOR)[0].split(",") if m)
    return dict(counts)
