"""Did-you-mean, engine-neutral: which words of a reader's query to correct and how, over
two lookups an engine answers — how many works hold each of some terms of a field, and the
indexed words that may be near some misspelt words.

Misspelt Latin words (three letters or more, also after a field prefix, not a field name)
are replaced by the closest indexed ``spell`` word (edit distance at most ``MAX_DISTANCE``,
two adjacent letters swapped counting as one edit; the same first letter first, then the
most frequent). A slip can also make another indexed word (``bazar`` for bazaar): a word
that the index never holds beside its neighbour in the query (their shingle, see
``analysis.terms``), while a more frequent word one edit away is held beside it, is replaced
by that word — the title's own word order is the evidence, so a rare word that is right
(``lens`` in "the lens of the school") stays. A Han run whose
character pairs are not indexed title pairs gets one character at a time swapped for a
homophone (pypinyin's readings, tones ignored) when that makes every pair around it an
indexed pair. Variants are folded by the analysis already. The Whoosh backends read words
from their segments (``whoosh_common.suggest``), the cluster from its term suggester
(``opensearch.suggest``); the rules are here once, so both answer alike.

Lookups are asked in batches (the words of a query, the pairs of a run, every candidate
pair of a swap) because each is a round trip on a cluster.
"""
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from search_index.analysis import terms as analysis_terms
from search_index.analysis.folding import fold_variants

# words of three or more letters, also after a field prefix (title:algoritms), but not a
# field name itself (a word followed by a colon and more text)
LATIN_WORD = re.compile(r"(?<!\w)([A-Za-z\u00C0-\u024F]{3,})(?!\w)(?!:\S)")
HAN_RUN = re.compile(rf"([{analysis_terms.HAN}]{{2,}})")
# a field prefix (``title:``): the words on either side of it are not neighbours in a title
FIELD_PREFIX = re.compile(r"(?<!\w)\w+:(?=\S)")
MAX_DISTANCE = 2
# Han characters swapped per run (a longer query with more slips is left alone)
MAX_HAN_FIXES = 2
# candidates weighed for a known word that no neighbour's shingle supports (the most frequent)
MAX_SHINGLE_CANDIDATES = 10
SPELL_FIELD, TITLE_FIELD = "spell", "title"

# ``frequencies(field, terms)``: how many works hold each term (absent or 0: none)
Frequencies = Callable[[str, list[str]], dict[str, int]]
# ``tables_for(words)``: word tables (``word_table``) holding at least the indexed words near
# each of ``words``
TablesFor = Callable[[list[str]], list[dict]]


def latin_words(text: str) -> list[str]:
    """The words of ``text`` that may be corrected, lowercased, each once."""
    return list(dict.fromkeys(match.group(1).lower() for match in LATIN_WORD.finditer(text or "")))


def suggestion(text: str, frequencies: Frequencies, tables_for: TablesFor) -> str | None:
    """The query with each unknown Latin word replaced by the closest indexed word, each known
    word its neighbours' shingles disown by one they hold, and each Han run's mistyped
    characters by indexed homophones, or None when nothing changed."""
    words = latin_words(text)
    known = frequencies(SPELL_FIELD, words) if words else {}
    unknown = [word for word in words if not known.get(word)]
    tables = tables_for(unknown) if unknown else []
    fixes = {word: best for word in unknown if (best := closest_word(word, tables)) is not None}
    fixes.update(shingle_fixes(text, fixes, known, frequencies, tables_for))
    changed = False

    def fix_latin(match):
        nonlocal changed
        best = fixes.get(match.group(1).lower())
        if best is None:
            return match.group(1)
        changed = True
        return best

    def fix_han(match):
        nonlocal changed
        fixed = homophone_fix(frequencies, fold_variants(match.group(1)))
        if fixed is None:
            return match.group(1)
        changed = True
        return fixed

    fixed = HAN_RUN.sub(fix_han, LATIN_WORD.sub(fix_latin, text))
    return fixed if changed else None


def shingle_fixes(text: str, fixes: dict[str, str], known: dict[str, int], frequencies: Frequencies,
                  tables_for: TablesFor) -> dict[str, str]:
    """``{word: replacement}`` for known words of ``text`` whose shingles with their
    neighbours (after ``fixes``) no title holds, where a more frequent word one edit away
    makes one that a title holds (the most such shingles, then the most frequent word)."""
    pairs = [(fixes.get(a.lower(), a.lower()), fixes.get(b.lower(), b.lower()))
             for part in FIELD_PREFIX.split(text) for a, b in analysis_terms.shingled_pairs(part)]
    held = _shingle_counts(frequencies, pairs)
    suspects = [word for word in dict.fromkeys(w for pair in pairs for w in pair)
                if known.get(word) and word not in fixes
                and not any(held.get(pair) for pair in pairs if word in pair)]
    if not suspects:
        return {}
    tables = tables_for(suspects)
    options = {word: _more_frequent_near(word, known[word], tables) for word in suspects}
    tried = [_replaced(pair, word, option) for word in suspects for option in options[word]
             for pair in pairs if word in pair]
    held.update(_shingle_counts(frequencies, tried))
    found = {}
    for word in suspects:
        support = {option: sum(1 for pair in pairs if word in pair and held.get(_replaced(pair, word, option)))
                   for option in options[word]}
        best = max(support, key=lambda option: (support[option], options[word][option]), default=None)
        if best is not None and support[best]:
            found[word] = best
    return found


