"""Persistence: chunk vectors in Chroma, documents, chunks and the BM25 index in SQLite beside it.
SQLite is opened at once (status needs nothing else); Chroma only when vectors are read or written. Longer than 300
lines because one class must own both sides of every write (the crash-safety order: pending row, vectors, rows and
ready state in one transaction); the folder and client helpers live in store/folders.py."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from assistant.store.folders import StoreError, chroma_client, collection_name, forget_clients, private_dir
from assistant.text.words import index_terms
from assistant.types import Chunk, DocumentInfo, Format, SentenceSpan

FORMAT_VERSION = 2
BASE_SCHEMA = """
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


def _to_v2(db: sqlite3.Connection) -> None:
    """Format 2: where a chunk sits (page, section), its words for deduplication, the document's format, author
    and the pipeline that chunked it, and document frequencies for shaping lexical queries."""
    for table, column in [("documents", "format TEXT"), ("documents", "author TEXT"),
                          ("documents", "pipeline TEXT"), ("chunks", "page INTEGER"), ("chunks", "section TEXT"),
                          ("chunks", "words TEXT NOT NULL DEFAULT ''")]:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    db.execute("CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    for title, text in db.execute("SELECT title, text FROM chunks").fetchall():
        _count_terms(db, _indexed(title, None, text), +1)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _to_v2}  # each applied once, in order


DocumentState = Literal["pending", "ready"]  # being written (an interrupted write stays so), or written


@dataclass(frozen=True)
class StoredDocument:
    path: str
    source: str
    content_hash: str
    title: str | None
    date: str | None
    outlet: str | None
    chunks: int
    state: DocumentState
    ingested_at: float
    format: Format | None = None
    author: str | None = None
    pipeline: str | None = None


@dataclass(frozen=True)
class StoredChunk:
    id: str
    source: str
    start_line: int
    end_line: int
    text: str
    spans: list[SentenceSpan]  # its sentences
    title: str | None
    date: str | None
    page: int | None
    section: str | None
    words: frozenset[str]  # content-word stems, computed at ingest for near-duplicate detection


DOCUMENT_COLUMNS = "path, source, content_hash, title, date, outlet, chunks, state, ingested_at, format, author, " \
                   "pipeline"
CHUNK_COLUMNS = "id, source, start_line, end_line, text, spans, title, date, page, section, words"


def _chunk(row: tuple) -> StoredChunk:
    chunk_id, source, start, end, text, spans, title, date, page, section, words = row
    return StoredChunk(chunk_id, source, start, end, text, _read_spans(spans), title, date, page, section,
                       frozenset(words.split()))


def _read_spans(stored: str) -> list[SentenceSpan]:
    """A chunk's sentences as the spans column holds them: JSON, one [start_char, end_char, first_line, last_line,
    section] list per sentence (format 1 stores have no section)."""
    return [SentenceSpan(start, end, first, last, section[0] if section else None)
            for start, end, first, last, *section in json.loads(stored)]


def _stored_spans(spans: list[SentenceSpan]) -> str:
    return json.dumps([[s.start, s.end, s.first_line, s.last_line, s.section] for s in spans])


def held_files(folder: Path) -> list[tuple[str, str]] | None:
    """Each document's (source, path) as the index records them, read without opening the store (a newer format
    or a missing vector index would refuse): what a rebuild reads again. None when the index cannot be read."""
    index = folder / "index.sqlite"
    if not index.is_file():
        return []
    try:
        with closing(sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True)) as db:
            return db.execute("SELECT source, path FROM documents ORDER BY source").fetchall()
    except sqlite3.DatabaseError:
        return None


def _damaged(folder: Path, error: Exception) -> StoreError:
    rebuild = ("`assistant ingest --rebuild`" if held_files(folder) is not None else
               "`assistant ingest --rebuild PATH ...` naming the folders it held (its list of documents is unreadable)")
    return StoreError(f"the store at {folder} is damaged ({' '.join(str(error).split())[:120]}); run {rebuild}")


