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


def test_start_keys_place_a_titles_first_words_and_a_query_of_them_asks_for_the_same():
    """The first six words of each title (with subtitle; a member's own too), folded, each
    with its place; a query of a title's first words, however punctuated or scripted, asks
    for keys the title holds; a query longer than six words asks for none."""
    doc = IndexDocument(id=2, title="Law, The", subtitle="a Monthly Magazine of Legal Matters",
                        holdings=(IndexedHolding("A", "a2", title="Law, The"), IndexedHolding("B", "b2", title="紅樓夢魘")))
    keys = documents.start_keys(doc)
    assert keys == sorted(["1>law", "2>the", "3>a", "4>monthly", "5>magazine", "6>of", "1>红", "2>楼", "3>梦", "4>魇"])
    for query in ("Law, The :", "LAW THE A monthly", "红楼", "紅樓夢"):
        assert documents.start_query_keys(query) and set(documents.start_query_keys(query)) <= set(keys), query
    assert documents.start_query_keys("Law, The : a Monthly Magazine of Legal") == []
    assert not set(documents.start_query_keys("the law")) <= set(keys)


def test_standing_counts_holding_members_before_the_year():
    """Two members' 1985 edition stands above one member's 2007 one; an undated work counts
    its members only."""
    two = IndexDocument(id=3, title="围城", year=1985, holdings=(IndexedHolding("A"), IndexedHolding("B"),
                                                                 IndexedHolding("B", "b9")))
    one = IndexDocument(id=4, title="围城", year=2007, holdings=(IndexedHolding("A"),))
    undated = IndexDocument(id=5, title="围城", holdings=(IndexedHolding("A"),))
    assert documents.standing(two) > documents.standing(one) > documents.standing(undated) > 0


def test_tie_order_is_standing_then_the_lower_work_id():
    """Of two works standing alike the older record (lower id) comes first; standing outranks
    any id."""
    first, second = (IndexDocument(id=n, title="围城", year=2007, holdings=(IndexedHolding("A"),)) for n in (7, 8))
    better = IndexDocument(id=99_999, title="围城", year=2008, holdings=(IndexedHolding("A"),))
    assert documents.tie_order(better) > documents.tie_order(first) > documents.tie_order(second)
