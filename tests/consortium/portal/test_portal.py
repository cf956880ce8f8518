"""The 导读 portal on the demo consortium: the home page and each member's page, in both languages."""
import re

from sqlmodel import select

from consortium.catalogue.models import Holding
from consortium.db import new_session
from consortium.guides.models import Guide
from consortium.reference.models import KnowledgeEntry


def _page(demo_site, path, lang="zh_CN", home=None):
    client = demo_site.app.test_client()
    client.set_cookie("lang", lang)
    if home:
        client.set_cookie("home_member", home)
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_home_shows_the_weeks_arrivals_once_per_work_with_subject_shortcuts(demo_site):
    """This week's new works, each once with its new holders; class shortcuts lead to the filtered list."""
    status, html = _page(demo_site, "/")
    assert status == 200 and "本周新书" in html
    section = html.split('class="portal-arrivals"')[1].split("</section>")[0]
    links = re.findall(r'<li class="arrival"><a href="(/works/\d+)"', section)
    assert 1 <= len(links) <= 8 and len(links) == len(set(links))
    assert "新入藏：" in section
    assert re.search(r'href="/new-arrivals\?clc=[A-Z]&amp;days=7"', section)


def test_home_shows_latest_guides_answers_and_ask(demo_site):
    """Published guides and knowledge-base answers are linked; "ask a librarian" is one tap away."""
    with new_session(demo_site.app) as session:
        guide = session.exec(select(Guide).where(Guide.state == "published")).first()
        entry = session.exec(select(KnowledgeEntry)).first()
    _status, html = _page(demo_site, "/")
    assert f'href="/guides/{guide.id}">{guide.title}</a>' in html
    assert f'href="/answers/{entry.id}">{entry.title}</a>' in html
    assert 'class="ask-cta" href="/ask"' in html


def test_home_lists_the_e_resources_of_the_readers_home_library(demo_site):
    """With NJU as home library the portal lists NJU's online works with their links; without, it asks."""
    with new_session(demo_site.app) as session:
        urls = set(session.exec(select(Holding.url).where(Holding.url.is_not(None))).all())
    _status, html = _page(demo_site, "/", lang="en", home="NJU")
    section = html.split('class="portal-eresources"')[1].split("</section>")[0]
    assert "E-resources from Nanjing University Library" in section
    found = re.findall(r'<a href="([^"]+)" rel="noopener" class="eresource">', section)
    assert found and set(found) <= urls
    _status, anonymous = _page(demo_site, "/", lang="en")
    assert "Choose your library" in anonymous


def test_member_page_shows_hours_liaisons_and_its_own_arrivals(demo_site):
    """/members/NJAU: opening hours by weekday in Beijing time, its liaison, arrivals new at NJAU."""
    status, html = _page(demo_site, "/members/NJAU")
    assert status == 200 and "<h1>南京农业大学图书馆</h1>" in html
    assert re.search(r"<th scope=\"row\">星期一</th><td>08:00–17:30</td>", html)
    assert re.search(r"<th scope=\"row\">星期日</th><td>闭馆</td>", html)
    assert "北京时间" in html and "liaison@njau.demo.daodu.example" in html
    section = html.split('class="portal-arrivals"')[1].split("</section>")[0]
    assert all("南京农业大学图书馆" in item for item in section.split('<li class="arrival">')[1:])
    _status, english = _page(demo_site, "/members/NJAU", lang="en")
    assert "Nanjing Agricultural University Library" in english and "Monday" in english and "Opening hours" in english


def test_unknown_member_page_is_a_404_in_the_page_language(demo_site):
    """An unknown code is a translated 404, never a 500."""
    status, html = _page(demo_site, "/members/NOPE")
    assert status == 404 and "找不到页面" in html
    assert _page(demo_site, "/members/" + "X" * 300)[0] == 404
