"""Every page at phone width (390 × 844): nothing wider than the screen, a menu behind a real
button, 44 px tap targets, and on a search the first result on the first screen."""
import pytest

from tests.conftest import LiveServer
from tests.site_tour import PAGES, PHONE, login_page

pytestmark = pytest.mark.browser
TAPPABLE = ("header a, header button, #site-menu a, main button, main select, .facets a, .paging a, "
            ".chosen-filters a, .lang-switch a")


@pytest.fixture(scope="module")
def server(demo_site):
    live = LiveServer(demo_site.app).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def phone_tabs(browser, server):
    """One phone-sized, logged-in tab per role, opened when first needed."""
    tabs, contexts = {}, []

    def tab(role, locale="zh-CN"):
        if (role, locale) not in tabs:
            context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
            context.add_cookies([{"name": "lang", "value": "en" if locale == "en" else "zh_CN", "url": server.url}])
            context.set_default_timeout(15000)
            contexts.append(context)
            page = context.new_page()
            login_page(page, server.url, role)
            tabs[(role, locale)] = page
        return tabs[(role, locale)]

    yield tab
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("page", [p for p in PAGES if p.standalone], ids=[p.name for p in PAGES if p.standalone])
def test_page_is_no_wider_than_a_phone(demo_site, server, phone_tabs, page, locale):
    """At 390 px the document is at most 390 px wide: nothing scrolls sideways."""
    # A tab of its own in the role's logged-in context, closed afterwards: a page that refreshes
    # itself (a queued import's report, every 2 s) must not race the next page's navigation.
    tab = phone_tabs(page.role, locale).context.new_page()
    try:
        response = tab.goto(server.url + demo_site.url(page))
        assert response is not None, f"{page.name}: the navigation answered nothing"
        assert response.status == page.status
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{page.name} is {width} px wide at 390 px"
    finally:
        tab.close()


def test_menu_is_a_real_button_that_opens_by_click_and_keyboard(server, phone_tabs):
    """The menu is folded behind a button; a tap or Enter opens it, Escape closes it."""
    tab = phone_tabs(None)
    tab.goto(server.url + "/")
    button = tab.locator("button.menu-toggle")
    menu = tab.locator("#site-menu")
    assert button.is_visible() and not menu.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    button.tap()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert tab.locator("#site-menu a", has_text="新书通报").is_visible()
    button.tap()
    assert not menu.is_visible()
    button.focus()
    tab.keyboard.press("Enter")
    assert menu.is_visible()
    tab.keyboard.press("Escape")
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"


def test_desktop_shows_the_whole_menu_without_a_button(browser, server):
    """On a wide screen the menu is simply there."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(server.url + "/")
    assert tab.locator("#site-menu").is_visible() and not tab.locator("button.menu-toggle").is_visible()
    context.close()


def test_first_search_result_is_on_the_first_screen_and_facets_wait_behind_filter(server, phone_tabs):
    """On a phone the results come first; the facets open from a Filter button."""
    tab = phone_tabs(None)
    tab.goto(server.url + "/search?q=小说")
    first = tab.locator(".result").first.bounding_box()
    assert first is not None and first["y"] + 40 <= PHONE["height"], first
    facets = tab.locator("#facets")
    assert not facets.is_visible()
    tab.locator("button.facets-toggle").tap()
    assert facets.is_visible()
    tab.locator(".facet-member a").first.tap()
    tab.wait_for_url("**member=*")
    assert "(1)" in tab.locator("button.facets-toggle").inner_text()


@pytest.mark.parametrize("path", ["/", "/search?q=小说", "/new-arrivals", "/ask"])
def test_tap_targets_are_at_least_44_px_high(server, phone_tabs, path):
    """Menu entries, buttons, selects, facet and paging links are 44 px or taller on a phone."""
    tab = phone_tabs(None)
    tab.goto(server.url + path)
    tab.locator("button.menu-toggle").tap()
    if tab.locator("button.facets-toggle").count():
        tab.locator("button.facets-toggle").tap()
    small = tab.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
        .filter(el => el.offsetParent !== null)
        .map(el => [el.textContent.trim().slice(0, 20), Math.round(el.getBoundingClientRect().height)])
        .filter(([, h]) => h < 44)""", TAPPABLE)
    assert small == []
