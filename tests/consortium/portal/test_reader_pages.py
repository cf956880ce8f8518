"""Reader page details on the demo site: guidance when nothing is found, removable facets, one
year range, one definition of .visually-hidden, and success messages unlike errors."""
import re
from pathlib import Path

from tests.site_tour import ACCOUNTS, login_client
from tests.staff import csrf_token, login

STATIC = Path(__file__).resolve().parents[3] / "consortium" / "static"


def _get(demo_site, path, lang="zh_CN"):
    client = demo_site.app.test_client()
    client.set_cookie("lang", lang)
    return client.get(path).get_data(as_text=True)


def test_a_search_finding_nothing_suggests_spelling_removing_filters_and_asking(demo_site):
    """No results: check the spelling, links removing each filter and all of them, and ask a librarian."""
    html = _get(demo_site, "/search?q=zzqqxxyy&format=book&member=NJU")
    help_box = html.split('class="no-results"')[1].split("</div>")[0]
    assert "请检查拼写" in help_box and 'href="/ask"' in help_box
    assert 'href="/search?q=zzqqxxyy&amp;member=NJU"' in help_box  # format removed
    assert 'href="/search?q=zzqqxxyy&amp;format=book"' in help_box  # member removed
    assert 'href="/search?q=zzqqxxyy">清除全部筛选</a>' in help_box
    english = _get(demo_site, "/search?q=zzqqxxyy", lang="en")
    assert "Check the spelling" in english and "Ask a librarian" in english and "Remove filters" not in english


def test_active_facets_carry_a_remove_mark_and_the_year_range_shows_once(demo_site):
    """Each chosen value is marked ✕ and removes itself; a clear-all link; the chosen years appear once."""
    html = _get(demo_site, "/search?q=小说&member=NJU&year_from=2001&year_to=2010")
    facets = html.split('id="facets"')[1].split("</aside>")[0]
    member = re.search(r'<a href="([^"]+)" aria-current="true" class="active">\s*南京大学图书馆 <span aria-hidden="true">✕</span>',
                       facets)
    assert member and "member=" not in member.group(1)
    assert facets.count("2001–2010") == 1
    assert 'href="/search?q=%E5%B0%8F%E8%AF%B4">清除全部筛选</a>' in facets
    assert "筛选 (2)" in html


def test_visually_hidden_is_defined_once_for_every_page():
    """The class lives in the stylesheet every page loads, nowhere else."""
    assert (STATIC / "daodu.css").read_text().count(".visually-hidden {") == 1
    assert ".visually-hidden" not in (STATIC / "search.css").read_text()


def test_success_and_error_messages_look_different(demo_site):
    """A flashed success is .flash-success with role=status; an error is .flash-error with role=alert."""
    client = demo_site.app.test_client()
    client.set_cookie("lang", "zh_CN")
    failed = login(client, ACCOUNTS["librarian"], "wrong password").get_data(as_text=True)
    assert '<p class="flash flash-error" role="alert">' in failed
    login_client(client, "librarian")
    token = csrf_token(client, "/embed/builder")
    saved = client.post("/embed/builder/origins", data={"csrf_token": token, "member": "NJU", "action": "add",
                                                "origin": "https://flash-test.example"}, follow_redirects=True)
    assert '<p class="flash flash-success" role="status">' in saved.get_data(as_text=True)
    css = (STATIC / "daodu.css").read_text()
    success = re.search(r"\.flash-success \{([^}]*)\}", css).group(1)
    error = re.search(r"\.flash-error \{([^}]*)\}", css).group(1)
    assert success != error
