"""The known-item benchmark's reader judgement (``bench.search_recall.family``): which found
works a reader takes for the known record's book when the catalogue keeps editions apart."""
from bench.search_recall import family


def test_editions_of_one_title_and_author_are_one_family_however_catalogued():
    """Script, variant characters, case, punctuation, a role after the name, life dates and
    the name's order do not make another book."""
    assert family("红楼梦", ["曹雪芹 著"]) == family("紅樓夢", ["曹雪芹"])
    assert family("围城", ["钱锺书"]) == family("圍城", ["錢鍾書"]) == family("围城", ["钱钟书著"])
    assert family("Sense and sensibility", ["Austen, Jane, 1775-1817"]) == family("SENSE AND SENSIBILITY.", ["Jane Austen"])
    assert family("Library Journal (via EBSCO Host)", []) == family("Library journal (via EBSCO host)", None)


def test_another_title_or_author_is_another_family():
    """A translation under the translator's or the Chinese name, a title merely beginning
    alike, or an author-less record of an authored title are other books to a reader."""
    assert family("湖南人与现代中国", ["裴士锋"]) != family("湖南人與現代中國", ["Stephen R. Platt 史蒂芬．普拉特"])
    assert family("Law, The : a Monthly Magazine of Legal Matters", []) != family("Law, The : Magazine for Lawyers", [])
    assert family("Nature", ["Nature Publishing Group"]) != family("Nature", [])
