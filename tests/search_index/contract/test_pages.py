"""Reader pages: search with facets and paging, record page, citations, home member, OpenSearch."""
import io

import pymarc
import pytest
from defusedxml import ElementTree

pytestmark = pytest.mark.needs_search


def test_search_page_lists_results_with_holding_members_and_facets(client, catalogue):
    """The search page shows results, who holds them, facet links and the Atom link."""
    html = client.get("/search?q=红楼梦").get_data(as_text=True)
    assert "<mark>紅樓夢</mark>" in html  # the traditional record leads; the simplified query marks it
    assert "甲大学图书馆" in html and "乙大学图书馆" in html
    assert 'href="/feeds/search.atom?q=' in html
    assert "/search?q=%E7%BA%A2%E6%A5%BC%E6%A2%A6&amp;member=A" in html


def test_search_page_is_translated(client, catalogue):
    """Chinese by default, English on request."""
    assert "检索全部成员馆" in client.get("/search").get_data(as_text=True)
    english = client.get("/search?lang=en").get_data(as_text=True)
    assert "Search every member library" in english and "works found" in english


def test_bad_values_on_the_search_page_are_explained_not_500(client, catalogue):
    """A bad parameter gives the page with the reason and status 422."""
    response = client.get("/search?year_from=soon&lang=en")
    assert response.status_code == 422
    assert "year_from" in response.get_data(as_text=True)


def test_record_page_shows_every_holding_with_the_home_member_first(client, catalogue):
    """All holdings with call numbers; the chosen home member first and marked."""
    work_id = catalogue["a1"]
    client.get("/home-member?code=B&next=/")
    html = client.get(f"/works/{work_id}").get_data(as_text=True)
    assert html.index('data-member="B"') < html.index('data-member="A"')
    assert "B/I242/12" in html and "I242.4/C1" in html
    assert f'href="/ask?work={work_id}"' in html and f"http://localhost/works/{work_id}" in html


def test_e_resource_access_is_stated_for_the_home_member(client, catalogue):
    """Consortium-wide access reads as open to the reader once a home library is chosen."""
    work_id = catalogue["b3"]
    before = client.get(f"/works/{work_id}?lang=en").get_data(as_text=True)
    assert "Open to readers of every member library" in before
    client.get("/home-member?code=C")
    after = client.get(f"/works/{work_id}?lang=en").get_data(as_text=True)
    assert "Open to you as a reader of University C Library" in after


def test_home_member_cookie_orders_the_api_holdings(client, catalogue):
    """The chooser's cookie is what the search API and the works API read."""
    response = client.get("/home-member?code=B&next=/search")
    assert response.status_code == 302 and "home_member=B" in response.headers["Set-Cookie"]
    answer = client.get("/api/v1/search?q=红楼梦").get_json()
    assert [h["member"] for h in answer["results"][0]["holdings"]] == ["B", "A"]
    assert client.get("/home-member?code=NOPE").headers["Location"] == "/search"


def test_citations_export_ris_bibtex_and_marcxml(client, catalogue):
    """The three citation formats carry the title and the ISBN."""
    work_id = catalogue["a2"]
    ris = client.get(f"/works/{work_id}/cite.ris")
    assert ris.mimetype == "application/x-research-info-systems"
    assert "TI  - Introduction to Algorithms" in ris.get_data(as_text=True)
    assert "isbn = {9780262033848}" in client.get(f"/works/{work_id}/cite.bib").get_data(as_text=True)
    xml = client.get(f"/works/{work_id}/cite.xml").get_data(as_text=True)
    record = pymarc.parse_xml_to_array(io.StringIO(xml))[0]
    assert record["245"]["a"] == "Introduction to Algorithms" and record["020"]["a"] == "9780262033848"
    assert client.get(f"/works/{work_id}/cite.doc").status_code == 422


def test_opensearch_description_points_at_the_search(client):
    """The OpenSearch description is valid XML with HTML, Atom and JSON templates."""
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(response.data)
    urls = {u.get("type"): u.get("template") for u in root.findall("{http://a9.com/-/spec/opensearch/1.1/}Url")}
    assert urls["text/html"].startswith("http://localhost/search?q={searchTerms}")
    assert urls["application/atom+xml"] == "http://localhost/feeds/search.atom?q={searchTerms}"


def test_home_page_has_the_search_box_and_the_menu_entry(client):
    """The reader search box is on the home page and Search is in the menu."""
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and 'href="/search"' in html


def test_merged_work_page_redirects(client, catalogue, session, members):
    """A merged-away work's page redirects to the work it lives on in."""
    from consortium.catalogue.service import ingest_batch

    ingest_batch(session, members["C"], [{"local_id": "c9", "title": "x", "isbns": ["9780262033848", "9787020002207"]}])
    moved = [client.get(f"/works/{catalogue[k]}") for k in ("a1", "a2")]
    assert sorted(r.status_code for r in moved) == [200, 301]
