"""Index and query terms of Chinese and Latin text, identifiers and CLC numbers.

Han runs are folded traditional → simplified and variant characters to one form
(``folding``) and indexed as overlapping character bigrams (recall: any two adjacent
characters of a title find it) plus jieba search-mode words of three or more characters
(two-character words are bigrams already). At query time the bigrams of a run are required
and the jieba words are optional boosts. Latin words are lowercased, accent-folded,
stop-filtered and stemmed.

Phrases without positions: each pair of Latin words that follow one another (stop words
left out, no Han run between them) is also indexed as one term, a shingle ``"open sourc"``.
A quoted phrase requires its words and its shingles, so ``"open source software"`` finds the
words in that order and not a title that merely holds all three; a Han phrase requires its
bigrams, which chain its characters in order. This keeps the index without positions (a
fifth the size, and the fast evaluator's term arithmetic) at the price of one term per word.
jieba's dictionary loads once per process, on the first Han text, never at import.

``index_terms`` counts a value's terms with plain functions: the fast path of the declared
Whoosh chains in ``search_index.whoosh_common.analyzers`` (tests check the two agree).
"""
import logging
import re
import threading
import unicodedata
from functools import lru_cache

from whoosh.analysis import StopFilter
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from member_sites.record.clc import clc_prefixes
from member_sites.record.identifiers import normalise_isbn
from search_index.analysis.folding import fold_chinese, fold_variants

# Han ideographs: Extension A, the unified block and the compatibility ideographs of the
# Basic Multilingual Plane, and all of the Supplementary and Tertiary Ideographic Planes
# (Extensions B to I, the compatibility supplement; the planes hold nothing else, so
# ideographs newer than Python's Unicode tables count too). Name characters live there, and
# OpenCC folds some 850 traditional characters to them (痮 → 𪽪): every term of a Han run
# must be Han by this class, or the analyzer and a quoted phrase would take it for a word.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
RUNS = re.compile(rf"([{HAN}]+)|([^\W{HAN}_]+)", re.UNICODE)
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")
_HAN_START = re.compile(rf"[{HAN}]")
_jieba = None
_jieba_lock = threading.Lock()


def split_runs(text: str):
    """``(han_run, None)`` or ``(None, latin_word)`` pairs of a text, in order."""
    for match in RUNS.finditer(text or ""):
        yield match.group(1), match.group(2)


def jieba_tokenizer():
    """The process's jieba tokenizer, its dictionary loaded on first use (thread-safe)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba  # lazily: a heavy import, and its dictionary is loaded below

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba = tokenizer
    return _jieba


def load_dictionaries() -> None:
    """Load jieba's dictionary and OpenCC's tables now (a long-running writer calls this
    when it starts, so its first batch is not the one that pays for them)."""
    jieba_tokenizer()
    fold_chinese("繁")


@lru_cache(maxsize=65536)
def han_terms(raw_run: str, query: bool) -> tuple[tuple[str, int, int, bool], ...]:
    """Terms of one Han run as ``(text, start, end, optional)``, offsets in the run.

    Cached: the same run recurs across fields of a document (title in ``title`` and
    ``text``) and across documents (publishers, names, subjects).
    """
    return tuple(_han_terms(fold_variants(raw_run), query))


def _han_terms(run: str, query: bool) -> list[tuple[str, int, int, bool]]:
    if len(run) == 1:
        return [(run, 0, 1, False)]
    terms = [(run[i:i + 2], i, i + 2, False) for i in range(len(run) - 1)]
    if len(run) > 2:
        for word, start, end in jieba_tokenizer().tokenize(run, mode="search"):
            if len(word) >= 3:
                terms.append((word, start, end, query))
    return terms


SHINGLE_SEPARATOR = " "  # never inside a word, so a shingle is never a word's term


def shingle(first: str, second: str) -> str:
    """The term of two index forms that follow one another."""
    return f"{first}{SHINGLE_SEPARATOR}{second}"


def is_han(term: str) -> bool:
    """Whether an index term comes from a Han run (its bigrams and words)."""
    return bool(term) and _HAN_START.match(term) is not None


def phrase_terms(words) -> list[str]:
    """The terms a quoted phrase requires, from its analysed query tokens in order: its
    Latin words and Han bigrams (not jieba's optional words, which a record may segment
    otherwise), and a shingle for each two Latin words in a row."""
    terms, previous = [], None
    for word in words:
        if is_han(word):
            previous = None
            if len(word) <= 2:
                terms.append(word)
            continue
        terms.append(word)
        if previous is not None:
            terms.append(shingle(previous, word))
        previous = word
    return list(dict.fromkeys(terms))


def text_form(word: str) -> str | None:
    """A Latin word's index form in a text field (folded, stemmed), or None for a stop word."""
    return _text_form(word)


