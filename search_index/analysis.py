"""Composable Whoosh analysis for Chinese and Latin text, identifiers and CLC numbers.

Han runs are folded traditional → simplified (OpenCC) and indexed as overlapping character
bigrams (recall: any two adjacent characters of a title find it) plus jieba search-mode words
of three or more characters (two-character words are bigrams already). At query time the
bigrams of a run are required and the jieba words are optional boosts (``token.optional``),
see ``search_index.query``. Latin words are lowercased, accent-folded, stop-filtered and
stemmed. jieba's dictionary loads once per process, on the first Han text, never at import.
"""
import logging
import re
import threading
import unicodedata
from functools import lru_cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from consortium.catalogue import normalise
from member_sites.record.clc import clc_prefixes
from member_sites.record.identifiers import normalise_isbn

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_HAN}]+)|([^\W{_HAN}_]+)", re.UNICODE)
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")
_jieba = None
_jieba_lock = threading.Lock()


def split_runs(text: str):
    """``(han_run, None)`` or ``(None, latin_word)`` pairs of a text, in order."""
    for match in _RUNS.finditer(text or ""):
        yield match.group(1), match.group(2)


def jieba_tokenizer():
    """The process's jieba tokenizer, its dictionary loaded on first use (thread-safe)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba = tokenizer
    return _jieba


def load_dictionaries() -> None:
    """Load jieba's dictionary and OpenCC's tables now (a long-running writer calls this
    when it starts, so its first batch is not the one that pays for them)."""
    jieba_tokenizer()
    normalise.fold_chinese("繁")


@lru_cache(maxsize=65536)
def han_terms(raw_run: str, query: bool) -> tuple[tuple[str, int, int, bool], ...]:
    """Terms of one Han run as ``(text, start, end, optional)``, offsets in the run.

    Cached: the same run recurs across fields of a document (title in ``title`` and
    ``text``) and across documents (publishers, names, subjects).
    """
    return tuple(_han_terms(normalise.fold_chinese(raw_run), query))


def _han_terms(run: str, query: bool) -> list[tuple[str, int, int, bool]]:
    if len(run) == 1:
        return [(run, 0, 1, False)]
    terms = [(run[i:i + 2], i, i + 2, False) for i in range(len(run) - 1)]
    if len(run) > 2:
        for word, start, end in jieba_tokenizer().tokenize(run, mode="search"):
            if len(word) >= 3:
                terms.append((word, start, end, query))
    return terms


def _fold(term: str) -> str:
    """``LowercaseFilter`` then ``CharsetFilter(accent_map)``."""
    return term.lower().translate(accent_map)


_STOPS = StopFilter(minsize=1).stops


@lru_cache(maxsize=200_000)
def _text_form(term: str) -> str | None:
    """A term through the rest of ``text_analyzer``: folded, stop-filtered, stemmed."""
    folded = _fold(term)
    if len(folded) < 1 or folded in _STOPS:
        return None
    return porter_stem(folded)


@lru_cache(maxsize=100_000)
def _spell_form(term: str) -> str:
    return _fold(term)


# values longer than this (summaries) are counted afresh each time rather than cached
CACHED_VALUE_CHARS = 400


def index_terms(value: str, spelling: bool = False) -> tuple[tuple[str, int], ...]:
    """A value's ``(term, frequency)`` pairs as ``text_analyzer`` (or ``spelling_analyzer``)
    indexes it: the fast path of ``search_index.schema.CatalogueText`` (tests check the two
    agree). Cached for values up to ``CACHED_VALUE_CHARS``: a work is indexed again with the
    same text whenever another member adds its holding, and publishers, names and subjects
    recur across works (pairs of a str and an int, which the collector soon stops tracking)."""
    if len(value) > CACHED_VALUE_CHARS:
        return _count_terms(value, spelling)
    return _cached_terms(value, spelling)


def _count_terms(value: str, spelling: bool) -> tuple[tuple[str, int], ...]:
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    counts: dict[str, int] = {}
    get = counts.get
    if spelling:
        for _han, word in _RUNS.findall(text):
            if word:
                form = _spell_form(word)
                counts[form] = get(form, 0) + 1
        return tuple(counts.items())
    for han, word in _RUNS.findall(text):
        if han:
            for form in _han_index_forms(han):
                counts[form] = get(form, 0) + 1
        else:
            form = _text_form(word)
            if form is not None:
                counts[form] = get(form, 0) + 1
    return tuple(counts.items())


_cached_terms = lru_cache(maxsize=65536)(_count_terms)


@lru_cache(maxsize=65536)
def _han_index_forms(raw_run: str) -> tuple[str, ...]:
    """The index terms of one Han run after ``text_analyzer``'s filters."""
    return tuple(form for form in (_text_form(term[0]) for term in han_terms(raw_run, False)) if form is not None)


