"""Summaries of one document (map-reduce over windows that fit the model), of a topic across documents, and of
the whole corpus; every sentence checked against the document's own sentences and cited, with an extractive
fallback; results cached by content hash, model and options. Just over 300 lines: the three kinds of summary share
the window, check and cache code kept here."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from langchain_core.output_parsers import StrOutputParser

from assistant.answer.check import check_statements
from assistant.answer.cite import cite, say_once
from assistant.answer.decide import answerable
from assistant.config import Settings
from assistant.errors import UserError
from assistant.evidence import selection as evidence_selection
from assistant.evidence.planted import is_planted
from assistant.filters import Filters
from assistant.query.question import analyse
from assistant.retrieve.search import Searcher
from assistant.store.index import Store, StoredDocument
from assistant.templates import chat_prompt
from assistant.text.calendar import CALENDAR_WORDS
from assistant.text.words import names
from assistant.types import ABSTENTION, EmbedTexts, Evidence, SentenceCheck, SetAside, Summary

LENGTHS = {"short": 2, "medium": 4, "long": 8}
CACHE_VERSION = "3"  # 3: text addressed to an AI is set aside, never summarized


class SummaryError(UserError):
    """Nothing to summarize: no such document, or an empty store."""


class Summarizer:
    def __init__(self, store: Store, searcher: Searcher, embed: EmbedTexts, chat: Callable | None,
                 model: dict[str, str], settings: Settings, cache_dir: Path):
        self.store, self.searcher, self.embed = store, searcher, embed
        self.chat = chat  # called only when a model is needed; None: extractive summaries, no model at all
        self.model = model
        self.settings = settings
        knobs = settings.summary
        self.window_chars = max(knobs.min_window_chars, (settings.context_window - settings.max_tokens - knobs.prompt_tokens)
                                * knobs.chars_per_token)
        self.cache_dir = cache_dir
        # A summary sentence has no question to keep it on target, so it must rest on its evidence's own words.
        self.grounding = settings.grounding.model_copy(update={"min_overlap": knobs.min_overlap,
                                                               "min_overlap_with_similarity": knobs.min_overlap})

    # --- public -------------------------------------------------------------------------
    def document(self, wanted: str, length: str = "medium", use_cache: bool = True) -> Summary:
        doc = self._find(wanted)
        key = self._key("document", doc.path, length, [doc.content_hash])
        return self._cached(key, use_cache, lambda: self._document(doc, length))

    def topic(self, topic: str, length: str = "medium", filters: Filters = Filters(), use_cache: bool = True) -> Summary:
        hashes = [d.content_hash for d in self.store.documents()]
        key = self._key("topic", f"{topic}|{filters}", length, hashes)
        return self._cached(key, use_cache, lambda: self._topic(topic, length, filters))

    def corpus(self, length: str = "medium", use_cache: bool = True) -> Summary:
        documents = _distinct(self.store.documents())
        if not documents:
            raise SummaryError("the store is empty; run: assistant ingest PATH")
        key = self._key("corpus", "all", length, [d.content_hash for d in documents])
        return self._cached(key, use_cache, lambda: self._corpus(documents, length, use_cache))

    # --- one document: map-reduce -------------------------------------------------------
    def _document(self, doc: StoredDocument, length: str) -> Summary:
        """Section by section (PDF pages, headings): each is summarized apart, then the parts are combined."""
        aside: list[Evidence] = []
        sentences = self._sentences(doc, aside)
        parts = [[s.text for s in part] for part in _sections(sentences)]
        draft = self._map_reduce(parts, LENGTHS[length]) if self.chat else ""
        text, citations, checks = self._checked(draft, sentences, LENGTHS[length])
        return Summary(kind="document", target=doc.source, length=length, summary=text, citations=citations,
                       sentences=checks, model=self.model, set_aside=[SetAside.of(s) for s in aside])

    def _map_reduce(self, parts: list[list[str]], count: int) -> str:
        """Summarize each window of each part (no window spans two sections), then reduce until one is left."""
        assert self.chat is not None, "extractive summaries call no model"
        mapper = chat_prompt("summarize_map") | self.chat() | StrOutputParser()
        windows = [window for part in parts for window in _windows(part, self.window_chars)]
        if len(windows) == 1:
            return mapper.invoke({"text": windows[0], "sentences": count})
        each = self.settings.summary.part_sentences
        partials = mapper.batch([{"text": w, "sentences": each} for w in windows], config={"max_concurrency": 1})
        reducer = chat_prompt("summarize_reduce") | self.chat() | StrOutputParser()
        while True:
            groups = _windows([p.strip() for p in partials if p.strip()], self.window_chars)
            if len(groups) >= len(partials):  # partials too long to pair up: keep each one's start
                share = (self.window_chars - len(partials)) // len(partials)  # room for the joining spaces
                groups = _windows([p[:share] for p in partials], self.window_chars)
            if len(groups) <= 1:
                return reducer.invoke({"text": groups[0] if groups else "", "sentences": count})
            partials = reducer.batch([{"text": g, "sentences": each} for g in groups], config={"max_concurrency": 1})

    def _checked(self, draft: str, evidence: list[Evidence], count: int):
        """Keep the draft's supported sentences, then the most central sentences, quoted, up to `count`."""
        checks = self._check(None, draft, evidence)
        kept = say_once([c for c in checks if c.status == "supported"])[:count]
        if len(kept) < count:  # a small model keeps few sentences: fill up with the document's central ones
            used = {i for c in kept for i in c.cited}
            extra = [c for c in self._central(evidence, count) if not set(c.cited) & used][:count - len(kept)]
            kept, checks = kept + extra, checks + extra
        return cite(kept, checks, evidence)

    def _check(self, topic: str | None, draft: str, evidence: list[Evidence]) -> list[SentenceCheck]:
        return check_statements(topic, draft, evidence, self.embed, self.grounding,
                                self.settings.summary.min_content_words)

    def _central(self, evidence: list[Evidence], count: int) -> list[SentenceCheck]:
        """The most central sentences of each section in turn (sections share `count` by size), in order."""
        parts = _sections(evidence, count)
        shares = _shares([len(part) for part in parts], count)
        return [pick for part, share in zip(parts, shares) for pick in self._central_in(part, share)]

    def _central_in(self, evidence: list[Evidence], count: int) -> list[SentenceCheck]:
        """The sentences closest to the mean meaning (and, by `lead_weight`, early), each unlike those already picked,
        in order."""
        if not evidence or count <= 0:
            return []
        vectors = np.asarray(self.embed([e.text for e in evidence]), dtype=np.float32)
        centre = vectors.mean(axis=0)
        relevance = vectors @ (centre / (np.linalg.norm(centre) or 1.0))
        knobs = self.settings.summary
        lead = knobs.lead_weight / (1.0 + np.arange(len(evidence)))
        chosen: list[int] = []
        while len(chosen) < min(count, len(evidence)):
            redundancy = np.max(vectors @ vectors[chosen].T, axis=1) if chosen else 0.0
            score = knobs.relevance_weight * relevance - (1 - knobs.relevance_weight) * redundancy + lead
            score[chosen] = -np.inf
            chosen.append(int(np.argmax(score)))
        return [SentenceCheck(text=f"\u201c{evidence[i].text}\u201d", cited=[evidence[i].id], status="extractive")
                for i in sorted(chosen)]

    # --- a topic across documents ----------------------------------------------------------
    def _topic(self, topic: str, length: str, filters: Filters) -> Summary:
        passages = self.searcher.search(topic, self.settings.summary.topic_passages, filters)
        asked = analyse(topic, self.searcher.frequencies)
        aside: list[Evidence] = []
        # Every retrieved passage counts: a topic is summarised across documents, and evidence.passage_share was
        # chosen for answers (one best passage), not for coverage.
        everything = self.settings.evidence.model_copy(update={"passage_share": 0.0})
        found = evidence_selection.candidates(asked, passages, self.embed, everything, aside)
        evidence = evidence_selection.rank(found, self.settings.summary.evidence_per_sentence * LENGTHS[length])
        if not answerable(asked, evidence, None)[0]:
            return Summary(kind="topic", target=topic, length=length, summary=f"{ABSTENTION.removesuffix('.')} anything "
                           f"about {topic}.", abstained=True, model=self.model)
        by_source: dict[str, list[Evidence]] = {}
        for item in evidence:
            by_source.setdefault(item.source, []).append(item)
        topic_chain = chat_prompt("summarize_topic") | self.chat() | StrOutputParser() if self.chat else None
        kept_all: list[SentenceCheck] = []
        checks_all: list[SentenceCheck] = []
        breaks: set[int] = set()
        each = self.settings.summary.part_sentences
        for source, items in by_source.items():
            draft = topic_chain.invoke({"topic": topic, "text": "\n".join(i.text for i in items), "sentences": each}) \
                if topic_chain else ""
            checks = self._check(topic, draft, items)
            kept = say_once([c for c in checks if c.status == "supported"])[:each] or [
                SentenceCheck(text=f"\u201c{items[0].text}\u201d", cited=[items[0].id], status="extractive")]
            label = items[0].title or source
            kept[0] = kept[0].model_copy(update={"text": f"{label}: {kept[0].text}"})
            breaks.add(len(kept_all))
            kept_all += kept
            checks_all += checks
        text, citations, sentences = cite(kept_all, checks_all, evidence, frozenset(breaks))
        return Summary(kind="topic", target=topic, length=length, summary=text, citations=citations,
                       sentences=sentences, model=self.model, set_aside=[SetAside.of(s) for s in aside])

    # --- the corpus -----------------------------------------------------------------------
    def _corpus(self, documents: list[StoredDocument], length: str, use_cache: bool) -> Summary:
        parts = [self.document(d.path, "short", use_cache) for d in documents]
        kept: list[SentenceCheck] = []
        evidence: list[Evidence] = []
        next_id, breaks = 1, set[int]()
        for doc, part in zip(documents, parts):
            # Each document's own citations become evidence of the overview, renumbered.
            mapping = {}
            for c in part.citations:
                evidence.append(Evidence(id=next_id, text=c.quote, source=c.source, start_line=c.start_line,
                                         end_line=c.end_line, score=1.0, title=c.title, page=c.page,
                                         section=c.section))
                mapping[c.id] = next_id
                next_id += 1
            body = [s for s in part.sentences if s.status in ("supported", "extractive")]
            breaks.add(len(kept))
            for index, sentence in enumerate(body):
                label = f"{doc.title or doc.source}: " if index == 0 else ""
                kept.append(sentence.model_copy(update={"text": label + sentence.text,
                                                        "cited": [mapping[i] for i in sentence.cited if i in mapping]}))
        threads, next_id = self._threads(documents, evidence, next_id)
        breaks.add(len(kept))
        kept += threads
        text, citations, sentences = cite(kept, kept, evidence, frozenset(breaks))
        return Summary(kind="corpus", target="all documents", length=length, summary=text, citations=citations,
                       sentences=sentences, model=self.model, set_aside=[s for part in parts for s in part.set_aside])

    def _threads(self, documents: list[StoredDocument], evidence: list[Evidence], next_id: int):
        """Common threads: the names most documents mention, each cited to one sentence per document. A month or a
        weekday is a capitalised word, not a thread ("September appears in 2 of 6 documents")."""
        mentions: dict[str, list[Evidence]] = {}
        for doc in documents:
            seen: set[str] = set()
            for sentence in self._sentences(doc):
                for name in names(sentence.text) - seen - CALENDAR_WORDS:
                    seen.add(name)
                    mentions.setdefault(name, []).append(sentence)
        shared = sorted(((n, s) for n, s in mentions.items() if len(s) >= 2), key=lambda item: -len(item[1]))
        sentences = []
        for name, found in shared[:self.settings.summary.threads]:
            ids = []
            for sentence in found[:self.settings.summary.thread_citations]:
                evidence.append(sentence.model_copy(update={"id": next_id}))
                ids.append(next_id)
                next_id += 1
            word = next((w for w in re.findall(r"[A-Za-z’'-]+", found[0].text) if w.lower() == name), name)
            sentences.append(SentenceCheck(text=f"Common thread: {word} appears in {len(found)} of "
                                                f"{len(documents)} documents.", cited=ids, status="derived",
                                           reason="counted from the documents"))
        return sentences, next_id

    # --- helpers --------------------------------------------------------------------------
    def _find(self, wanted: str) -> StoredDocument:
        documents = self.store.documents()
        resolved = str(Path(wanted).resolve())
        for doc in documents:
            if wanted in (doc.source, doc.path) or resolved == doc.path:
                return doc
        if not Path(wanted).exists():
            raise SummaryError(f"{wanted}: no such file, and no ingested document has that path (`assistant status` "
                               "lists them)")
        raise SummaryError(f"{wanted} is not an ingested document; run: assistant ingest {wanted}")

    def _sentences(self, doc: StoredDocument, set_aside: list[Evidence] | None = None) -> list[Evidence]:
        """The document's sentences, once each; text addressed to an AI goes to `set_aside`, never to the model."""
        found: list[Evidence] = []
        seen: set[tuple] = set()
        for chunk in self.store.chunks_of(doc.path):
            for span in chunk.spans:
                text = span.cut(chunk.text)
                if (chunk.page, span.first_line, text) in seen or not text or evidence_selection.is_heading(
                        text, span.section, doc.title):
                    continue
                seen.add((chunk.page, span.first_line, text))
                if is_planted(text):
                    if set_aside is not None:
                        set_aside.append(Evidence(id=0, text=text, source=doc.source, start_line=span.first_line,
                                                  end_line=span.last_line, score=0.0, page=chunk.page,
                                                  section=span.section))
                    continue
                found.append(Evidence(id=len(found) + 1, text=text, source=doc.source, start_line=span.first_line,
                                      end_line=span.last_line, score=0.0, title=doc.title, page=chunk.page,
                                      section=span.section))
        return found

    def _key(self, kind: str, target: str, length: str, hashes: list[str]) -> str:
        knobs = [self.grounding.model_dump(), self.settings.summary.model_dump(), self.settings.evidence.model_dump()]
        material = json.dumps([CACHE_VERSION, kind, target, length, self.model, sorted(hashes), knobs])
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def _cached(self, key: str, use_cache: bool, make: Callable[[], Summary]) -> Summary:
        path = self.cache_dir / f"{key}.json"
        if use_cache and path.is_file():
            try:
                return Summary.model_validate_json(path.read_text(encoding="utf-8")).model_copy(update={"cached": True})
            except ValueError:
                pass  # a damaged cache entry is rebuilt
        started = time.perf_counter()
        summary = make()
        summary.seconds = round(time.perf_counter() - started, 2)
        self.cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(summary.model_dump_json(), encoding="utf-8")
        temporary.chmod(0o600)
        temporary.replace(path)
        return summary


