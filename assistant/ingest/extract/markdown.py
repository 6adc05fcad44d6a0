"""Markdown files: the file's own lines, with ATX and setext headings found and front matter read."""

from __future__ import annotations

import re

import yaml

from assistant.ingest.extract.dates import iso_day
from assistant.ingest.extract.result import Extracted, clean_value, single_page
from assistant.ingest.extract.text import file_lines

ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
FRONT_MATTER_END = {"---", "..."}
MAX_FRONT_MATTER_LINES = 200


def extract_markdown(data: bytes) -> Extracted:
    """One page of the file's lines; keep=None because the caller's cleaner decides what is text."""
    lines = file_lines(data)
    start, meta = front_matter(lines)
    headings = find_headings(lines, start)
    title = clean_value(meta.get("title")) or _first_title(lines, headings)
    return Extracted(
        format="markdown", pages=single_page(lines, None, headings),
        title=title, author=_author(meta), date=iso_day(meta.get("date")),
    )


def front_matter(lines: list[str]) -> tuple[int, dict]:
    """Index of the first line after a YAML front matter block, and its fields ({} when there is none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0, {}
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES)):
        if lines[end].rstrip() in FRONT_MATTER_END:
            try:
                fields = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                return 0, {}
            return (end + 1, fields) if isinstance(fields, dict) else (0, {})
    return 0, {}


def find_headings(lines: list[str], start: int = 0) -> dict[int, str]:
    """0-based line index -> heading text, for ATX (# Title) and setext (Title / ====) headings outside code."""
    headings: dict[int, str] = {}
    fence: str | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        atx = ATX.match(line)
        if atx and atx.group(2):
            headings[i] = atx.group(2).strip()
        elif SETEXT.match(line) and i > start and _can_be_setext_text(lines[i - 1]) and i - 1 not in headings:
            headings[i - 1] = lines[i - 1].strip()
    return headings


def _can_be_setext_text(line: str) -> bool:
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" "))
    return bool(stripped) and indent < 4 and not (
        ATX.match(line) or SETEXT.match(line) or FENCE.match(line) or LIST_ITEM.match(line) or stripped.startswith(">")
    )


def _first_title(lines: list[str], headings: dict[int, str]) -> str | None:
    """The first level-1 heading (# Title, or Title over ====), the usual title of a Markdown file."""
    for i in sorted(headings):
        atx = ATX.match(lines[i])
        if (atx and len(atx.group(1)) == 1) or (not atx and lines[i + 1].lstrip().startswith("=")):
            return headings[i]
    return None


def _author(meta: dict) -> str | None:
    value = meta.get("author", meta.get("authors"))
    if isinstance(value, list):
        value = ", ".join(str(name) for name in value if name)
    elif isinstance(value, dict):
        value = value.get("name")
    return clean_value(value)
