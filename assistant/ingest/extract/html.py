"""Saved web pages: the article's text by trafilatura (menus, ads, footers dropped), headings kept as sections.

Nothing here reaches the network: trafilatura is given the page's bytes and no URL, and only its
download helpers (never called) fetch anything."""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

import trafilatura
from trafilatura.xml import xmltotxt

from assistant.config import ExtractionSettings
from assistant.errors import UnreadableFile
from assistant.ingest.extract.dates import iso_day
from assistant.ingest.extract.result import Extracted, clean_value, single_page, split_lines

NO_ARTICLE = "no article text found in the page"
# Measured on trafilatura's own evaluation pages (benchmarks/formats.py, docs/formats.md):
# favor_precision keeps a little less article text and lets in less boilerplate.
OPTIONS: dict[str, Any] = dict(
    url=None, favor_precision=True, include_comments=False, include_tables=True, include_images=False,
    include_links=False, include_formatting=False, deduplicate=False, with_metadata=True,
)
TABLE_RULE = re.compile(r"^\|(?:-+\|)+$")


def extract_html(data: bytes, params: ExtractionSettings = ExtractionSettings()) -> Extracted:
    """The main text as one page (one line per paragraph, list item or table row), with the page's metadata."""
    document = article(data)
    lines, headings = body_lines(document.body)
    if not any(len(line.split()) >= params.min_article_words for line in lines):  # a menu or a link or two: no article
        raise UnreadableFile(NO_ARTICLE)
    return Extracted(
        format="html", pages=single_page(lines, [True] * len(lines), headings),
        title=clean_value(document.title), author=clean_value(document.author), date=iso_day(document.date),
    )


def article(data: bytes) -> Any:
    """trafilatura's Document for the page, or UnreadableFile when it finds no main text."""
    try:
        document: Any = trafilatura.bare_extraction(data, **OPTIONS)
    except (ValueError, TypeError) as error:  # bytes lxml cannot parse as a tree at all
        raise UnreadableFile(NO_ARTICLE) from error
    if document is None or document.body is None:
        raise UnreadableFile(NO_ARTICLE)
    return document


def body_lines(body) -> tuple[list[str], dict[int, str]]:
    """trafilatura's own plain-text rendering, cut into lines; each <head> is found in order and marked."""
    texts = (line.strip() for line in split_lines(xmltotxt(body, False)))
    lines = [_row(text) for text in texts if text and not TABLE_RULE.match(text)]
    headings: dict[int, str] = {}
    at = 0
    for head in body.iter("head"):
        text = _text_alone(head)
        for i in range(at, len(lines)):
            if " ".join(lines[i].split()) == text:
                headings[i], at = text, i + 1
                break
    return lines, headings


def _row(line: str) -> str:
    """A table row as trafilatura writes it ("| a | b |") becomes "a | b", like a Word table row."""
    if line.startswith("| ") and line.endswith("|"):
        return line[1:-1].strip().replace("\\|", "|")
    return line


def _text_alone(element) -> str:
    alone = deepcopy(element)
    alone.tail = None
    return " ".join(xmltotxt(alone, False).split())
