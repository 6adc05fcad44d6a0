"""Read a cited document back as ingest saw it (the path the store recorded, the same decoding and extraction), so
a quote can be checked against its lines and shown among its neighbours, from any working directory."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path

from assistant.config import ExtractionSettings
from assistant.errors import UnreadableFile
from assistant.ingest.extract import extract
from assistant.store.index import Store, StoredDocument
from assistant.types import Citation


def _edited(stored: StoredDocument, data: bytes) -> bool:
    """The file's bytes are no longer those that were indexed."""
    return hashlib.sha256(data).hexdigest() != stored.content_hash


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


class SourceReader:
    """Reads each cited document once, extracted with the settings ingest used; `None` for a document that cannot be
    read any more."""

    def __init__(self, store: Store | None = None, extraction: ExtractionSettings = ExtractionSettings()):
        self.store = store
        self.extraction = extraction
        self.pages: dict[str, dict[int | None, list[str]] | None] = {}
        self.changed: set[str] = set()  # sources whose file is no longer what was indexed

    def lines(self, source: str, page: int | None = None) -> list[str] | None:
        if source not in self.pages:
            self.pages[source] = self._read(source)
        pages = self.pages[source]
        return None if pages is None else pages.get(page)

    def _read(self, source: str) -> dict[int | None, list[str]] | None:
        stored = self._stored(source)
        path = Path(stored.path) if stored else Path(source)
        try:
            data = path.read_bytes()
            pages = {page.number: page.lines for page in extract(path, data, self.extraction).pages}
        except (OSError, UnreadableFile):
            return None
        if stored and _edited(stored, data):
            self.changed.add(source)
        return pages

    def changed_since_indexed(self, sources: list[str]) -> tuple[list[str], list[str]]:
        """Those of `sources` whose file was edited after it was indexed (hashed, not extracted: cheap), and those
        whose file is gone (deleted, moved or unreadable): the store still holds their text until the next ingest."""
        changed, removed = [], []
        for source in dict.fromkeys(sources):
            stored = self._stored(source)
            if stored is None:
                continue
            try:
                data = Path(stored.path).read_bytes()
            except OSError:
                removed.append(source)
                continue
            if _edited(stored, data):
                changed.append(source)
        return changed, removed

    def _stored(self, source: str) -> StoredDocument | None:
        return self._by_source.get(source)

    @cached_property
    def _by_source(self) -> dict[str, StoredDocument]:
        """The store's documents by source, read once per reader (an answer cites several)."""
        return {d.source: d for d in self.store.documents()} if self.store else {}

    def holds(self, citation: Citation) -> bool:
        """Is the quote, whitespace aside, within the cited lines of the cited page?"""
        lines = self.lines(citation.source, citation.page)
        if lines is None:
            return False
        cited = " ".join(lines[citation.start_line - 1: citation.end_line])
        return _plain(citation.quote) in _plain(cited)
