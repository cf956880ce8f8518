"""The words of subscription mails, rendered from templates in the subscription's language
(``consortium.subscriptions.service.Mailer``). Needs an app context (views, commands and the
background job have one)."""
from flask import current_app
from flask_babel import force_locale

from consortium.accounts.service import list_members
from consortium.i18n import localized_name
from consortium.subscriptions import rules
from consortium.subscriptions.models import Subscription

CLC_CLASSES = "ABCDEFGHIJKNOPQRSTUVXZ"


class TemplateMailer:
    """Renders the confirmation mail and digests; member names looked up once."""

    def __init__(self, session, base_url: str):
        self.base_url = base_url
        self._members = list_members(session)
        self._subjects: dict[str, dict[str, str]] = {}

    def _names(self) -> dict[str, str]:
        return {m.code: localized_name(m) for m in self._members}

    def _render(self, name: str, subscription: Subscription, **context) -> tuple[str, str, str]:
        locale = "en" if subscription.language == "en" else "zh_CN"
        with force_locale(locale):
            context.update(sub=subscription, names=self._names(), base=self.base_url,
                           subjects=self._subject_labels(locale))
            subject = " ".join(self._template(f"{name}_subject.txt").render(**context).split())
            text = self._template(f"{name}.txt").render(**context)
            html = self._template(f"{name}.html").render(**context)
        return subject, text, html

    def _subject_labels(self, locale: str) -> dict[str, str]:
        """The CLC main classes' labels of the search pages, rendered once per language and
        run: the label macro builds its table on every call, and a run renders thousands."""
        if locale not in self._subjects:
            labels = current_app.jinja_env.get_template("search/_labels.html").module
            self._subjects[locale] = {letter: str(labels.clc_label(letter)) for letter in CLC_CLASSES}
        return self._subjects[locale]

    @staticmethod
    def _template(name: str):
        # the environment's own render: a background job has no request for the pages'
        # context processors (menu, logged-in user), and a mail needs none of them
        return current_app.jinja_env.get_template(f"subscriptions/mail/{name}")

    def confirmation(self, subscription: Subscription, links: dict) -> tuple[str, str, str]:
        return self._render("confirm", subscription, links=links)

    def digest(self, subscription: Subscription, digest: rules.Digest, links: dict) -> tuple[str, str, str]:
        return self._render("digest", subscription, digest=digest, links=links)
