"""Which documents a search may look at (dates and source paths), and the ISO date form they are compared in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Filters:
    since: str | None = None  # ISO dates, inclusive
    until: str | None = None
    source: str | None = None  # a glob on the source path, or an exact path
    exact: bool = False  # `source` is a path to match as written, not a glob ("[draft].txt")

    def active(self) -> bool:
        return any((self.since, self.until, self.source))


def iso_date(value: str) -> str | None:
    """The date as YYYY-MM-DD (the form stored and compared), or None if it is not an ISO date.
    Normalising matters: Python also accepts "20231207", which would compare wrongly as text."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None
