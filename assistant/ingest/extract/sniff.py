"""Tell a file's format from its content and its extension, refusing files whose content belies the extension."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from assistant.errors import UnreadableFile
from assistant.types import Format

SUFFIXES = {".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".docx"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
WORD_PART = "word/document.xml"
_HTML_MARK = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]")


def sniff(path: Path, data: bytes) -> Format:
    """One of "pdf", "docx", "html", "markdown", "text"; UnreadableFile when a .pdf or .docx is not one.

    Binary content (PDF, Word) decides over a text extension: a PDF saved as .txt is read as a PDF.
    A .pdf or .docx extension is a promise about the content, so a mismatch is refused."""
    suffix = path.suffix.lower()
    if is_pdf(data):
        if suffix == ".docx":
            raise UnreadableFile("not a Word file (content is a PDF)")
        return "pdf"
    if suffix == ".pdf":
        raise UnreadableFile("not a PDF (content does not start with %PDF-)")
    if data.startswith(ZIP_MAGIC):
        return _zip_format(suffix, data)
    if suffix == ".docx":
        raise UnreadableFile("not a Word file (content is not a ZIP with word/document.xml)")
    if suffix in HTML_SUFFIXES or looks_html(data):
        return "html"
    return "markdown" if suffix in MARKDOWN_SUFFIXES else "text"


def is_pdf(data: bytes) -> bool:
    # Readers accept the header anywhere in the first KiB (some files carry a prefix); so do we.
    return PDF_MAGIC in data[:1024]


def looks_html(data: bytes) -> bool:
    """Starts with markup, and a doctype, <html>, <head> or <body> shows near the start."""
    head = data[:2048].replace(b"\x00", b"").decode("ascii", "ignore").lower().lstrip("\ufeff \t\r\n")
    return head.startswith("<") and bool(_HTML_MARK.search(head))


def _zip_format(suffix: str, data: bytes) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_word = WORD_PART in archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        # A .docx whose archive is cut short is a damaged Word file; extraction says so.
        is_word = suffix == ".docx"
    if is_word:
        return "docx"
    if suffix == ".docx":
        raise UnreadableFile(f"not a Word file (no {WORD_PART} in the ZIP)")
    return "text"  # any other archive: decoding refuses it as binary