class MixedTokenizer(Tokenizer):
    """Splits text into Han runs (bigrams + jieba words) and Latin/digit words.

    ``latin_only`` drops Han runs (the unstemmed spelling field needs Latin words only).
    """

    def __init__(self, latin_only: bool = False):
        self.latin_only = latin_only

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.latin_only == self.latin_only

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = unicodedata.normalize("NFKC", value) if not value.isascii() else value
        query = mode == "query"
        pos = start_pos
        for match in _RUNS.finditer(text):
            if match.group(1) is not None:
                if self.latin_only:
                    continue
                run, base = match.group(1), match.start()
                for term, start, end, optional in han_terms(run, query):
                    yield self._fill(token, term, pos + start, base + start, base + end, start_char,
                                     optional, keeporiginal)
                pos += len(run)
            else:
                yield self._fill(token, match.group(2), pos, match.start(), match.end(), start_char,
                                 False, keeporiginal)
                pos += 1

    @staticmethod
    def _fill(token, text, pos, start, end, start_char, optional, keeporiginal):
        token.text = text
        token.boost = 1.0
        token.stopped = False
        token.optional = optional
        if keeporiginal:
            token.original = text
        token.pos = pos
        token.startchar = start_char + start
        token.endchar = start_char + end
        return token


class IdentifierTokenizer(Tokenizer):
    """ISBN/ISSN: every written form in the index; a query form normalised to ISBN-13.

    Index values are whitespace-separated normalised identifiers (ISBN-13, ``NNNN-NNNC``).
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = identifier_query_terms(value) if mode == "query" else identifier_index_terms(value)
        for i, term in enumerate(terms):
            token.text, token.boost, token.stopped = term, 1.0, False
            token.pos, token.startchar, token.endchar = start_pos + i, start_char, start_char + len(value)
            yield token


def identifier_index_terms(value: str) -> list[str]:
    """Compact forms: ISBN-13 and its ISBN-10 (hyphens are stripped from queries, so the
    hyphenated forms of ``isbn_forms`` add nothing), ISSN without its hyphen."""
    terms = set()
    for ident in value.split():
        compact = _NON_ALNUM.sub("", ident).upper()
        terms.add(compact)
        if len(compact) == 13 and compact.startswith("978"):
            body = compact[3:12]
            check = (11 - sum((10 - i) * int(d) for i, d in enumerate(body)) % 11) % 11
            terms.add(body + ("X" if check == 10 else str(check)))
    return sorted(terms)


def identifier_query_terms(value: str) -> list[str]:
    compact = _NON_ALNUM.sub("", unicodedata.normalize("NFKC", value)).upper()
    if len(compact) in (10, 13):
        try:
            return [normalise_isbn(compact)]
        except ValueError:
            pass
    return [compact] if compact else []


class ClcTokenizer(Tokenizer):
    """CLC class numbers: indexed as their whole hierarchy, so ``TP3`` matches ``TP311.13``."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = clc_text(value)
        terms = [text] if mode == "query" else clc_index_terms(text)
        for i, term in enumerate(terms):
            token.text, token.boost, token.stopped = term, 1.0, False
            token.pos, token.startchar, token.endchar = start_pos + i, start_char, start_char + len(value)
            yield token


def clc_text(value: str) -> str:
    return unicodedata.normalize("NFKC", value).upper().replace(" ", "")


def clc_index_terms(value: str) -> list[str]:
    terms = set()
    for clc in value.split():
        terms.add(clc)
        terms.update(clc_prefixes(clc))
    return sorted(terms)


def text_analyzer():
    """Titles, names, subjects, summaries: Chinese and Latin, folded and stemmed."""
    return (MixedTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(minsize=1) | StemFilter(cachesize=50000))


def spelling_analyzer():
    """Latin words as typed (lowercased, accents kept off), for did-you-mean."""
    return MixedTokenizer(latin_only=True) | LowercaseFilter() | CharsetFilter(accent_map)


def identifier_analyzer():
    return IdentifierTokenizer()


def clc_analyzer():
    return ClcTokenizer()