def _replaced(pair: tuple[str, str], word: str, option: str) -> tuple[str, str]:
    return tuple(option if w == word else w for w in pair)


def _shingle_counts(frequencies: Frequencies, pairs) -> dict[tuple[str, str], int]:
    """How many works' titles hold each pair's shingle (one batch; a stop word makes none)."""
    terms = {}
    for pair in dict.fromkeys(pairs):
        first, second = map(analysis_terms.text_form, pair)
        if first and second:
            terms[pair] = analysis_terms.shingle(first, second)
    counts = frequencies(TITLE_FIELD, list(dict.fromkeys(terms.values()))) if terms else {}
    return {pair: counts.get(term, 0) for pair, term in terms.items()}


def _more_frequent_near(word: str, frequency: int, tables) -> dict[str, int]:
    """``{word: frequency}`` of the indexed words one edit from ``word`` (of its first letter)
    that more works hold, the ``MAX_SHINGLE_CANDIDATES`` most frequent."""
    lengths = range(len(word) - 1, len(word) + 2)
    near = _near(word, tables, lambda table: [(length, word[:1]) for length in lengths], max_distance=1)
    common = sorted(((freq, w) for w, (_distance, freq) in near.items() if freq > frequency and w != word),
                    reverse=True)[:MAX_SHINGLE_CANDIDATES]
    return {w: freq for freq, w in common}


def word_table(words: Iterable[tuple[str, int]]) -> dict[tuple[int, str], tuple[list[str], list[int]]]:
    """``(word, document frequency)`` pairs by ``(length, first letter)``, as ``closest_word``
    reads them."""
    table: dict[tuple[int, str], tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    for word, freq in words:
        found, freqs = table[len(word), word[:1]]
        found.append(word)
        freqs.append(freq)
    return dict(table)


def closest_word(word: str, tables) -> str | None:
    """The indexed word nearest to ``word`` (edit distance at most ``MAX_DISTANCE``),
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


def _near(word: str, tables, keys_of, max_distance: int = MAX_DISTANCE) -> dict[str, list[int]]:
    """``{candidate: [distance, document frequency over segments]}`` within the keys, by the
    optimal string alignment distance: Levenshtein's with two adjacent letters swapped
    counting as one edit (readers' commonest slip: "medicnie" is one edit from "medicine",
    as near as a record's own misspelt "medicne", so the more frequent wins)."""
    totals: dict[str, list[int]] = {}
    for table in tables:
        for key in keys_of(table):
            words, freqs = table.get(key, ((), ()))
            if not words:
                continue
            for candidate, distance, index in process.extract(word, words, scorer=OSA.distance,
                                                              score_cutoff=max_distance, limit=None):
                entry = totals.setdefault(candidate, [distance, 0])
                entry[1] += freqs[index]
    return totals


def homophone_fix(frequencies: Frequencies, run: str) -> str | None:
    """``run`` with up to ``MAX_HAN_FIXES`` characters swapped for homophones so that every
    character pair around each swap is an indexed title pair (the most frequent such), or
    None when its pairs are all indexed already or no swap helps."""
    counts: dict[str, int] = {}

    def ask(pairs) -> None:
        wanted = [pair for pair in dict.fromkeys(pairs) if pair not in counts]
        if wanted:
            found = frequencies(TITLE_FIELD, wanted)
            counts.update((pair, found.get(pair, 0)) for pair in wanted)

    def indexed(pair: str) -> int:
        return counts[pair]

    chars, fixes = list(run), 0
    for _ in range(MAX_HAN_FIXES):
        ask(_pairs(chars))
        missing = [i for i in range(len(chars) - 1) if not indexed(chars[i] + chars[i + 1])]
        if not missing:
            break
        positions = {missing[0], missing[0] + 1}
        ask(pair for position in positions for char in homophones(chars[position])
            for pair in _pairs_around(chars, position, char))
        best = _best_swap(chars, positions, indexed)
        if best is None:
            return None
        position, char = best
        chars[position] = char
        fixes += 1
    ask(_pairs(chars))
    if not fixes or any(not indexed(pair) for pair in _pairs(chars)):
        return None
    return "".join(chars)


def _pairs(chars: list[str]) -> list[str]:
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


def _pairs_around(chars: list[str], position: int, char: str) -> list[str]:
    """The pairs ``char`` would make in place of ``chars[position]``."""
    pairs = [chars[position - 1] + char] if position > 0 else []
    if position + 1 < len(chars):
        pairs.append(char + chars[position + 1])
    return pairs


def _best_swap(chars: list[str], positions: set[int], indexed) -> tuple[int, str] | None:
    best, best_score = None, 0
    for position in sorted(positions):
        for char in homophones(chars[position]):
            pairs = _pairs_around(chars, position, char)
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