def _sections(sentences: list[Evidence], most: int | None = None) -> list[list[Evidence]]:
    """Runs of sentences on the same page under the same heading, in order; with `most`, the smallest
    neighbouring runs are merged until at most that many are left."""
    parts: list[list[Evidence]] = []
    for sentence in sentences:
        if parts and (parts[-1][-1].page, parts[-1][-1].section) == (sentence.page, sentence.section):
            parts[-1].append(sentence)
        else:
            parts.append([sentence])
    while most and len(parts) > max(1, most):
        i = min(range(len(parts) - 1), key=lambda j: len(parts[j]) + len(parts[j + 1]))
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
    return parts


def _shares(sizes: list[int], count: int) -> list[int]:
    """`count` picks shared among parts: one each in order, the rest to the largest parts."""
    shares = [min(1, size) for size in sizes]
    for _ in range(count - sum(shares)):
        room = [i for i, size in enumerate(sizes) if shares[i] < size]
        if not room:
            break
        i = max(room, key=lambda j: sizes[j] / (shares[j] + 1))
        shares[i] += 1
    return shares


def _distinct(documents: list[StoredDocument]) -> list[StoredDocument]:
    """One document per content: two files with the same bytes are one document in an overview."""
    kept: dict[str, StoredDocument] = {}
    for document in documents:
        kept.setdefault(document.content_hash, document)
    return list(kept.values())


def _windows(texts: list[str], limit: int) -> list[str]:
    """Consecutive texts joined into windows of at most `limit` characters (a longer text is cut)."""
    windows, current = [], ""
    for text in texts:
        for piece in (text[i:i + limit] for i in range(0, len(text), limit)):
            if current and len(current) + 1 + len(piece) > limit:
                windows.append(current)
                current = ""
            current = f"{current} {piece}".strip()
    return windows + [current] if current else windows

