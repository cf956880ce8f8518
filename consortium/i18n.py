"""Page languages (zh-CN first, English): Flask-Babel with one catalogue per feature area.

Each ``consortium/i18n/<area>/`` directory holds its own Chinese catalogue (``zh``: Babel
reads ``zh_CN`` as ``zh_Hans_CN`` and gettext finds it under ``zh``) so that feature
areas do not edit one shared file; Flask-Babel merges them. Catalogues are compiled on start
when their ``.po`` is newer than the ``.mo``.
"""
import logging
from datetime import datetime, timezone
from pathlib import Path

from babel import dates as babel_dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request
from flask_babel import Babel, format_datetime, get_locale

log = logging.getLogger(__name__)
ROOT = Path(__file__).parent / "i18n"
COOKIE = "lang"


def select_locale() -> str:

    offered = current_app.config["CONSORTIUM_LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered, default=offered[0]) or offered[0]


def translation_dirs() -> list[str]:
    return sorted(str(p) for p in ROOT.iterdir() if p.is_dir()) if ROOT.is_dir() else []


def compile_catalogues(dirs: list[str]) -> None:

    for po_path in (p for d in dirs for p in Path(d).rglob("*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with open(po_path, "rb") as fh:
                catalog = read_po(fh)
            with open(mo_path, "wb") as fh:
                write_mo(fh, catalog)
        except OSError as exc:  # a read-only install ships compiled catalogues
            log.warning("could not compile %s: %s", po_path, exc)


def init_app(app) -> None:
    dirs = translation_dirs()
    compile_catalogues(dirs)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(dirs))
    Babel(app, locale_selector=select_locale)

    # staff and readers read times in the consortium's zone (BABEL_DEFAULT_TIMEZONE), not UTC
    app.jinja_env.globals.setdefault("format_datetime", format_datetime)
    app.jinja_env.filters["local_time"] = local_time

    @app.context_processor
    def _language_context():
        locale = page_language()
        return {"current_locale": locale, "html_lang": locale.replace("_", "-"),
                "languages": app.config["CONSORTIUM_LANGUAGES"]}


def page_language() -> str:
    """The page language as offered in config (``zh_CN`` or ``en``), whatever Babel calls it."""
    locale = get_locale()
    if locale is None:
        return "zh_CN"
    return "zh_CN" if locale.language == "zh" else locale.language


def localized_name(member, locale: str | None = None) -> str:
    """A member's name in the page language (its Chinese name is the fallback)."""
    locale = locale or page_language()
    if locale.startswith("en") and getattr(member, "name_en", None):
        return member.name_en
    return member.name


def local_time(value, zone: str | None = None, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC time (datetime or ISO text) shown in ``zone`` (an IANA name: the viewer's
    member's), or in the consortium's ``BABEL_DEFAULT_TIMEZONE`` when ``zone`` is None."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if zone:
        try:
            return babel_dates.format_datetime(value, pattern, tzinfo=babel_dates.get_timezone(zone),
                                               locale=get_locale() or "zh_CN")
        except LookupError:  # a zone this machine's tz database lacks: the consortium's zone instead
            log.warning("unknown time zone %r; showing %s", zone, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return format_datetime(value, pattern)
