"""Dates of a record: ISO 8601 text in, ``datetime.date`` out; acquisitions not in the future."""
import datetime as dt

from member_sites.record import messages
from member_sites.record.errors import FutureDate, InvalidValue


def parse_date(value) -> dt.date:
    """A date from a ``date`` or ISO 8601 text (what ``date.fromisoformat`` reads)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidValue([messages.NOT_DATE]) from None


def check_acquired_on(day: dt.date) -> dt.date:
    """An acquisition date may be today in any time zone, never later."""
    if day > dt.date.today() + dt.timedelta(days=1):
        raise FutureDate(messages.FUTURE_ACQUISITION)
    return day
