"""Plain text files: their decoded lines, exactly as an editor numbers them, and the headings a note's sections
open with."""

from __future__ import annotations

import re

from assistant.errors import UnreadableFile
from assistant.ingest.extract.result import Extracted, single_page
from assistant.ingest.files import decode
from assistant.text.words import BULLET, FIELD, LIST_ITEM, SENTENCE_END, TABLE_ROW

OPEN_END = re.compile(r"[.!?,;]$")  # a heading does not end as a sentence does (it may as a lead-in, "Treatment:")


def file_lines(data: bytes) -> list[str]:
    """The file's own lines (the same as TextDocument.lines), or UnreadableFile for binary or empty files."""
    text = decode(data)
    if not text.strip():
        raise UnreadableFile("empty file")
    return text.split("\n")


def extract_text(data: bytes) -> Extracted:
    """A text file as one page whose cleaning is left to the caller."""
    lines = file_lines(data)
    return Extracted(format="text", pages=single_page(lines, None, find_headings(lines)), title=None, author=None,
                     date=None)


def find_headings(lines: list[str], most_words: int = 8) -> dict[int, str]:
    """0-based line index -> heading, for a short line after a blank one that a sentence or a list item follows
    directly ("3. New tool shed" over "Corinne collected three quotes …", "Treatment:" over a list). The first line
    is the title's; a bullet, a field ("Owner: Hanna") or a table row is no heading. News files, a paragraph a line
    between blank lines, have none."""
    headings: dict[int, str] = {}
    for i in range(1, len(lines) - 1):
        line, below = lines[i].strip(), lines[i + 1].strip()
        if not line or not below or lines[i - 1].strip() or len(line.split()) > most_words:
            continue
        if OPEN_END.search(line) or BULLET.match(line) or FIELD.match(line) or TABLE_ROW.match(line):
            continue
        if LIST_ITEM.match(below) or (len(below.split()) >= 4 and SENTENCE_END.search(below)):
            headings[i] = line.removesuffix(":")
    return headings
