"""What every backend derives from a document: members' own titles and exact-title keys (pure)."""
from search_index import documents
from search_index.ports import IndexDocument, IndexedHolding

NOVEL = IndexDocument(id=1, title="围城", authors=("钱锺书著",), holdings=(
    IndexedHolding("A", "a1", title="围城", authors=("钱锺书著",)),
    IndexedHolding("B", "b1", title="Fortress besieged", authors=("Qian, Zhongshu, 1910-1998",), isbns=("9780811216012",)),
))


def test_members_own_titles_differing_from_the_works_are_variants():
    """A member's title equal to the work's (after folding) is no variant; another is, once."""
    assert documents.variants(NOVEL) == [{"member": "B", "title": "Fortress besieged", "subtitle": None}]
    assert documents.variant_authors(NOVEL) == ["Qian, Zhongshu, 1910-1998"]
    assert documents.all_identifiers(NOVEL) == ["9780811216012"]


def test_author_names_drop_roles_and_dates_and_turn_headings_around():
    """钱锺书著 → 钱锺书; "Qian, Zhongshu, 1910-1998" → itself and "Zhongshu Qian"."""
    assert documents.author_names("钱锺书著") == ["钱锺书"]
    assert documents.author_names("曹雪芹 原著") == ["曹雪芹"]
    assert documents.author_names("Qian, Zhongshu, 1910-1998") == ["Qian, Zhongshu", "Zhongshu Qian"]


def test_exact_keys_cover_titles_and_author_title_pairs_in_variant_forms():
    """围城, 钱钟书围城 (锺 folded), 围城钱钟书 and the English title with either name order."""
    keys = set(documents.exact_keys(NOVEL))
    assert {"围城", "钱钟书围城", "围城钱钟书", "fortressbesieged", "zhongshuqianfortressbesieged",
            "fortressbesiegedqianzhongshu"} <= keys
