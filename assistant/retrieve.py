"""Hybrid search: BM25 and dense vectors fused by reciprocal rank, deduplicated, spread across documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from assistant.models import Passage
from assistant.store import Store, StoredChunk
from assistant.textstats import STOPWORDS, content_words

RRF_K = 60
CANDIDATES = 30  # per retriever, before fusion
MAX_QUERY_TERMS = 64
NEAR_DUPLICATE = 0.8  # Jaccard overlap of content words above which two chunks count as one


@dataclass(frozen=True)
class Filters:
    since: str | None = None  # ISO dates, inclusive
    until: str | None = None
    source: str | None = None  # glob on the source path

    def active(self) -> bool:
        return any((self.since, self.until, self.source))


def iso_date(value: str) -> str | None:
    """The date as YYYY-MM-DD (the form stored and compared), or None if it is not an ISO date.
    Normalising matters: Python also accepts "20231207", which would compare wrongly as text."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


class NoMatchingDocuments(Exception):
    """The filters leave no document to search."""


class Searcher:
    def __init__(self, store: Store, embed_query):
        self.store = store
        self.embed_query = embed_query

    def search(self, query: str, k: int, filters: Filters = Filters()) -> list[Passage]:
        paths = self.store.sources_matching(filters.source) if filters.source else None
        if paths is not None and not paths:
            raise NoMatchingDocuments(f"no ingested document matches --source {filters.source!r}")
        query_vector = np.asarray(self.embed_query(query[:2000]), dtype=np.float32)
        dense = self._dense(query_vector, filters, paths)
        lexical = self._lexical(query, filters, paths)
        fused = _fuse([dense, lexical])
        chunks = self.store.chunks_by_id(list(fused))
        ranked = [chunks[i] for i in sorted(fused, key=fused.get, reverse=True) if i in chunks]
        chosen = _diverse(_dedupe(ranked), k)
        similarity = self._similarity(query_vector, [c.id for c in chosen])
        return [Passage(text=c.text, source=c.source, start_line=c.start_line, end_line=c.end_line,
                        score=round(fused[c.id], 5), similarity=round(similarity.get(c.id, 0.0), 4),
                        title=c.title, date=c.date, chunk_id=c.id, spans=c.spans) for c in chosen]

    def _dense(self, vector: np.ndarray, filters: Filters, paths: list[str] | None) -> list[str]:
        where = _chroma_where(filters, paths)
        hits = self.store.vectors.similarity_search_by_vector_with_relevance_scores(
            vector.tolist(), k=CANDIDATES, filter=where)
        return [doc.id for doc, _ in hits]

    def _lexical(self, query: str, filters: Filters, paths: list[str] | None) -> list[str]:
        match = fts_query(query)
        if not match:
            return []
        clauses, params = [], []
        if filters.since:
            clauses.append("c.date >= ?")
            params.append(filters.since)
        if filters.until:
            clauses.append("c.date <= ?")
            params.append(filters.until)
        if paths is not None:
            clauses.append(f"c.path IN ({','.join('?' * len(paths))})")
            params.extend(paths)
        where_sql = "".join(f" AND {clause}" for clause in clauses)
        return [chunk_id for chunk_id, _ in self.store.lexical_search(match, CANDIDATES, where_sql, tuple(params))]

    def _similarity(self, query_vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        vectors = self.store.vectors_for(ids)
        return {i: float(np.dot(query_vector, np.asarray(v, dtype=np.float32))) for i, v in vectors.items()}


def fts_query(query: str) -> str:
    """An OR of the query's content words, quoted so FTS5 syntax in the query is inert."""
    terms = [t for t in re.findall(r"\w+", query.lower()) if t not in STOPWORDS][:MAX_QUERY_TERMS]
    return " OR ".join(f'"{term}"' for term in dict.fromkeys(terms))


def _chroma_where(filters: Filters, paths: list[str] | None) -> dict | None:
    clauses: list[dict] = []
    if filters.since:
        clauses.append({"date_int": {"$gte": int(filters.since.replace("-", ""))}})
    if filters.until:
        clauses.append({"date_int": {"$lte": int(filters.until.replace("-", ""))}})
    if paths is not None:
        clauses.append({"path": {"$in": paths}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _fuse(rankings: list[list[str]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def _dedupe(chunks: list[StoredChunk]) -> list[StoredChunk]:
    kept: list[tuple[StoredChunk, set[str]]] = []
    for chunk in chunks:
        words = set(content_words(chunk.text))
        if all(_jaccard(words, other) < NEAR_DUPLICATE for _, other in kept):
            kept.append((chunk, words))
    return [chunk for chunk, _ in kept]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _diverse(chunks: list[StoredChunk], k: int) -> list[StoredChunk]:
    """Top k, but no document takes more than k-1 places while other documents have matches."""
    per_document: dict[str, int] = {}
    chosen, held_back = [], []
    for chunk in chunks:
        if per_document.get(chunk.source, 0) < max(1, k - 1):
            chosen.append(chunk)
            per_document[chunk.source] = per_document.get(chunk.source, 0) + 1
        else:
            held_back.append(chunk)
        if len(chosen) == k:
            break
    return (chosen + held_back)[:k]

