"""The declared Whoosh analyzer chains of the index: tokenizer ``|`` filters.

``MixedTokenizer`` splits text into Han runs (bigrams plus jieba words, ``analysis.terms``)
and Latin/digit words; at query time a run's jieba words are marked ``token.optional`` (the
parser makes them optional boosts, ``whoosh_common.query``). Identifier and CLC tokenizers
yield every indexed form. ``analysis.terms.index_terms`` is the fast path of these chains
(property tests check every field against its chain).
"""
import unicodedata

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.support.charset import accent_map

from search_index.analysis import terms as analysis_terms


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
        for match in analysis_terms.RUNS.finditer(text):
            if match.group(1) is not None:
                if self.latin_only:
                    continue
                run, base = match.group(1), match.start()
                for term, start, end, optional in analysis_terms.han_terms(run, query):
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
        if mode == "query":
            terms = analysis_terms.identifier_query_terms(value)
        else:
            terms = analysis_terms.identifier_index_terms(value)
        for i, term in enumerate(terms):
            token.text, token.boost, token.stopped = term, 1.0, False
            token.pos, token.startchar, token.endchar = start_pos + i, start_char, start_char + len(value)
            yield token


class ClcTokenizer(Tokenizer):
    """CLC class numbers: indexed as their whole hierarchy, so ``TP3`` matches ``TP311.13``."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = analysis_terms.clc_text(value)
        terms = [text] if mode == "query" else analysis_terms.clc_index_terms(text)
        for i, term in enumerate(terms):
            token.text, token.boost, token.stopped = term, 1.0, False
            token.pos, token.startchar, token.endchar = start_pos + i, start_char, start_char + len(value)
            yield token


class ShingleFilter(Filter):
    """After each Latin term that follows another (no Han term between), their shingle
    (``analysis.terms.shingle``), for phrases without positions. Index mode only: a query's
    words stay words, and a quoted phrase asks for its shingles itself
    (``whoosh_common.query.catalogue_phrase``)."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            if token.mode == "query":
                yield token
                continue
            text = token.text
            yield token
            if analysis_terms.is_han(text):
                previous = None
                continue
            if previous is not None:
                token.text = analysis_terms.shingle(previous, text)
                yield token
            previous = text


def text_analyzer():
    """Titles, names, subjects, summaries: Chinese and Latin, folded and stemmed, with Latin
    shingles for phrases."""
    return (MixedTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(minsize=1) | StemFilter(cachesize=50000) | ShingleFilter())


def spelling_analyzer():
    """Latin words as typed (lowercased, accents kept off), for did-you-mean."""
    return MixedTokenizer(latin_only=True) | LowercaseFilter() | CharsetFilter(accent_map)


def identifier_analyzer():
    return IdentifierTokenizer()


def clc_analyzer():
    return ClcTokenizer()
