"""Helpers shared by the OAI-PMH tests: a small catalogue built through the real catalogue
service, and structural checks of responses against the OAI-PMH 2.0 schema's shape.

The official XSD cannot be fetched here (no network), so ``check_envelope`` asserts the parts
of OAI-PMH.xsd a harvester relies on with lxml/XPath instead: root element and namespace,
child order, datestamp formats, the request echo and verb-specific required elements.
"""
import re

from lxml import etree

from consortium.catalogue.service import ingest_batch, withdraw_holding

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"o": OAI, "dc": "http://purl.org/dc/elements/1.1/", "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
      "m": "http://www.loc.gov/MARC21/slim", "id": "http://www.openarchives.org/OAI/2.0/oai-identifier"}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")


def book(local_id: str, title: str, **fields) -> dict:
    return {"local_id": local_id, "title": title, "authors": ["曹雪芹"], "year": 1982, "language": "zh",
            "clc": "I242.4", **fields}


def build_catalogue(session, members) -> dict:
    """Works: shared (A withdrew, B holds), gone (no holder), merged (absorbed), and A's plain books."""
    a, b, c = members["A"], members["B"], members["C"]
    shared = ingest_batch(session, a, [book("a-1", "红楼梦", isbns=["7-02-000220-X"])]).works[0]["work_id"]
    ingest_batch(session, b, [book("b-1", "紅樓夢", isbns=["9787020002207"], call_number="I242/9")])
    gone = ingest_batch(session, a, [book("a-2", "Algorithms", authors=["Sedgewick, R."], language="en",
                                          isbns=["9780321573513"])]).works[0]["work_id"]
    kept = ingest_batch(session, a, [book("a-3", "水浒传", authors=["施耐庵"], isbns=["9787020008735"])])
    absorbed = ingest_batch(session, b, [book("b-3", "水浒全传", authors=["施耐庵"], isbns=["9787532548163"])])
    ingest_batch(session, c, [book("c-3", "水浒传", authors=["施耐庵"], isbns=["9787020008735", "9787532548163"])])
    plain = ingest_batch(session, a, [book(f"a-p{i}", f"Plain book {i}", authors=[f"Author {i}"], language="en",
                                           isbns=[]) for i in range(5)])
    withdraw_holding(session, a, "a-2")
    withdraw_holding(session, a, "a-1")
    return {"shared": shared, "gone": gone, "kept": kept.works[0]["work_id"],
            "merged": absorbed.works[0]["work_id"], "plain": [w["work_id"] for w in plain.works]}


def parse(response) -> etree._Element:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(response.data)


def error_codes(root) -> list[str]:
    return root.xpath("o:error/@code", namespaces=NS)


def check_envelope(root, verb: str | None) -> None:
    """The OAI-PMH element shape every response shares (OAI-PMH.xsd ``OAI-PMHtype``)."""
    assert root.tag == f"{{{OAI}}}OAI-PMH"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split() == [
        OAI, "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"]
    children = [etree.QName(child).localname for child in root]
    assert children[:2] == ["responseDate", "request"]
    assert STAMP.match(root.findtext(f"{{{OAI}}}responseDate"))
    assert root.findtext(f"{{{OAI}}}request").endswith("/oai")
    if verb is None:
        assert children[2:] and set(children[2:]) == {"error"}
    else:
        assert children[2:] == [verb]
    for stamp in root.xpath("//o:header/o:datestamp/text()", namespaces=NS):
        assert STAMP.match(stamp)
    for header in root.xpath("//o:header", namespaces=NS):
        names = [etree.QName(child).localname for child in header]
        assert names[:2] == ["identifier", "datestamp"] and set(names[2:]) <= {"setSpec"}
        assert header.get("status") in (None, "deleted")
    for record in root.xpath("//o:record", namespaces=NS):
        deleted = record.find(f"{{{OAI}}}header").get("status") == "deleted"
        names = [etree.QName(child).localname for child in record]
        assert names == (["header"] if deleted else ["header", "metadata"])
        if not deleted:
            assert len(record.find(f"{{{OAI}}}metadata")) == 1  # exactly one metadata root element
