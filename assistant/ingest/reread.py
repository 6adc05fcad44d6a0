"""Read a cited document back as ingest saw it (the path the store recorded, the same decoding and extraction), so
a quote can be checked against its lines and shown among its neighbours, from any working directory."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import UnreadableFile
from assistant.ingest.extract import extract
from assistant.store.index import Store
from assistant.types import Citation


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


class SourceReader:
    """Reads each cited document once; `None` for a document that cannot be read any more."""

    def __init__(self, store: Store | None = None):
        self.store = store
        self.pages: dict[str, dict[int | None, list[str]] | None] = {}

    def lines(self, source: str, page: int | None = None) -> list[str] | None:
        if source not in self.pages:
            self.pages[source] = self._read(source)
        pages = self.pages[source]
        return None if pages is None else pages.get(page)

    def _read(self, source: str) -> dict[int | None, list[str]] | None:
        stored = next((d for d in self.store.documents() if d.source == source), None) if self.store else None
        path = Path(stored.path) if stored else Path(source)
        try:
            return {page.number: page.lines for page in extract(path, path.read_bytes()).pages}
        except (OSError, UnreadableFile):
            return None

    def holds(self, citation: Citation) -> bool:
        """Is the quote, whitespace aside, within the cited lines of the cited page?"""
        lines = self.lines(citation.source, citation.page)
        if lines is None:
            return False
        cited = " ".join(lines[citation.start_line - 1: citation.end_line])
        return _plain(citation.quote) in _plain(cited)
