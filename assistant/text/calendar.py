"""The calendar's words, one vocabulary for every stage: month names and their abbreviations, weekdays."""

from __future__ import annotations

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
MONTH_NUMBERS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CALENDAR_WORDS = frozenset(MONTH_NAMES) | frozenset(WEEKDAYS)
MONTH_ABBREVIATIONS = {"jan": "january", "feb": "february", "apr": "april", "jun": "june", "jul": "july",
                       "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
                       "dec": "december"}
# A month written out or abbreviated, as a regular expression (no group of its own).
MONTH_PATTERN = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
                 r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
WEEKDAY_PATTERN = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
