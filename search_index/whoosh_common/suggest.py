"""Did-you-mean: misspelt Latin words from the unstemmed ``spell`` field's words, Chinese
characters typed wrong from characters that sound alike (拼音) in the indexed titles.

Whoosh's corrector walks every word of a field in Python for each misspelt word (seconds at a
million works). Here each segment's words are read once per process, grouped by length
(segments never change; a merge makes a new one), and the closest are found with RapidFuzz's
Levenshtein distance in C. A Han run whose character pairs are not indexed gets one character
at a time swapped for a homophone (pypinyin's readings, tones ignored) when that makes every
pair around it an indexed title pair; variants are folded by the analysis already.
"""
import re
import threading
import unicodedata
from collections import defaultdict
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from search_index.analysis import terms as analysis_terms
from search_index.analysis.folding import fold_variants

# words of three or more letters, also after a field prefix (title:algoritms), but not a
# field name itself (a word followed by a colon and more text)
_LATIN_WORD = re.compile(r"(?<!\w)([A-Za-z\u00C0-\u024F]{3,})(?!\w)(?!:\S)")
_HAN_RUN = re.compile(rf"([{analysis_terms.HAN}]{{2,}})")
MAX_DISTANCE = 2
# Han characters swapped per run (a longer query with more slips is left alone)
MAX_HAN_FIXES = 2
SPELL_FIELD, TITLE_FIELD = "spell", "title"


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
    table: dict[tuple[int, str], tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    if SPELL_FIELD not in leaf.schema or SPELL_FIELD not in leaf.indexed_field_names():
        return {}
    for btext, info in leaf.iter_field(SPELL_FIELD):
        word = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        words, freqs = table[len(word), word[:1]]
        words.append(word)
        freqs.append(info.doc_frequency())
    return dict(table)


def suggestion_for(searcher, text: str, vocabularies: Vocabularies | None = None) -> str | None:
    """The query with each unknown Latin word replaced by the closest indexed word and each
    Han run's mistyped characters by indexed homophones, or None when nothing changed."""
    vocabularies = vocabularies or Vocabularies()
    changed = False
    tables = None

    def fix_latin(match):
        nonlocal changed, tables
        word = match.group(1)
        lowered = word.lower()
        if searcher.doc_frequency(SPELL_FIELD, lowered) > 0:
            return word
        if tables is None:
            tables = vocabularies.of(searcher.reader())
        best = closest_word(lowered, tables)
        if best is None:
            return word
        changed = True
        return best

    def fix_han(match):
        nonlocal changed
        fixed = homophone_fix(searcher, fold_variants(match.group(1)))
        if fixed is None:
            return match.group(1)
        changed = True
        return fixed

    fixed = _HAN_RUN.sub(fix_han, _LATIN_WORD.sub(fix_latin, text))
    return fixed if changed else None


def closest_word(word: str, tables) -> str | None:
    """The indexed word nearest to ``word`` (Levenshtein distance at most ``MAX_DISTANCE``),
    the most frequent of equally near ones; None when none is near. Words with the same
    first letter are compared first (readers seldom mistype it, and it spares comparing the
    word with every other of its length); the others only when none of those is near."""
    lengths = range(len(word) - MAX_DISTANCE, len(word) + MAX_DISTANCE + 1)
    same_start = [(length, word[:1]) for length in lengths]
    totals = _near(word, tables, lambda table: same_start)
    if not totals:
        totals = _near(word, tables, lambda table: [key for key in table if key[0] in lengths and key[1] != word[:1]])
    if not totals:
        return None
    return min(totals, key=lambda w: (totals[w][0], -totals[w][1], w))


def _near(word: str, tables, keys_of) -> dict[str, list[int]]:
    """``{candidate: [distance, document frequency over segments]}`` within the keys."""
    totals: dict[str, list[int]] = {}
    for table in tables:
        for key in keys_of(table):
            words, freqs = table.get(key, ((), ()))
            if not words:
                continue
            for candidate, distance, index in process.extract(word, words, scorer=Levenshtein.distance,
                                                              score_cutoff=MAX_DISTANCE, limit=None):
                entry = totals.setdefault(candidate, [distance, 0])
                entry[1] += freqs[index]
    return totals


def homophone_fix(searcher, run: str) -> str | None:
    """``run`` with up to ``MAX_HAN_FIXES`` characters swapped for homophones so that every
    character pair around each swap is an indexed title pair (the most frequent such), or
    None when its pairs are all indexed already or no swap helps."""
    def indexed(pair: str) -> int:
        return searcher.doc_frequency(TITLE_FIELD, pair)

    chars, fixes = list(run), 0
    for _ in range(MAX_HAN_FIXES):
        missing = [i for i in range(len(chars) - 1) if not indexed(chars[i] + chars[i + 1])]
        if not missing:
            break
        best = _best_swap(chars, {missing[0], missing[0] + 1}, indexed)
        if best is None:
            return None
        position, char = best
        chars[position] = char
        fixes += 1
    fixed = "".join(chars)
    if not fixes or any(not indexed(fixed[i:i + 2]) for i in range(len(fixed) - 1)):
        return None
    return fixed


def _best_swap(chars: list[str], positions: set[int], indexed) -> tuple[int, str] | None:
    best, best_score = None, 0
    for position in sorted(positions):
        for char in homophones(chars[position]):
            pairs = [chars[position - 1] + char] if position > 0 else []
            if position + 1 < len(chars):
                pairs.append(char + chars[position + 1])
            score = min(indexed(pair) for pair in pairs) if pairs else 0
            if score > best_score:
                best, best_score = (position, char), score
    return best


def homophones(char: str) -> tuple[str, ...]:
    """Other characters read like ``char`` in any of its readings (tones ignored)."""
    table = _readings()
    found = dict.fromkeys(other for reading in _char_readings().get(char, ()) for other in table.get(reading, ()))
    found.pop(char, None)
    return tuple(found)


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, tuple[str, ...]]:
    """Each Han character's toneless readings, from pypinyin's character table."""
    from pypinyin.pinyin_dict import pinyin_dict  # lazily: a table of 40,000 characters

    readings = {}
    for codepoint, pinyin in pinyin_dict.items():
        char = chr(codepoint)
        if analysis_terms.is_han(char):
            readings[char] = tuple(dict.fromkeys(_toneless(p) for p in pinyin.split(",")))
    return readings


@lru_cache(maxsize=1)
def _readings() -> dict[str, tuple[str, ...]]:
    """Each toneless reading's common characters (GB 2312's 6,763: index terms are folded to
    simplified characters, and a rare one is seldom what a reader meant), so a reading such
    as "ji" offers dozens of candidates rather than hundreds."""
    table: dict[str, list[str]] = defaultdict(list)
    for char, readings in _char_readings().items():
        if _common(char):
            for reading in readings:
                table[reading].append(char)
    return {reading: tuple(chars) for reading, chars in table.items()}


def _common(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=4096)  # some 1,500 toned syllables recur across 40,000 characters
def _toneless(pinyin: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", pinyin) if not unicodedata.combining(ch))