def shingled_pairs(text: str) -> list[tuple[str, str]]:
    """The pairs of Latin words of ``text`` (as written) that the index would hold as
    shingles: each two words in a row, stop words left out, a Han run breaking the chain."""
    pairs, previous = [], None
    for han, word in RUNS.findall(text or ""):
        if han:
            previous = None
        elif _text_form(word) is not None:
            if previous is not None:
                pairs.append((previous, word))
            previous = word
    return pairs


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
    indexes it. Cached for values up to ``CACHED_VALUE_CHARS``: a work is indexed again with
    the same text whenever another member adds its holding, and publishers, names and
    subjects recur across works (pairs of a str and an int, which the collector soon stops
    tracking)."""
    if len(value) > CACHED_VALUE_CHARS:
        return _count_terms(value, spelling)
    return _cached_terms(value, spelling)


def _count_terms(value: str, spelling: bool) -> tuple[tuple[str, int], ...]:
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    counts: dict[str, int] = {}
    get = counts.get
    if spelling:
        for _han, word in RUNS.findall(text):
            if word:
                form = _spell_form(word)
                counts[form] = get(form, 0) + 1
        return tuple(counts.items())
    previous = None  # the last Latin form, for shingles (a Han run breaks the chain)
    for han, word in RUNS.findall(text):
        if han:
            for form in _han_index_forms(han):
                counts[form] = get(form, 0) + 1
            previous = None
        else:
            form = _text_form(word)
            if form is not None:
                counts[form] = get(form, 0) + 1
                if previous is not None:
                    pair = shingle(previous, form)
                    counts[pair] = get(pair, 0) + 1
                previous = form
    return tuple(counts.items())


_cached_terms = lru_cache(maxsize=65536)(_count_terms)


@lru_cache(maxsize=65536)
def _han_index_forms(raw_run: str) -> tuple[str, ...]:
    """The index terms of one Han run after ``text_analyzer``'s filters."""
    return tuple(form for form in (_text_form(term[0]) for term in han_terms(raw_run, False)) if form is not None)


def identifier_index_terms(value: str) -> list[str]:
    """ISBN/ISSN index terms of whitespace-separated normalised identifiers (ISBN-13,
    ``NNNN-NNNC``): compact forms, the ISBN-13 with its ISBN-10 (queries are stripped of
    hyphens, so hyphenated forms add nothing), the ISSN without its hyphen."""
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
    """The query term of an identifier as typed: an ISBN as its ISBN-13, else compacted."""
    compact = _NON_ALNUM.sub("", unicodedata.normalize("NFKC", value)).upper()
    if len(compact) in (10, 13):
        try:
            return [normalise_isbn(compact)]
        except ValueError:
            pass
    return [compact] if compact else []


def clc_text(value: str) -> str:
    return unicodedata.normalize("NFKC", value).upper().replace(" ", "")


def clc_index_terms(value: str) -> list[str]:
    """Each class number of ``value`` with its whole hierarchy, so ``TP3`` matches ``TP311.13``."""
    terms = set()
    for clc in value.split():
        terms.add(clc)
        terms.update(clc_prefixes(clc))
    return sorted(terms)
