"""oai_dc and MARCXML built from a work: every field lands where MARC21 and Dublin Core put it."""
import io
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from pymarc import parse_xml_to_array

from consortium.oai import metadata

MARC = {"m": "http://www.loc.gov/MARC21/slim"}
DC = {"oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/", "dc": "http://purl.org/dc/elements/1.1/"}
WHEN = datetime(2026, 11, 27, 6, 30, 5, tzinfo=timezone.utc)


def work(**fields) -> dict:
    base = {
        "id": 42, "title": "红楼梦", "subtitle": "脂评汇校本", "authors": ["曹雪芹", "Hawkes, David"],
        "publisher": "人民文学出版社", "year": 1982, "language": "chi", "format": "book",
        "isbns": ["9787020002207"], "issns": ["0028-0836"], "clc": "I242.4", "subjects": ["古典小说", "清代"],
        "summary": "中国古典四大名著之一。", "created_at": WHEN, "updated_at": WHEN,
        "holdings": [
            {"member": "A", "call_number": "I242.4/C1", "location": "三楼文学库", "url": None, "access": None},
            {"member": "B", "call_number": "I242/12", "location": None, "url": "https://e.example.org/hlm",
             "access": "open"},
            {"member": "C", "call_number": None, "location": "E-books", "url": "https://e.example.org/hlm",
             "access": "member"},
        ],
    }
    base.update(fields)
    return base


def parsed_marc(data: dict):
    records = parse_xml_to_array(io.BytesIO(metadata.marcxml(data).encode("utf-8")))
    assert len(records) == 1
    return records[0]


def test_marcxml_carries_every_field_of_the_work():
    """ISBN, ISSN, language, CLC, authors, title, imprint, summary, subjects and URLs all map."""
    record = parsed_marc(work())
    assert record["001"].data == "42"
    assert record["005"].data == "20261127063005.0"
    assert record["008"].data[7:11] == "1982" and record["008"].data[35:38] == "chi"
    assert record["020"]["a"] == "9787020002207" and record["022"]["a"] == "0028-0836"
    assert record["041"]["a"] == "chi"
    assert (record["084"]["a"], record["084"]["2"]) == ("I242.4", "clc")
    assert record["100"]["a"] == "曹雪芹" and record["100"].indicator1 == "0"
    assert record["700"]["a"] == "Hawkes, David" and record["700"].indicator1 == "1"
    assert (record["245"]["a"], record["245"]["b"]) == ("红楼梦", "脂评汇校本")
    assert (record["264"]["b"], record["264"]["c"]) == ("人民文学出版社", "1982")
    assert record["520"]["a"] == "中国古典四大名著之一。"
    assert [f["a"] for f in record.get_fields("650")] == ["古典小说", "清代"]


def test_marcxml_has_one_852_per_holding_and_one_856_per_distinct_url():
    """Each member's holding is an 852 (code, location, call number); a shared URL is one 856."""
    record = parsed_marc(work())
    holdings = [(f.get("a"), f.get("b"), f.get("h")) for f in record.get_fields("852")]
    assert holdings == [("A", "三楼文学库", "I242.4/C1"), ("B", None, "I242/12"), ("C", "E-books", None)]
    links = record.get_fields("856")
    assert [(f["u"], f["z"]) for f in links] == [("https://e.example.org/hlm", "B: open")]


def test_marc_leader_and_008_follow_the_format():
    """A journal is a serial, an e-book is coded online, and every fixed field has its length."""
    journal = parsed_marc(work(format="journal", year=None, language=None))
    assert journal.leader[6:8] == "as" and len(str(journal.leader)) == 24
    assert journal["008"].data[6:11] == "nuuuu" and journal["008"].data[35:38] == "und"
    ebook = parsed_marc(work(format="ebook"))
    assert ebook.leader[6:8] == "am" and ebook["008"].data[23] == "o" and len(ebook["008"].data) == 40


def test_marcxml_is_in_the_marc21_slim_namespace():
    """The record element is MARCXML, schema located, as harvesters of marc21 expect."""
    root = etree.fromstring(metadata.marcxml(work()).encode())
    assert root.tag == "{http://www.loc.gov/MARC21/slim}record"
    assert root.xpath("count(m:datafield[@tag='852'])", namespaces=MARC) == 3


def test_oai_dc_maps_the_work_to_dublin_core():
    """Title with subtitle, creators, subjects with CLC, identifiers as URNs and URLs."""
    root = etree.fromstring(metadata.oai_dc(work()).encode())
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"

    def values(name):
        return root.xpath(f"dc:{name}/text()", namespaces=DC)

    assert values("title") == ["红楼梦 : 脂评汇校本"]
    assert values("creator") == ["曹雪芹", "Hawkes, David"]
    assert values("subject") == ["古典小说", "清代", "I242.4"]
    assert values("identifier") == ["urn:isbn:9787020002207", "urn:issn:0028-0836", "https://e.example.org/hlm"]
    assert values("type") == ["Text", "book"] and values("language") == ["chi"] and values("date") == ["1982"]


def test_empty_fields_are_left_out_of_dublin_core():
    """A bare work gives a title and type, no empty elements."""
    bare = {"id": 1, "title": "Untitled", "format": "other", "holdings": []}
    root = etree.fromstring(metadata.oai_dc(bare).encode())
    assert [etree.QName(e).localname for e in root] == ["title", "type"]


@given(st.text(min_size=1, max_size=40))
def test_any_pushed_text_gives_well_formed_xml_in_both_formats(text):
    """Control characters and markup in records never break the XML a harvester parses."""
    data = work(title=text, subtitle=text, authors=[text], summary=text, subjects=[text],
                holdings=[{"member": "A", "call_number": text, "location": text, "url": None, "access": None}])
    roots = [etree.fromstring(xml.encode("utf-8")) for xml in (metadata.oai_dc(data), metadata.marcxml(data))]
    assert [etree.QName(r).localname for r in roots] == ["dc", "record"]
