"""Persistence: chunk vectors in Chroma, documents, chunks and the BM25 index in SQLite beside it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.errors import ChromaError
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.models import Chunk, DocumentInfo

FORMAT_VERSION = 1
COLLECTION = "assistant"


def collection_name(folder: Path, chroma_url: str | None) -> str:
    """Embedded: one collection per store folder. On a shared server, each store folder gets its own."""
    if not chroma_url:
        return COLLECTION
    return f"{COLLECTION}-{hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:12]}"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY, source TEXT NOT NULL, content_hash TEXT NOT NULL,
    title TEXT, date TEXT, outlet TEXT, chunks INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL, ingested_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, path TEXT NOT NULL, source TEXT NOT NULL,
    idx INTEGER NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
    text TEXT NOT NULL, spans TEXT NOT NULL, title TEXT, date TEXT);
CREATE INDEX IF NOT EXISTS chunks_path ON chunks(path);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(body, tokenize='porter unicode61 remove_diacritics 2');
"""


class StoreError(Exception):
    """The store cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class StoredDocument:
    path: str
    source: str
    content_hash: str
    title: str | None
    date: str | None
    outlet: str | None
    chunks: int
    state: str
    ingested_at: float


@dataclass(frozen=True)
class StoredChunk:
    id: str
    source: str
    start_line: int
    end_line: int
    text: str
    spans: list[list[int]]  # [start_char, end_char, start_line, end_line] per sentence
    title: str | None
    date: str | None


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def chroma_client(store: Path, chroma_url: str | None):
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=settings)
        except ValueError as error:  # chromadb's "Could not connect to a Chroma server"
            raise StoreError(f"cannot reach the Chroma server at {chroma_url}: {error}") from None
    # Absolute: chromadb shares one client per path string, so ".assistant" would follow the first cwd.
    return chromadb.PersistentClient(path=str((store / "chroma").resolve()), settings=settings)


class Store:
    """One store folder: open it, check it matches the embedding model, read and write documents."""

    def __init__(self, folder: Path, embeddings: Embeddings, embedding_name: str, dimension: int,
                 chroma_url: str | None = None):
        _private_dir(folder)
        self.folder = folder
        self.embedding_name = embedding_name
        self.dimension = dimension
        try:
            self.db = sqlite3.connect(folder / "index.sqlite", timeout=30, check_same_thread=False)
            os.chmod(folder / "index.sqlite", 0o600)
            self.db.executescript(SCHEMA)
            self._check_format()
            self.client = chroma_client(folder, chroma_url)
            name = collection_name(folder, chroma_url)
            self.vectors = Chroma(client=self.client, collection_name=name, embedding_function=embeddings,
                                  collection_metadata={"embedding_model": embedding_name, "dimension": dimension},
                                  collection_configuration={"hnsw": {"space": "cosine"}})
            self.collection = self.client.get_collection(name)
        except (sqlite3.DatabaseError, ChromaError) as error:
            raise StoreError(f"the store at {folder} is damaged ({' '.join(str(error).split())[:120]}); "
                             f"run `assistant ingest --rebuild`") from None
        self._check_embeddings()

    # --- compatibility -------------------------------------------------------------------
    def _check_format(self) -> None:
        version = self.meta("format_version")
        if version is None:
            self.set_meta("format_version", str(FORMAT_VERSION))
        elif int(version) > FORMAT_VERSION:
            raise StoreError(f"the store at {self.folder} was written by a newer version of assistant "
                             f"(format {version}); upgrade, or run `assistant ingest --rebuild`")

    def _check_embeddings(self) -> None:
        built_with = self.collection.metadata or {}
        name, dim = built_with.get("embedding_model"), built_with.get("dimension")
        if (name, dim) != (self.embedding_name, self.dimension) and self.collection.count():
            raise StoreError(f"the store was built with the embedding model {name} ({dim} dimensions), "
                             f"not {self.embedding_name} ({self.dimension}); run `assistant ingest --rebuild`")

    # --- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- documents -----------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        rows = self.db.execute("SELECT path, source, content_hash, title, date, outlet, chunks, state, ingested_at "
                               "FROM documents ORDER BY source").fetchall()
        return [StoredDocument(*row) for row in rows]

    def is_current(self, path: str, content_hash: str) -> bool:
        row = self.db.execute("SELECT content_hash, state FROM documents WHERE path = ?", (path,)).fetchone()
        return row == (content_hash, "ready")

    def has_document(self, path: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE path = ?", (path,)).fetchone() is not None

    def chunk_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def replace_document(self, path: str, info: DocumentInfo, chunks: list[Chunk],
                         spans: list[list[list[int]]], vectors: list[list[float]]) -> None:
        """Swap a document's chunks for new ones; a crash part-way leaves it 'pending' for the next ingest."""
        self._set_state(path, info, "pending", 0)
        self.collection.delete(where={"path": path})
        if chunks:
            self.collection.upsert(ids=[c.id for c in chunks], embeddings=vectors, documents=[c.text for c in chunks],
                                   metadatas=[_chunk_metadata(path, info, c) for c in chunks])
        with self.db:
            self._delete_rows(path)
            for chunk, chunk_spans in zip(chunks, spans):
                cursor = self.db.execute(
                    "INSERT INTO chunks (id, path, source, idx, start_line, end_line, text, spans, title, date) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (chunk.id, path, chunk.source, chunk.index, chunk.start_line, chunk.end_line, chunk.text,
                     json.dumps(chunk_spans), info.title, info.date))
                self.db.execute("INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)",
                                (cursor.lastrowid, f"{info.title or ''}\n{chunk.text}"))
            self._write_state(path, info, "ready", len(chunks))

    def remove_document(self, path: str) -> None:
        self.collection.delete(where={"path": path})
        with self.db:
            self._delete_rows(path)
            self.db.execute("DELETE FROM documents WHERE path = ?", (path,))

    def _delete_rows(self, path: str) -> None:
        self.db.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE path = ?)", (path,))
        self.db.execute("DELETE FROM chunks WHERE path = ?", (path,))

    def _set_state(self, path: str, info: DocumentInfo, state: str, chunks: int) -> None:
        with self.db:
            self._write_state(path, info, state, chunks)

    def _write_state(self, path: str, info: DocumentInfo, state: str, chunks: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (path, info.source, info.content_hash, info.title, info.date, info.outlet, chunks, state,
                         time.time()))

    # --- reading chunks ------------------------------------------------------------------
    def chunks_by_id(self, ids: list[str]) -> dict[str, StoredChunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, source, start_line, end_line, text, spans, title, date FROM chunks "
                               f"WHERE id IN ({marks})", ids).fetchall()
        return {row[0]: StoredChunk(*row[:5], json.loads(row[5]), row[6], row[7]) for row in rows}

    def lexical_search(self, match: str, limit: int, where_sql: str = "", params: tuple = ()) -> list[tuple[str, float]]:
        """(chunk id, bm25 score, higher is better) for an FTS5 match expression."""
        rows = self.db.execute(
            "SELECT c.id, -bm25(chunks_fts) AS score FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
            f"WHERE chunks_fts MATCH ? {where_sql} ORDER BY bm25(chunks_fts) LIMIT ?",
            (match, *params, limit)).fetchall()
        return [(row[0], row[1]) for row in rows]

    def chunks_of(self, path: str) -> list[StoredChunk]:
        """One document's chunks in order."""
        rows = self.db.execute("SELECT id, source, start_line, end_line, text, spans, title, date FROM chunks "
                               "WHERE path = ? ORDER BY idx", (path,)).fetchall()
        return [StoredChunk(*row[:5], json.loads(row[5]), row[6], row[7]) for row in rows]

    def sources_matching(self, glob: str) -> list[str]:
        rows = self.db.execute("SELECT path FROM documents WHERE source GLOB ? OR path GLOB ?", (glob, glob))
        return [row[0] for row in rows]

    def vectors_for(self, ids: list[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"]))

    def close(self) -> None:
        self.db.close()


def _chunk_metadata(path: str, info: DocumentInfo, chunk: Chunk) -> dict:
    metadata = {"path": path, "source": chunk.source, "start_line": chunk.start_line, "end_line": chunk.end_line,
                "index": chunk.index}
    if info.title:
        metadata["title"] = info.title
    if info.date:
        metadata["date"] = info.date
        metadata["date_int"] = int(info.date.replace("-", ""))
    return metadata


def wipe(folder: Path, chroma_url: str | None = None) -> None:
    """Remove a store, even one that cannot be opened (wrong dimension, damaged files)."""
    import shutil

    if chroma_url:
        client = chroma_client(folder, chroma_url)
        name = collection_name(folder, chroma_url)
        if name in [c.name for c in client.list_collections()]:
            client.delete_collection(name)
    else:
        try:
            client = chroma_client(folder, None)
            if COLLECTION in [c.name for c in client.list_collections()]:
                client.delete_collection(COLLECTION)
        except Exception:  # noqa: BLE001 - a damaged store fails in many ways; it is deleted below anyway
            shutil.rmtree(folder / "chroma", ignore_errors=True)
    (folder / "index.sqlite").unlink(missing_ok=True)


@contextmanager
def exclusive(folder: Path):
    """Hold the store's ingest lock; a second ingest fails at once with a clear message."""
    from filelock import FileLock, Timeout

    _private_dir(folder)
    lock = FileLock(str(folder / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise StoreError(f"another ingest is writing to {folder}; wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()
