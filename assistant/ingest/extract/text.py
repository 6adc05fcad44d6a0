"""Plain text files: their decoded lines, exactly as an editor numbers them."""

from __future__ import annotations

from assistant.errors import UnreadableFile
from assistant.ingest.extract.result import Extracted, single_page
from assistant.ingest.files import decode


def file_lines(data: bytes) -> list[str]:
    """The file's own lines (the same as TextDocument.lines), or UnreadableFile for binary or empty files."""
    text = decode(data)
    if not text.strip():
        raise UnreadableFile("empty file")
    return text.split("\n")


def extract_text(data: bytes) -> Extracted:
    """A text file as one page whose cleaning is left to the caller."""
    return Extracted(format="text", pages=single_page(file_lines(data), None, {}), title=None, author=None, date=None)
