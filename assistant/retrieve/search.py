"""Hybrid search: BM25 and dense vectors fused by reciprocal rank, deduplicated, spread across documents."""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

import numpy as np

from assistant.config import RetrievalSettings
from assistant.errors import UserError
from assistant.filters import Filters
from assistant.query.question import Asked, analyse
from assistant.scoring.fitted import passage_features, scorers
from assistant.store.index import Store, StoredChunk
from assistant.text.words import STOPWORDS, stem
from assistant.types import EmbedQuery, Passage, PassageFeatures


class NoMatchingDocuments(UserError):
    """The filters leave no document to search."""


class Searcher:
    def __init__(self, store: Store, embed_query: EmbedQuery, params: RetrievalSettings = RetrievalSettings()):
        self.store = store
        self.embed_query = embed_query
        self.params = params

    def search(self, query: str, k: int, filters: Filters = Filters(), asked: Asked | None = None) -> list[Passage]:
        """The k passages most likely to hold the answer: BM25 and dense candidates fused by rank, near-duplicates
        collapsed, then ordered by the fitted passage scorer (assistant/scoring/weights.json), spread across documents."""
        found = self.candidates(query, filters, asked or analyse(query, self.frequencies))
        scorer = scorers()["passage"]
        scores = {c.id: scorer.probability(features) for c, features, _ in found}
        similarity = {c.id: cosine for c, _, cosine in found}
        chosen = diverse(sorted((c for c, _, _ in found), key=lambda c: scores[c.id], reverse=True), k)
        return [Passage(text=c.text, source=c.source, start_line=c.start_line, end_line=c.end_line, page=c.page,
                        section=c.section, score=round(scores[c.id], 5), similarity=round(similarity[c.id], 4),
                        title=c.title, date=c.date, chunk_id=c.id, spans=c.spans) for c in chosen]

    def candidates(self, query: str, filters: Filters, asked: Asked) -> list[tuple[StoredChunk, PassageFeatures, float]]:
        """Every distinct chunk either retriever proposes, with the features the passage scorer reads and its
        cosine to the query."""
        paths = self._paths(filters)
        query_vector = np.asarray(self.embed_query(query[:self.params.query_chars]), dtype=np.float32)
        dense = self.store.dense_search(query_vector.tolist(), self.params.candidates, _chroma_where(filters, paths))
        lexical = self._lexical(query, filters, paths)
        fused = _fuse([dense, lexical], self.params.rrf_k)
        chunks = self.store.chunks_by_id(list(fused))
        ranked = [chunks[i] for i in sorted(fused, key=fused.__getitem__, reverse=True) if i in chunks]
        found = _dedupe(ranked, self.params.near_duplicate)
        similarity = self._similarity(query_vector, [c.id for c in found])
        dense_rank = {c: r for r, c in enumerate(dense, 1)}
        lexical_rank = {c: r for r, c in enumerate(lexical, 1)}
        return [(c, passage_features(asked, c.text, c.title or "", c.section or "", similarity.get(c.id, 0.0),
                                     dense_rank.get(c.id), lexical_rank.get(c.id), c.id.endswith("-00000"),
                                     _days_before(c.date, filters.until)), similarity.get(c.id, 0.0)) for c in found]

    def _paths(self, filters: Filters) -> list[str] | None:
        """The documents a --source filter allows (None: no such filter). Any filter that matches no document is
        an error, whichever it is: an empty answer would look like "the documents don't say"."""
        if not filters.active():
            return None
        paths = self.store.paths_matching(filters.source, filters.since, filters.until)
        if not paths:
            given = ", ".join(f"--{name} {value}" for name, value in
                              (("source", filters.source), ("since", filters.since), ("until", filters.until)) if value)
            raise NoMatchingDocuments(f"no ingested document matches {given}")
        return paths if filters.source else None

    def _lexical(self, query: str, filters: Filters, paths: list[str] | None) -> list[str]:
        match = self.fts_query(query)
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
        return [chunk_id for chunk_id, _ in
                self.store.lexical_search(match, self.params.candidates, where_sql, tuple(params))]

    def frequencies(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many chunks hold each term, and how many chunks there are: how telling a word is here."""
        return self.store.document_frequencies(terms), self.store.chunk_count()

    def fts_query(self, query: str) -> str:
        """An OR of the query's rarest words, quoted so FTS5 syntax in the query is inert. Words in most chunks
        ("said", "Russia" in a Russian news archive) are left out: they barely change BM25's ranking and scoring
        their long posting lists is what makes a lexical query slow."""
        words: dict[str, str] = {}
        for word in re.findall(r"[^\W_]+", query.lower()):
            if word not in STOPWORDS:
                words.setdefault(stem(word), word)
        frequency = self.store.document_frequencies(list(words))
        known = sorted((frequency[term], term) for term in words if frequency.get(term))
        limit = max(self.params.common_share * self.store.chunk_count(), self.params.common_floor)
        rare = [term for df, term in known if df <= limit] or [term for _, term in known[:2]]
        return " OR ".join(f'"{words[term]}"' for term in rare[: self.params.query_terms])

    def _similarity(self, query_vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        vectors = self.store.vectors_for(ids)
        return {i: float(np.dot(query_vector, np.asarray(v, dtype=np.float32))) for i, v in vectors.items()}


def _days_before(day: str | None, until: str | None) -> int | None:
    """How many days before the --until date a document is dated (None when either date is unknown)."""
    if not day or not until:
        return None
    from datetime import date

    try:
        return (date.fromisoformat(until) - date.fromisoformat(day)).days
    except ValueError:
        return None


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


def _fuse(rankings: list[list[str]], rrf_k: int) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (rrf_k + rank)
    return scores


def _dedupe(chunks: list[StoredChunk], threshold: float) -> list[StoredChunk]:
    kept: list[StoredChunk] = []
    for chunk in chunks:
        if all(_jaccard(chunk.words, other.words) < threshold for other in kept):
            kept.append(chunk)
    return kept


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class _FromDocument(Protocol):
    @property
    def source(self) -> str: ...


Sourced = TypeVar("Sourced", bound=_FromDocument)


def diverse(chunks: list[Sourced], k: int) -> list[Sourced]:
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
