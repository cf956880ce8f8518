"""The shared parser's exact-title and title-start boosts (``whoosh_common.query``, which every
backend's query is built from)."""
from whoosh import query

from search_index.whoosh_common import query as qmod
from search_index.whoosh_common.schema import build_schema


def boosted_terms(text: str) -> dict[str, float]:
    boost = qmod.exact_boost(text)
    return {} if boost is None else {t.text: t.boost for t in boost.leaves() if isinstance(t, query.Term)}


def test_a_colon_after_no_field_name_is_a_titles_punctuation_and_keeps_the_boosts():
    """"Law, The :" and "Research on Evaluation:" ask for their exact key and their title-start
    keys, the start's words sharing its boost."""
    terms = boosted_terms("Law, The :")
    assert terms == {"lawthe": qmod.EXACT_BOOST, "1>law": qmod.START_BOOST / 2, "2>the": qmod.START_BOOST / 2}
    assert "researchonevaluation" in boosted_terms("Research on Evaluation:")


def test_a_field_prefix_or_a_spotted_identifier_drops_the_title_boosts():
    """Fielded queries (aliases too) search their field only; so does an ISBN spotted in the text."""
    for text in ("title:law", "author:Knuth art", "issn:0028-0836", "subject:history of law"):
        assert qmod.exact_boost(text) is None, text
    parsed = qmod.parse_text(qmod.make_parser(build_schema()), "9787020002207")
    assert not any(t.fieldname == "exact" for t in parsed.leaves() if isinstance(t, query.Term))
