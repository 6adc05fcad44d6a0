"""Turn one file's bytes into text a citation can point at: pages of lines, with keep flags, headings and metadata."""

from __future__ import annotations

from pathlib import Path

from assistant.config import ExtractionSettings
from assistant.ingest.extract.result import Extracted, Page
from assistant.ingest.extract.sniff import SUFFIXES, sniff

__all__ = ["SUFFIXES", "VERSION", "Extracted", "Page", "extract", "sniff"]

VERSION = "2"  # bump when extraction changes what a page's lines hold: stores then re-chunk (2: plain text headings)


def extract(path: Path, data: bytes, params: ExtractionSettings = ExtractionSettings()) -> Extracted:
    """The file's text by its format (see sniff); raises assistant.documents.UnreadableFile with a short reason.
    `params` holds the PDF layout and web-article thresholds (the other formats have none).

    Deterministic: the same bytes always give the same lines, so a citation can be re-checked later."""
    kind = sniff(path, data)
    if kind == "pdf":
        from assistant.ingest.extract.pdf import extract_pdf

        return extract_pdf(data, params)
    if kind == "docx":
        from assistant.ingest.extract.docx import extract_docx

        return extract_docx(data)
    if kind == "html":
        from assistant.ingest.extract.html import extract_html

        return extract_html(data, params)
    if kind == "markdown":
        from assistant.ingest.extract.markdown import extract_markdown

        return extract_markdown(data)
    from assistant.ingest.extract.text import extract_text

    return extract_text(data)
