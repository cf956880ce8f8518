"""The engine-neutral did-you-mean rules (``search_index.spelling``) over a small term
dictionary: what they correct, and that they ask an engine in a few batches (each batch is a
round trip on a cluster)."""
from search_index import spelling

SPELL = {"open": 4, "software": 3, "softer": 1, "source": 2, "nature": 5, "title": 1,
         "medicine": 590, "medicne": 1, "cathedral": 7, "bazaar": 14, "bazar": 2,
         "school": 40, "lens": 3, "les": 60}
# title pairs, and the shingles of titles' Latin words in a row ("The cathedral & the bazaar",
# "Open source software", "The lens of the school")
TITLE = {"红楼": 2, "楼梦": 1, "围城": 3, "cathedr bazaar": 1, "open sourc": 2, "sourc softwar": 1,
         "len school": 1, "le school": 5}


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
    fixed, batches = suggest("title:Open sourse softwear")
    assert fixed == "title:Open source software"
    assert batches == [(spelling.SPELL_FIELD, ["open", "sourse", "softwear"]), ("near", ["sourse", "softwear"]),
                       (spelling.TITLE_FIELD, ["open sourc", "sourc softwar"])]
    assert suggest("open source") == (None, [(spelling.SPELL_FIELD, ["open", "source"]),
                                             (spelling.TITLE_FIELD, ["open sourc"])])


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


def test_two_letters_swapped_are_one_edit_so_the_common_word_beats_a_records_misspelling():
    """"medicnie" swaps two letters of medicine and drops one of a record's misspelt "medicne":
    both are one edit away, and the word 590 works hold wins over the one a single record has."""
    tables = [spelling.word_table(SPELL.items())]
    assert spelling.closest_word("medicnie", tables) == "medicine"
    assert suggest("American Journal of Preventive Medicnie")[0] == "American Journal of Preventive medicine"


def test_a_slip_that_makes_another_indexed_word_is_mended_by_its_neighbours_shingle():
    """"bazar" is indexed (two works hold it) but no title holds it after "cathedral", while one
    holds "bazaar" there: both words are mended, also when the other was typed right."""
    assert suggest("cathedrl bazar")[0] == "cathedral bazaar"
    assert suggest("Cathedral bazar")[0] == "Cathedral bazaar"


def test_a_known_word_stays_when_a_title_holds_it_beside_its_neighbour_or_nothing_says_otherwise():
    """"lens" beside "school" is a title's (though "les", twenty times as common, is too); "bazar"
    before "cathedral" is no title's either way, so only the unknown word is mended; a query
    of known words whose shingles are held asks nothing more than their counts."""
    assert suggest("the lens of the scohol")[0] == "the lens of the school"
    assert suggest("bazar cathedrl")[0] == "bazar cathedral"
    fixed, batches = suggest("cathedral bazaar")
    assert fixed is None and [field for field, _terms in batches] == [spelling.SPELL_FIELD, spelling.TITLE_FIELD]


def test_words_on_either_side_of_a_field_prefix_are_not_taken_for_neighbours():
    """``author:bazar`` after "cathedral" is another field's word: no title's shingle speaks
    for or against it, so it is left as typed."""
    assert suggest("cathedrl author:bazar")[0] == "cathedral author:bazar"
