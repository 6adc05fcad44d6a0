"""Tell article text from web-page debris, line by line, and read a document's title, date and outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.calendar import MONTH_NUMBERS, MONTH_PATTERN
from assistant.text.words import BULLET_GLYPHS, FIELD, LIST_ITEM, SENTENCE_END, TABLE_ROW

VERSION = "7"  # bump when the rules below change what is kept: stores then re-chunk
#               (4: a first line of 2-4 words may be the title; 5: so may a first line of capitalised words, from 5;
#               7: fields, list items, table rows and lines with figures on consecutive lines are no menu; 6 was a
#               looser first version of 7, never committed)

DEBRIS_LINES = {
    "leave a reply", "back to top", "back to top button", "source", "share", "share this",
    "all rights reserved", "privacy policy", "your email address will not be published",
    "english bulletin", "slogan", "x", "tweet", "email", "print", "advertisement", "subscribe",
    "comments", "all", "about us", "contact us", "authors", "follow us", "skip to content",
}
# Headers that open a list of links to other stories: skip until article prose resumes.
LINK_LIST_HEADERS = {
    "most read", "read next", "read more", "related news", "related", "related articles",
    "check also", "coverage", "trending", "more from", "you may also like", "latest news",
    "recommended", "more stories",
}
TICKER_HEADERS = {"breaking", "breaking news", "live", "just in"}
CAPTION_END = re.compile(r"\((?:AP|AFP|Reuters|Getty Images|EPA|@[^)]*|[^)]*/\s*X)\)\s*$")
DEBRIS_PATTERNS = [
    re.compile(r"^\d+\s+min(ute)?s?\s+read$", re.I),
    re.compile(r"pic\.twitter\.com/", re.I),
    re.compile(r"^(read next|read more|watch)\b.{0,120}$", re.I),
    re.compile(r"(?<![^\W\d_])©"),  # a copyright line; not "Tools of the Mind©", nor "exposÃ©" (é decoded twice)
]

MONTH_RE = f"({MONTH_PATTERN})"
DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})\s+{MONTH_RE}\.?,?\s+(\d{{4}})\b", re.I), ("d", "M", "y")),
    (re.compile(rf"\b{MONTH_RE}\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I), ("M", "d", "y")),
]
LEADING_DATE = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\s*")
OUTLET_PATTERNS = [
    re.compile(r"\(MENAFN-\s*(.+?\))\)"),
    re.compile(r"^\s*(?:•\s*)?By\s+([A-Z][\w&.' -]{2,40})\s*$"),
    re.compile(r"^\s*[A-Z][A-Za-z .'-]{1,30},\s*([A-Z]{3,6})\s*[-–—]"),
]


@dataclass(frozen=True)
class Metadata:
    title: str | None
    date: str | None
    outlet: str | None


def words(line: str) -> int:
    return len(line.split())


def _norm(line: str) -> str:
    return re.sub(r"[\s:.!•·|-]+$", "", line.strip().lstrip("•· ").strip()).lower()


def _is_short(line: str) -> bool:
    stripped = line.strip()
    return (stripped.startswith("•") and words(stripped) <= 8) or (
        words(stripped) <= 4 and not SENTENCE_END.search(stripped)
    )


def _is_note_content(lines: list[str], i: int) -> bool:
    """A note's short content: a field ("Amount: €132.00"), a dash or numbered list item ("- 2 eggs"), a table row
    or a line with a figure, written on the line after or before another (a record, a list, a table). A scraped
    page's text stands a paragraph a line between blank lines; its menus are not this."""
    stripped = lines[i].strip()
    beside = (i > 0 and lines[i - 1].strip()) or (i + 1 < len(lines) and lines[i + 1].strip())
    return bool(beside) and bool(FIELD.match(stripped) or TABLE_ROW.match(stripped) or any(c.isdigit() for c in stripped)
                                 or (LIST_ITEM.match(stripped) and not stripped.startswith(tuple(BULLET_GLYPHS))))


def is_prose(line: str) -> bool:
    stripped = line.strip()
    return words(stripped) >= 10 and bool(SENTENCE_END.search(stripped)) and not CAPTION_END.search(stripped)


def _is_debris_line(line: str) -> bool:
    stripped = line.strip()
    return (
        _norm(stripped) in DEBRIS_LINES
        or bool(CAPTION_END.search(stripped))
        or any(p.search(stripped) for p in DEBRIS_PATTERNS)
        or (stripped.startswith("— ") and "(@" in stripped)
    )


def content_mask(lines: list[str]) -> list[bool]:
    """True for each line that is article text; blank lines and debris are False."""
    keep = [bool(line.strip()) and not _is_debris_line(line) for line in lines]
    _drop_blocks(lines, keep)
    _drop_menu_runs(lines, keep)
    return keep


