"""OPML's dateCreated from an aware time in any zone (PostgreSQL hands back its own UTC zone)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from feeds.opml import render_opml


@pytest.mark.parametrize("zone", [timezone(timedelta(0)), ZoneInfo("Etc/UTC"), ZoneInfo("Asia/Shanghai")])
def test_date_created_is_written_in_gmt_whatever_the_zone(zone):
    """The same instant is written as the same RFC 822 GMT date."""
    created = datetime(2026, 12, 7, 3, 4, 5, tzinfo=timezone.utc).astimezone(zone)
    assert b"<dateCreated>Mon, 07 Dec 2026 03:04:05 GMT</dateCreated>" in render_opml("t", [], created)
