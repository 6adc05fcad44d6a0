"""Read the dates documents carry in their metadata (ISO strings, PDF "D:" dates, datetimes) as YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date, datetime

_LEADING_DATE = re.compile(r"^\s*(?:D:)?(\d{4})-?(\d{2})-?(\d{2})")


def iso_day(value: object) -> str | None:
    """The calendar day of a metadata date, or None when there is none or it is not a real date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = _LEADING_DATE.match(value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
