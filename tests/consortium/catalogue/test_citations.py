"""Citations: translators are cited as translators, and GB/T 7714-2015 reads as Chinese readers expect."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.catalogue import citations

SOLITUDE = {"id": 7, "title": "百年孤独", "authors": ["加西亚·马尔克斯 (García Márquez, Gabriel)", "范晔（译）"],
            "publisher": "南海出版公司", "year": 2011, "language": "chi", "format": "book"}
DEEP = {"id": 8, "title": "Deep learning", "authors": ["Goodfellow, Ian", "Bengio, Yoshua", "Courville, Aaron",
                                                        "Bach, Francis"],
        "publisher": "MIT Press", "year": 2016, "language": "eng", "format": "ebook"}


@pytest.mark.parametrize("written, name", [("范晔（译）", "范晔"), ("林少华 译", "林少华"), ("Gregory Rabassa (tr.)", "Gregory Rabassa"),
                                           ("translated by Edith Grossman", "Edith Grossman"), ("李译 (translator)", "李译")])
def test_translator_marks_are_recognised(written, name):
    """Each way catalogues mark a translator makes the name a translator, not an author."""
    assert citations.creators({"authors": ["作者甲", written]}) == (["作者甲"], [name])


def test_translators_are_not_cited_as_authors_in_ris_bibtex_and_marcxml():
    """RIS A4, BibTeX translator and MARC 700 $e translator; the author list has the author only."""
    ris = citations.to_ris(SOLITUDE, "https://daodu.test/works/7")
    assert "AU  - 加西亚·马尔克斯 (García Márquez, Gabriel)\r\n" in ris and "AU  - 范晔" not in ris and "A4  - 范晔" in ris
    bib = citations.to_bibtex(SOLITUDE, "u")
    assert "author = {加西亚·马尔克斯 (García Márquez, Gabriel)}" in bib and "translator = {范晔}" in bib
    xml = citations.to_marcxml(SOLITUDE, "u")
    assert '<subfield code="e">translator</subfield>' in xml and "（译）" not in xml


def test_gbt7714_of_a_translated_chinese_book():
    """作者. 题名[M]. 译者, 译. 出版地: 出版者, 年."""
    text = citations.to_gbt7714(SOLITUDE, "https://daodu.test/works/7")
    assert text == "加西亚·马尔克斯. 百年孤独[M]. 范晔, 译. [出版地不详]: 南海出版公司, 2011.\n"


def test_gbt7714_of_an_english_ebook_names_three_authors_et_al_and_the_access_date():
    """Western names as FAMILY initials, four authors cut to three with et al, [M/OL] with date and URL."""
    text = citations.to_gbt7714(DEEP, "https://daodu.test/works/8", accessed=dt.date(2026, 3, 11))
    assert text == ("GOODFELLOW I, BENGIO Y, COURVILLE A, et al. Deep learning[M/OL]. [S.l.]: MIT Press, "
                    "2016[2026-03-11]. https://daodu.test/works/8\n")


@given(st.lists(st.text(min_size=1, max_size=20), max_size=6), st.text(min_size=1, max_size=40))
def test_gbt7714_is_one_line_whatever_the_record_holds(authors, title):
    """Any author list and title give one line of text ending in a full stop or the URL."""
    text = citations.to_gbt7714({"id": 1, "title": title, "authors": authors, "format": "book"}, "u")
    assert text.count("\n") == 1 and text.endswith(("\n",))


def test_record_page_offers_gbt7714_as_plain_text(client, session, members):
    """/works/<id>/cite.gbt7714 answers text/plain shown in the browser; the record page shows it too."""
    from sqlmodel import select

    from consortium.catalogue.models import Holding
    from consortium.catalogue.service import ingest_batch

    ingest_batch(session, members["A"], [{"local_id": "a1", "title": "百年孤独", "publisher": "南海出版公司",
                                          "year": 2011, "language": "chi",
                                          "authors": ["加西亚·马尔克斯", "范晔（译）"]}])
    work_id = session.exec(select(Holding.work_id)).first()
    response = client.get(f"/works/{work_id}/cite.gbt7714")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.get_data(as_text=True).startswith("加西亚·马尔克斯. 百年孤独[M]. 范晔, 译.")
    assert "百年孤独[M]. 范晔, 译." in client.get(f"/works/{work_id}").get_data(as_text=True)
