"""The engine-neutral did-you-mean rules (``search_index.spelling``) over a small term
dictionary: what they correct, and that they ask an engine in a few batches (each batch is a
round trip on a cluster)."""
from search_index import spelling

SPELL = {"open": 4, "software": 3, "softer": 1, "source": 2, "nature": 5, "title": 1}
TITLE = {"红楼": 2, "楼梦": 1, "围城": 3}


class Dictionary:
    """An engine's two lookups over plain term counts, recording each batch asked."""

    def __init__(self):
        self.batches = []

    def frequencies(self, field: str, terms: list[str]) -> dict[str, int]:
        self.batches.append((field, list(terms)))
        counts = SPELL if field == spelling.SPELL_FIELD else TITLE
        return {term: counts.get(term, 0) for term in terms}

    def tables_for(self, words: list[str]) -> list[dict]:
        self.batches.append(("near", list(words)))
        return [spelling.word_table(SPELL.items())]


def suggest(text: str) -> tuple[str | None, list]:
    engine = Dictionary()
    return spelling.suggestion(text, engine.frequencies, engine.tables_for), engine.batches


def test_unknown_latin_words_take_the_nearest_indexed_word_in_one_batch_each():
    """Known words stay; each unknown word is replaced (field names too are left alone); the
    words are counted in one batch and their neighbours asked once."""
    fixed, batches = suggest("title:Open softwear sourse")
    assert fixed == "title:Open software source"
    assert batches == [(spelling.SPELL_FIELD, ["open", "softwear", "sourse"]), ("near", ["softwear", "sourse"])]
    assert suggest("open source") == (None, [(spelling.SPELL_FIELD, ["open", "source"])])


def test_the_nearest_word_wins_whatever_its_first_letter_when_none_shares_it():
    """``softwar`` is one edit from software and two from softer: the nearer wins; ``mature``
    has no indexed word of its first letter near, so nature is taken; a word more than two
    edits from every indexed word is left alone."""
    assert spelling.closest_word("softwar", [spelling.word_table(SPELL.items())]) == "software"
    assert spelling.closest_word("mature", [spelling.word_table(SPELL.items())]) == "nature"
    assert spelling.closest_word("xyzzyq", [spelling.word_table(SPELL.items())]) is None


def test_a_mistyped_han_character_is_swapped_for_a_homophone_in_few_batches():
    """红楼孟: 楼孟 is not indexed, 楼梦 is (孟 and 梦 both read meng); the run's pairs, the
    candidates' pairs and the fixed run's pairs are each one batch."""
    fixed, batches = suggest("红楼孟")
    assert fixed == "红楼梦"
    assert [field for field, _terms in batches] == [spelling.TITLE_FIELD] * len(batches) and len(batches) <= 3
    assert suggest("围城")[0] is None
