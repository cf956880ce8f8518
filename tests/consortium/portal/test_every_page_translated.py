"""Every page a person can open, rendered in zh-CN: no message may be missing from the catalogues.

Each gettext call a page makes (``_``, ``ngettext``, ``pgettext``, ``npgettext``, in templates and
Python) is checked against the compiled catalogues Flask-Babel loaded for the request.
"""
import sys

import pytest
from babel.support import NullTranslations, Translations
from flask.testing import FlaskClient

from tests.site_tour import NOT_PAGES, PAGES, login_client


class MissingMessages:
    """Wraps the translation lookups and keeps every message the catalogue does not have."""

    def __init__(self, monkeypatch):
        self.missing: set[str] = set()
        self._patch(monkeypatch)

    def _known(self, translations, key) -> bool:
        catalog = getattr(translations, "_catalog", None)
        return catalog is None or key in catalog

    def _patch(self, monkeypatch):
        recorder = self
        for cls in {Translations, NullTranslations}:
            original = {name: getattr(cls, name) for name in ("ugettext", "ungettext", "upgettext", "unpgettext")}

            def ugettext(self, message, _o=original["ugettext"]):
                recorder._check(self, message, message)
                return _o(self, message)

            def ungettext(self, singular, plural, num, _o=original["ungettext"]):
                recorder._check(self, (singular, 0), singular)
                return _o(self, singular, plural, num)

            def upgettext(self, context, message, _o=original["upgettext"]):
                recorder._check(self, f"{context}\x04{message}", f"{context}|{message}")
                return _o(self, context, message)

            def unpgettext(self, context, singular, plural, num, _o=original["unpgettext"]):
                recorder._check(self, (f"{context}\x04{singular}", 0), f"{context}|{singular}")
                return _o(self, context, singular, plural, num)

            for name, fn in (("ugettext", ugettext), ("ungettext", ungettext), ("upgettext", upgettext),
                             ("unpgettext", unpgettext)):
                monkeypatch.setattr(cls, name, fn)

    def _check(self, translations, key, shown):
        if shown and not self._known(translations, key) and not _wtforms_default_label():
            self.missing.add(shown)


def _wtforms_default_label() -> bool:
    """WTForms names every field through gettext ("Work Id" for ``work_id``), shown only for
    fields without a label of their own: hidden fields, which no person reads."""
    frame = sys._getframe(2)
    for _ in range(6):
        if frame is None:
            return False
        if "wtforms" in frame.f_code.co_filename and frame.f_code.co_name == "__init__":
            return True
        frame = frame.f_back
    return False


@pytest.fixture
def zh_client(demo_site) -> FlaskClient:
    client = demo_site.app.test_client()
    client.set_cookie("lang", "zh_CN")
    return client


def test_every_page_endpoint_is_on_the_tour(demo_site):
    """A new page endpoint must be added to tests/site_tour.PAGES (or NOT_PAGES if it is no page)."""
    toured = set()
    adapter = demo_site.app.url_map.bind("localhost")
    for page in PAGES:
        path, _, query = demo_site.url(page).partition("?")
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except Exception:  # the 404 page matches nothing, on purpose
            continue
        toured.add(endpoint)
    endpoints = {r.endpoint for r in demo_site.app.url_map.iter_rules()
                 if "GET" in (r.methods or ()) and not r.rule.startswith("/api/")}
    assert endpoints - toured - NOT_PAGES == set()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_in_chinese_uses_only_translated_messages(demo_site, zh_client, monkeypatch, page):
    """The page renders in zh-CN with its expected status, every message found in the catalogues."""
    login_client(zh_client, page.role)
    missing = MissingMessages(monkeypatch)
    response = zh_client.get(demo_site.url(page), headers={"Accept": "text/html"})
    assert response.status_code == page.status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    assert not missing.missing, "untranslated: " + " ‖ ".join(sorted(missing.missing))
    assert 'lang="zh-CN"' in response.get_data(as_text=True)