def _drop_blocks(lines: list[str], keep: list[bool]) -> None:
    """Link lists run until prose resumes; tickers run until the next blank line."""
    mode = None
    for i, line in enumerate(lines):
        header = _norm(line)
        if header in LINK_LIST_HEADERS or header in TICKER_HEADERS:
            mode = "ticker" if header in TICKER_HEADERS else "links"
            keep[i] = False
        elif mode == "ticker":
            if line.strip():
                keep[i] = False
            else:
                mode = None
        elif mode == "links":
            if is_prose(line):
                mode = None
            else:
                keep[i] = False


def _drop_menu_runs(lines: list[str], keep: list[bool], min_run: int = 3) -> None:
    """Three or more short lines in a row (blank lines aside) are a menu, not text."""
    run: list[int] = []
    for i, line in enumerate(lines + ["a closing line long enough to end any run of menu items."]):
        if not line.strip():
            continue
        if i < len(lines) and _is_short(line) and not _is_note_content(lines, i):
            run.append(i)
            continue
        if len(run) >= min_run:
            for j in run:
                keep[j] = False
        run = []


def describe(lines: list[str], keep: list[bool]) -> Metadata:
    head = _head(lines, keep)
    return Metadata(title=_title(lines, keep), date=_date(lines[: head + 1]), outlet=_outlet(lines[: head + 1]))


def line_text(line: str) -> str:
    """A line's text without a scraper's leading "date 2023-12-07" marker (metadata: the date is read from it)."""
    return LEADING_DATE.sub("", line).strip()


def _head(lines: list[str], keep: list[bool], prose_lines: int = 3) -> int:
    """Index of the last line of the document's head: up to its first few prose lines."""
    seen = 0
    for i, line in enumerate(lines):
        if keep[i] and is_prose(line_text(line)):
            seen += 1
            if seen == prose_lines:
                return i
    return len(lines) - 1


MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def _title(lines: list[str], keep: list[bool]) -> str | None:
    first = next((line.strip() for line in lines if line.strip()), "")
    if heading := MARKDOWN_HEADING.match(first):  # "# Riverside budget draft": a title however short
        return heading.group(1)
    for i, line in enumerate(lines):
        if not keep[i]:
            continue
        text = line_text(line)
        if is_prose(text):
            return _first_sentence(text)
        if (line.strip() == first and _is_name_line(text)) or _is_headline(text, 2 if line.strip() == first else 5):
            return text
    return None


def _is_headline(text: str, fewest_words: int = 5) -> bool:
    # Section labels ("Russia & Former Soviet Union") are all capitals; headlines have small words. A note's own
    # first line may be short ("Budget meeting notes"); further down, short lines are labels and debris.
    return words(text) >= fewest_words and any(word[:1].islower() for word in text.split())


def _is_name_line(text: str, fewest_words: int = 5) -> bool:
    """A note's first line in title case ("Willowbrook Community Garden - Committee Meeting Minutes"); a site's name
    or a section label ("Al Mayadeen English", "Russia & Former Soviet Union") has fewer words."""
    alphabetic = [word for word in text.split() if word[:1].isalpha()]
    return len(alphabetic) >= fewest_words and not SENTENCE_END.search(text)


def _first_sentence(text: str, limit: int = 120) -> str:
    text = re.sub(r"^\(MENAFN-.*?\)\)\s*", "", text)
    text = re.sub(r"^[A-Z][A-Z .'-]+,\s*\w+\s+\d{1,2}\s*\([^)]*\)\s*--\s*", "", text)  # wire dateline
    sentence = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0].rstrip(".")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _date(lines: list[str]) -> str | None:
    for line in lines:
        for pattern, order in DATE_PATTERNS:
            match = pattern.search(line)
            if match and (date := _iso(dict(zip(order, match.groups())))):
                return date
    return None


def _iso(parts: dict[str, str]) -> str | None:
    month = int(parts["m"]) if "m" in parts else MONTH_NUMBERS.get(_month_name(parts["M"]))
    year, day = int(parts["y"]), int(parts["d"])
    if not month or not 1 <= month <= 12 or not 1 <= day <= 31 or not 1900 <= year <= 2100:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _month_name(text: str) -> str:
    prefix = text.lower().rstrip(".")[:3]
    return next(name for name in MONTH_NUMBERS if name.startswith(prefix))


def _outlet(lines: list[str]) -> str | None:
    for line in lines:
        for pattern in OUTLET_PATTERNS:
            if match := pattern.search(line):
                return match.group(1).strip()
    return None
