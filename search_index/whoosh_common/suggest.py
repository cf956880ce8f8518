"""Did-you-mean on a Whoosh index: the lookups of ``search_index.spelling`` (which holds the
rules) answered by a searcher — document frequencies from its term dictionary, and the
``spell`` words of every segment.

Whoosh's corrector walks every word of a field in Python for each misspelt word (seconds at a
million works). Here each segment's words are read once per process, grouped by length and
first letter (segments never change; a merge makes a new one), and compared in C by
``spelling.closest_word``.
"""
import threading

from search_index import spelling

SPELL_FIELD = spelling.SPELL_FIELD


class Vocabularies:
    """Per-process cache of each segment's ``spell`` words by length and first letter, with
    their document frequencies (keyed by segment id; at most ``max_segments`` kept)."""

    def __init__(self, max_segments: int = 64):
        self._segments: dict[str, dict[tuple[int, str], tuple[list[str], list[int]]]] = {}
        self._lock = threading.Lock()
        self.max_segments = max_segments

    def of(self, reader) -> list[dict[tuple[int, str], tuple[list[str], list[int]]]]:
        """The word tables of every segment of ``reader`` (a searcher's reader)."""
        return [self._segment(leaf) for leaf, _offset in reader.leaf_readers()]

    def _segment(self, leaf) -> dict[tuple[int, str], tuple[list[str], list[int]]]:
        segment = leaf.segment() if hasattr(leaf, "segment") else None
        key = segment.segment_id() if segment is not None else None
        found = self._segments.get(key) if key else None
        if found is None:
            found = _words_by_length(leaf)
            if key:
                with self._lock:
                    if len(self._segments) >= self.max_segments:
                        self._segments.clear()
                    self._segments[key] = found
        return found


def _words_by_length(leaf) -> dict[tuple[int, str], tuple[list[str], list[int]]]:
    """A segment's spell words and document frequencies by ``(length, first letter)``."""
    if SPELL_FIELD not in leaf.schema or SPELL_FIELD not in leaf.indexed_field_names():
        return {}
    return spelling.word_table((_text(btext), info.doc_frequency()) for btext, info in leaf.iter_field(SPELL_FIELD))


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def suggestion_for(searcher, text: str, vocabularies: Vocabularies | None = None) -> str | None:
    """``spelling.suggestion`` over ``searcher``'s index, or None when nothing changed."""
    vocabularies = vocabularies or Vocabularies()

    def frequencies(field: str, terms: list[str]) -> dict[str, int]:
        return {term: searcher.doc_frequency(field, term) for term in terms}

    return spelling.suggestion(text, frequencies, lambda _words: vocabularies.of(searcher.reader()))
