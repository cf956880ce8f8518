"""Page languages (zh-CN first, English): Flask-Babel with one catalogue per feature area.

Each ``consortium/i18n/<area>/`` directory holds its own Chinese catalogue (``zh``: Babel
reads ``zh_CN`` as ``zh_Hans_CN`` and gettext finds it under ``zh``) so that feature
areas do not edit one shared file; Flask-Babel merges them. A built wheel carries the
compiled ``.mo`` files (setup.py compiles them at build time), so an installed package is
never written to; a source checkout compiles a catalogue on start when its ``.po`` is newer
than its ``.mo``.
"""
import logging
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request
from flask_babel import Babel, format_datetime, get_locale, get_translations, gettext

log = logging.getLogger(__name__)
ROOT = Path(__file__).parent / "i18n"
COOKIE = "lang"
# Readers in China call the one zone of the mainland 北京时间, not "China (Shanghai) Time".
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"})
# app.extensions key of a callable answering the viewer's time zone name (or None); the portal
# registers one that knows staff users and readers' home members (this module knows no models).
VIEWER_ZONE = "consortium.viewer_zone"
DEFAULT_PATTERN = "yyyy-MM-dd HH:mm"


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
            log.log(logging.DEBUG if mo_path.exists() else logging.WARNING, "could not compile %s: %s", po_path, exc)


def init_app(app) -> None:
    dirs = translation_dirs()
    compile_catalogues(dirs)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(dirs))
    Babel(app, locale_selector=select_locale)

    # staff and readers read times in the consortium's zone (BABEL_DEFAULT_TIMEZONE), not UTC
    app.jinja_env.globals.setdefault("format_datetime", format_datetime)
    app.jinja_env.globals["viewer_zone"] = viewer_zone
    app.jinja_env.globals["translated"] = translated
    app.jinja_env.globals["zone_label"] = zone_label
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


def translated(message: str | None) -> str | None:
    """``message`` in the page language, or None when the catalogues lack it: for texts made
    elsewhere (an error's description) that a page shows only when a person can read them.
    A message a view already translated (a value of the catalogues) is shown as it is."""
    if not message:
        return None
    if page_language() == "en":
        return message
    catalog = getattr(get_translations(), "_catalog", None) or {}
    found = catalog.get(message)
    if found is None and message in _translations_of(catalog):
        return message
    return found


def _translations_of(catalog: dict) -> frozenset:
    """The translated texts of a merged catalogue (computed once per catalogue object)."""
    key = id(catalog)
    if _TRANSLATED.get("key") != key:
        _TRANSLATED.update(key=key, values=frozenset(v for v in catalog.values() if isinstance(v, str)))
    return _TRANSLATED["values"]


_TRANSLATED: dict = {}


def localized_name(member, locale: str | None = None) -> str:
    """A member's name in the page language (its Chinese name is the fallback)."""
    locale = locale or page_language()
    if locale.startswith("en") and getattr(member, "name_en", None):
        return member.name_en
    return member.name


def default_zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai"


def viewer_zone() -> str:
    """The time zone of the person looking: their member's (staff) or home member's (readers).

    Asked once per request; without a registered resolver or a known member it is the
    consortium's zone (``BABEL_DEFAULT_TIMEZONE``).
    """
    if not has_request_context():
        return default_zone()
    if "viewer_zone" not in g:
        resolver = current_app.extensions.get(VIEWER_ZONE)
        g.viewer_zone = (resolver() if resolver else None) or default_zone()
    return g.viewer_zone


def _zone(zone) -> ZoneInfo:
    name = getattr(zone, "timezone", zone) or viewer_zone()
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default_zone())


def zone_label(zone=None) -> str:
    """The zone as a person reads it in the page language ("北京时间", "Beijing time")."""
    tz = _zone(zone)
    if tz.key in BEIJING_ZONES:
        return gettext("Beijing time")
    return get_timezone_location(tz, locale=str(get_locale() or "zh_CN"), return_city=False)


def local_time(value, zone=None, pattern: str = DEFAULT_PATTERN, show_zone: bool = False) -> str:
    """A stored UTC time (datetime or ISO text) shown in a time zone: ``zone`` is a zone name
    or anything with a ``timezone`` attribute (a member), else the viewer's zone. With
    ``show_zone`` the zone is named after the time, for pages where it could be doubted.

    ``value|local_time`` keeps its old meaning, and an old-style pattern as the first argument
    (``value|local_time("yyyy-MM-dd")``) is still read as the pattern.
    """
    if not value:
        return ""
    if isinstance(zone, str) and "yy" in zone:
        zone, pattern = None, zone
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    tz = _zone(zone)
    text = babel_format_datetime(value, pattern, tzinfo=tz, locale=str(get_locale() or "zh_CN"))
    return f"{text} ({zone_label(tz.key)})" if show_zone else text