class Store:
    """One store folder: open it, check it matches the embedding model and pipeline, read and write documents."""

    def __init__(self, folder: Path, chroma_url: str | None = None, fault_pause: str | None = None):
        private_dir(folder)
        self.folder, self.chroma_url = folder, chroma_url
        self.fault_pause = fault_pause
        self._counted: tuple[tuple[int, int], int] | None = None  # (database version, chunks) for chunk_count
        try:
            self.db = sqlite3.connect(folder / "index.sqlite", timeout=30, check_same_thread=False)
            os.chmod(folder / "index.sqlite", 0o600)
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise _damaged(folder, error) from None

    # --- format ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        fresh = not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
        self.db.executescript(BASE_SCHEMA)
        version = int(self.meta("format_version") or 1)
        if fresh:
            with self.db:
                MIGRATIONS[2](self.db)
                self._put_meta("format_version", str(FORMAT_VERSION))
            return
        if version > FORMAT_VERSION:
            raise StoreError(f"the store at {self.folder} was written by a newer version of assistant "
                             f"(format {version}); upgrade, or run `assistant ingest --rebuild`")
        for step in range(version + 1, FORMAT_VERSION + 1):
            with self.db:
                MIGRATIONS[step](self.db)
                self._put_meta("format_version", str(step))

    def check_embeddings(self, name: str, dimension: int) -> None:
        """Refuse to mix vectors of two embedding models: searching them together gives nonsense."""
        built_with, built_dimension = self.meta("embedding_model"), self.meta("dimension")
        if built_with is None or not self.chunk_count():
            return
        if (built_with, int(built_dimension or 0)) != (name, dimension):
            raise StoreError(f"the store was built with the embedding model {built_with} ({built_dimension} "
                             f"dimensions), not {name} ({dimension}); run `assistant ingest --rebuild`")

    def record_embeddings(self, name: str, dimension: int) -> None:
        if self.meta("embedding_model") is None or not self.chunk_count():
            with self.db:
                self._put_meta("embedding_model", name)
                self._put_meta("dimension", str(dimension))

    def stale_documents(self, pipeline: str) -> list[str]:
        """Ready documents chunked by another pipeline (chunk size, cleaning or chunking rules, extraction)."""
        rows = self.db.execute("SELECT source FROM documents WHERE state = 'ready' AND pipeline IS NOT ?",
                               (pipeline,))
        return [row[0] for row in rows]

    # --- vectors (Chroma, opened on first use) --------------------------------------------------
    @cached_property
    def client(self):
        return chroma_client(self.folder, self.chroma_url)

    @cached_property
    def collection(self):
        from chromadb.errors import ChromaError

        try:
            name = collection_name(self.folder, self.chroma_url)
            collection = self.client.get_or_create_collection(name, configuration={"hnsw": {"space": "cosine"}})
        except ChromaError as error:
            raise _damaged(self.folder, error) from None
        self._check_consistent(collection.count())
        return collection

    @cached_property
    def vectors(self):
        """The same collection through LangChain's vector store, for similarity search by vector."""
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=self.collection.name)

    def dense_search(self, vector: list[float], k: int, where: dict | None) -> list[str]:
        """Ids of the k chunks closest to `vector` (cosine), within `where`."""
        hits = self._read(lambda: self.vectors.similarity_search_by_vector_with_relevance_scores(vector, k=k,
                                                                                             filter=where))
        return [doc.id for doc, _ in hits]

    def _read(self, query: Callable[[], Any]) -> Any:
        """A read of the vectors. Another process's ingest can change them under an open client (Chroma then fails
        with "Error finding id"): the client is opened afresh and the read made once more."""
        from chromadb.errors import InternalError

        try:
            return query()
        except InternalError:
            self.reopen()
            return query()

    def reopen(self) -> None:
        """Forget the vector client, so the next read sees what other processes have written since."""
        self._drop_vectors()
        if not self.chroma_url:
            forget_clients()

    def _drop_vectors(self) -> None:
        for name in ("client", "collection", "vectors"):
            self.__dict__.pop(name, None)

    def _check_consistent(self, vectors: int) -> None:
        """SQLite and Chroma must hold the same chunks; a pending document (an interrupted write) is the one
        allowed difference, and the next ingest repairs it."""
        chunks = self.chunk_count()
        pending = self.db.execute("SELECT count(*) FROM documents WHERE state != 'ready'").fetchone()[0]
        if chunks and (vectors == 0 or (not pending and vectors != chunks)):
            where = self.chroma_url or self.folder / "chroma"
            raise StoreError(f"the vector index ({where}) holds {vectors} vectors but the store has {chunks} chunks: "
                             f"its data is missing or damaged; run `assistant ingest --rebuild`")

    # --- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self._put_meta(key, value)

    def _put_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- documents -----------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        rows = self.db.execute(f"SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY source").fetchall()
        return [StoredDocument(*row) for row in rows]

    def is_current(self, path: str, content_hash: str, pipeline: str) -> bool:
        row = self.db.execute("SELECT content_hash, state, pipeline FROM documents WHERE path = ?", (path,)).fetchone()
        return row == (content_hash, "ready", pipeline)

    def has_document(self, path: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE path = ?", (path,)).fetchone() is not None

    def is_ready(self, path: str) -> bool:
        """Written in full: its chunks and their vectors agree (a write cut short leaves it 'pending')."""
        row = self.db.execute("SELECT state FROM documents WHERE path = ?", (path,)).fetchone()
        return row == ("ready",)

    def chunk_count(self) -> int:
        """Counted again only when this or another connection has changed the database: every question asks, and
        counting 60k chunks takes 2 ms."""
        version = (self.db.total_changes, self.db.execute("PRAGMA data_version").fetchone()[0])
        if self._counted is None or self._counted[0] != version:
            self._counted = (version, self.db.execute("SELECT count(*) FROM chunks").fetchone()[0])
        return self._counted[1]

    def replace_document(self, path: str, info: DocumentInfo, chunks: list[Chunk],
                         spans: list[list[SentenceSpan]], vectors: list[list[float]]) -> None:
        """Swap a document's chunks for new ones; a crash part-way leaves it 'pending' for the next ingest,
        with no duplicate (ids are derived from path, content and position) and no orphan left behind."""
        with self.db:
            self._write_state(path, info, "pending", 0)
        self.collection.delete(where={"path": path})
        self.pause("after_delete")
        if chunks:
            self.collection.upsert(ids=[c.id for c in chunks], embeddings=vectors, documents=[c.text for c in chunks],
                                   metadatas=[_chunk_metadata(path, info, c) for c in chunks])
        self.pause("after_vectors")
        with self.db:
            self._delete_rows(path)
            for chunk, chunk_spans in zip(chunks, spans):
                self._insert_chunk(path, info, chunk, chunk_spans)
            self.pause("before_commit")
            self._write_state(path, info, "ready", len(chunks))

    def _insert_chunk(self, path: str, info: DocumentInfo, chunk: Chunk, spans: list[SentenceSpan]) -> None:
        from assistant.text.words import content_words

        words = " ".join(sorted(set(content_words(chunk.text))))
        cursor = self.db.execute(
            "INSERT INTO chunks (id, path, source, idx, start_line, end_line, text, spans, title, date, page, section, "
            "words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (chunk.id, path, chunk.source, chunk.index, chunk.start_line, chunk.end_line, chunk.text,
             _stored_spans(spans), info.title, info.date, chunk.page, chunk.section, words))
        body = _indexed(info.title, chunk.section, chunk.text)
        self.db.execute("INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)", (cursor.lastrowid, body))
        _count_terms(self.db, body, +1)

    def remove_document(self, path: str) -> None:
        self.collection.delete(where={"path": path})
        with self.db:
            self._delete_rows(path)
            self.db.execute("DELETE FROM documents WHERE path = ?", (path,))

    def _delete_rows(self, path: str) -> None:
        for title, section, text in self.db.execute("SELECT title, section, text FROM chunks WHERE path = ?",
                                                    (path,)).fetchall():
            _count_terms(self.db, _indexed(title, section, text), -1)
        self.db.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE path = ?)", (path,))
        self.db.execute("DELETE FROM chunks WHERE path = ?", (path,))

    def _write_state(self, path: str, info: DocumentInfo, state: DocumentState, chunks: int) -> None:
        self.db.execute(f"INSERT OR REPLACE INTO documents ({DOCUMENT_COLUMNS}) VALUES "
                        f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (path, info.source, info.content_hash, info.title, info.date, info.outlet, chunks, state,
                         time.time(), info.format, info.author, info.pipeline))

    def pause(self, point: str) -> None:
        """Tests only: stop at a named write step so a crash test can kill the process exactly there."""
        if self.fault_pause == point:
            (self.folder / f"paused-{point}").write_text(str(os.getpid()))
            time.sleep(3600)

    # --- reading chunks ------------------------------------------------------------------
    def chunks_by_id(self, ids: list[str]) -> dict[str, StoredChunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", ids).fetchall()
        return {row[0]: _chunk(row) for row in rows}

    def chunks_of(self, path: str) -> list[StoredChunk]:
        """One document's chunks in order."""
        rows = self.db.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE path = ? ORDER BY idx", (path,)).fetchall()
        return [_chunk(row) for row in rows]

    def lexical_search(self, match: str, limit: int, where_sql: str = "", params: tuple = ()) -> list[tuple[str, float]]:
        """(chunk id, bm25 score, higher is better) for an FTS5 match expression."""
        if where_sql:
            sql = ("SELECT c.id, -bm25(chunks_fts) FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
                   f"WHERE chunks_fts MATCH ? {where_sql} ORDER BY bm25(chunks_fts) LIMIT ?")
        else:  # rank inside FTS5 and join only the best: half the time of joining every match (61k chunks)
            sql = ("SELECT c.id, -score FROM (SELECT rowid AS found, bm25(chunks_fts) AS score FROM chunks_fts "
                   "WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?) JOIN chunks c ON c.rowid = found ORDER BY score")
        rows = self.db.execute(sql, (match, *params, limit)).fetchall()
        return [(row[0], row[1]) for row in rows]

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many chunks hold each term (as index_terms spells it); absent terms are left out."""
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        return dict(self.db.execute(f"SELECT term, df FROM terms WHERE term IN ({marks})", terms).fetchall())

    def paths_matching(self, source: str | None, since: str | None = None, until: str | None = None) -> list[str]:
        """Documents whose source is exactly `source` or matches it as a glob, dated within since..until."""
        clauses, params = ["state = 'ready'"], []
        if source:
            clauses.append("(source = ? OR path = ? OR source GLOB ? OR path GLOB ?)")
            params += [source, source, source, source]
        if since:
            clauses.append("date >= ?")
            params.append(since)
        if until:
            clauses.append("date <= ?")
            params.append(until)
        rows = self.db.execute(f"SELECT path FROM documents WHERE {' AND '.join(clauses)}", params)
        return [row[0] for row in rows]

    def vectors_for(self, ids: list[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        got = self._read(lambda: self.collection.get(ids=ids, include=["embeddings"]))
        return dict(zip(got["ids"], got["embeddings"]))

    def close(self) -> None:
        self.db.close()
        self._drop_vectors()


def _indexed(title: str | None, section: str | None, text: str) -> str:
    """What the lexical index reads for a chunk: its document's title, its section heading, its text."""
    return "\n".join(filter(None, [title, section, text]))


def _count_terms(db: sqlite3.Connection, text: str, change: int) -> None:
    terms = set(index_terms(text))
    if change > 0:
        db.executemany("INSERT INTO terms VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
                       [(term,) for term in terms])
    else:
        db.executemany("UPDATE terms SET df = df - 1 WHERE term = ?", [(term,) for term in terms])


def _chunk_metadata(path: str, info: DocumentInfo, chunk: Chunk) -> dict:
    metadata: dict[str, Any] = {"path": path, "source": chunk.source, "start_line": chunk.start_line,
                                "end_line": chunk.end_line, "index": chunk.index}
    if chunk.page is not None:
        metadata["page"] = chunk.page
    if info.title:
        metadata["title"] = info.title
    if info.date:
        metadata["date"] = info.date
        metadata["date_int"] = int(info.date.replace("-", ""))
    return metadata


