"""The ``local_time`` filter: the viewer's member's clock, an explicit zone, the old call forms."""
from datetime import datetime, timezone

import pytest

from consortium.accounts.service import add_member
from consortium.i18n import local_time

NOON_UTC = datetime(2026, 3, 11, 4, 0, tzinfo=timezone.utc)


def test_old_call_forms_still_show_the_consortium_zone(app):
    """``value|local_time`` and a pattern as first argument keep working (Beijing time)."""
    with app.test_request_context("/"):
        assert local_time(NOON_UTC) == "2026-03-11 12:00"
        assert local_time(NOON_UTC, "yyyy-MM-dd") == "2026-03-11"
        assert local_time("2026-03-11T04:00:00") == "2026-03-11 12:00"
        assert local_time(None) == ""


@pytest.mark.parametrize("lang, label", [("zh_CN", "北京时间"), ("en", "Beijing time")])
def test_an_explicit_zone_is_used_and_named_in_the_page_language(app, lang, label):
    """A zone name or a member with a time zone converts the time; ``show_zone`` names it."""
    with app.test_request_context(f"/?lang={lang}"):
        assert local_time(NOON_UTC, "Asia/Shanghai", show_zone=True) == f"2026-03-11 12:00 ({label})"
        assert local_time(NOON_UTC, "Europe/London") == "2026-03-11 04:00"


def test_readers_see_their_home_members_zone(app, session):
    """A reader whose home library keeps another zone reads every time in that zone."""
    member = add_member(session, "UQ", "乌鲁木齐某图书馆", "Urumqi Library")
    member.timezone = "Asia/Urumqi"
    session.add(member)
    session.commit()
    with app.test_request_context("/", headers={"Cookie": "home_member=UQ"}):
        assert local_time(NOON_UTC) == "2026-03-11 10:00"
    with app.test_request_context("/"):
        assert local_time(NOON_UTC) == "2026-03-11 12:00"
