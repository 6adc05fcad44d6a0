"""What extraction returns: a file's text as pages of citable lines, with its metadata."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.types import Format


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based page number for PDFs; None for formats without pages
    lines: list[str]  # the text whose 1-based line numbers citations use (no trailing newlines)
    keep: list[bool] | None  # per line: False = keep out of the index; None = let the caller's cleaner decide
    headings: dict[int, str]  # 0-based line index -> heading text, for lines that start a section


@dataclass(frozen=True)
class Extracted:
    format: Format
    pages: list[Page]  # non-PDF formats: exactly one Page with number=None
    title: str | None
    author: str | None
    date: str | None  # ISO YYYY-MM-DD from the document's metadata, when it has one


def single_page(lines: list[str], keep: list[bool] | None, headings: dict[int, str]) -> list[Page]:
    """The one unnumbered page of a format that has no pages."""
    return [Page(number=None, lines=lines, keep=keep, headings=headings)]


def split_lines(text: str) -> list[str]:
    """Text cut at every kind of line break, so no line holds one (str.splitlines also cuts \\u2028, \\x0b…)."""
    return [line.rstrip() for line in text.splitlines()]


def clean_value(value: object) -> str | None:
    """A metadata string stripped and on one line, or None when blank."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
