"""The composition root: builds store, searcher and models from the settings, lazily, once."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings, default
from assistant.errors import UsageError
from assistant.filters import Filters
from assistant.providers.factory import EmbeddingModel, Models
from assistant.store.folders import StoreError, exclusive, exists, secure, swap_in, wipe
from assistant.store.index import Store, held_files
from assistant.types import Answer, IngestReport, Passage, Summary

if TYPE_CHECKING:
    from assistant.evaluation.run import Report
    from assistant.evaluation.suite import Suite
    from assistant.ingest.pipeline import Pipeline, Progress
    from assistant.retrieve.search import Searcher
    from assistant.scoring.reader import Reader



def _still_there(held: list[tuple[str, str]]) -> list[Path]:
    """The held files that still exist, by the name they were indexed under when it still leads to them (so
    citations keep their names), else by their absolute path."""
    return [Path(source) if Path(source).resolve() == Path(path) else Path(path)
            for source, path in held if Path(path).is_file()]


class Assistant:
    def __init__(self, settings: Settings, models: Models | None = None):
        self.settings = settings
        self.models = models or Models()

    # --- parts, built on first use ----------------------------------------------------------
    @cached_property
    def embedding(self) -> EmbeddingModel:
        return self.models.embeddings(self.settings)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.store, self.settings.chroma_url, self.settings.fault_pause)

    @cached_property
    def searcher(self) -> Searcher:
        from assistant.retrieve.search import Searcher

        return Searcher(self._readable_store(), self.embedding.embeddings.embed_query, self.settings.retrieval)

    @cached_property
    def chat(self):
        return self.models.chat(self.settings)

    @cached_property
    def reader(self) -> Reader | None:
        """The trained reader, when the settings ask for it (its session starts on the first question)."""
        from assistant.scoring.reader import Reader

        return Reader(self.settings.threads) if self.settings.evidence.reader != "off" else None

    @cached_property
    def pipeline(self) -> Pipeline:
        from assistant.ingest.pipeline import Pipeline

        return Pipeline(self.settings.chunking, self.settings.ingest, self.settings.extraction)

    def _readable_store(self) -> Store:
        """The store, checked: built by this embedding model and chunked by these settings."""
        store = self.store
        store.check_embeddings(self.embedding.name, self.embedding.dimension)
        if stale := store.stale_documents(self.pipeline.id):
            raise StoreError(f"{len(stale)} document(s) in the store were chunked with other settings or rules "
                             f"(e.g. {stale[0]}); run `assistant ingest --rebuild` to re-chunk them")
        return store

    def close(self) -> None:
        for name in ("searcher", "store"):
            if isinstance(part := self.__dict__.pop(name, None), Store):
                part.close()

    # --- the store's state --------------------------------------------------------------------
    def require_store(self) -> None:
        """Read-only commands say so when the store does not exist, and create nothing."""
        if not exists(self.settings.store):
            raise StoreError(f"no store at {self.settings.store}; run `assistant ingest PATH` to create one "
                             f"(nothing was created)")

    def is_empty(self) -> bool:
        return not exists(self.settings.store) or self.store.chunk_count() == 0

    def needs_first_corpus(self, corpus: Path) -> bool:
        """True when the default store is empty and `corpus` should be indexed into it first. A store the user
        named is never filled behind their back: a typo must not make a new store."""
        if not self.is_empty():
            return False
        if self.settings.store != default("store"):
            self.require_store()
            raise StoreError(f"the store at {self.settings.store} is empty; run `assistant ingest PATH "
                             f"--store {self.settings.store}`")
        if not corpus.is_dir():
            raise StoreError(f"the store is empty and there is no {corpus}/ folder here; run: assistant ingest PATH")
        return True

    def status(self) -> dict[str, Any]:
        """What the store holds, read from its index alone: no model and no vector store is loaded."""
        store = self.store
        last = store.meta("last_ingest")
        documents = store.documents()
        problem = None
        if not self.settings.chroma_url and documents and not (self.settings.store / "chroma").is_dir():
            problem = "the vector index is missing: run `assistant ingest --rebuild`"
        return {
            "store": str(self.settings.store),
            "chroma": self.settings.chroma_url or "embedded",
            "documents": len(documents),
            "chunks": store.chunk_count(),
            "embedding_model": store.meta("embedding_model"),
            "dimension": int(store.meta("dimension") or 0) or None,
            "last_ingest": datetime.fromtimestamp(float(last)).isoformat(timespec="seconds") if last else None,
            "problem": problem,
            "files": [{"source": d.source, "format": d.format, "title": d.title, "date": d.date, "outlet": d.outlet,
                       "chunks": d.chunks, "state": d.state} for d in documents],
        }

    # --- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: list[Path], rebuild: bool = False, follow_links: bool = False,
               progress: Progress | None = None, exact: bool = False) -> IngestReport:
        """Index `paths`; with `exact`, also remove every document not under them."""
        with exclusive(self.settings.store):
            if rebuild:
                return self._rebuild(paths, follow_links, progress)
            return self._ingest(paths, follow_links, progress, exact)

    def _ingest(self, paths: list[Path], follow_links: bool, progress: Progress | None,
                exact: bool = False, vectors_from: Store | None = None) -> IngestReport:
        from assistant.ingest.pipeline import ingest

        store = self.store
        store.check_embeddings(self.embedding.name, self.embedding.dimension)
        store.record_embeddings(self.embedding.name, self.embedding.dimension)
        _ = store.collection  # opening it checks that SQLite and Chroma agree
        try:
            return ingest(store, self.embedding.embeddings.embed_documents, paths, self.pipeline, follow_links,
                          progress, exact, vectors_from)
        finally:
            secure(self.settings.store)

    def _rebuild(self, paths: list[Path], follow_links: bool, progress: Progress | None) -> IngestReport:
        """Index again every file the store holds, and `paths`, beside the old index, and swap only when done: a
        typo in a path, a model server that is down or an interrupt leaves the old index as it was, and usable
        meanwhile. A held file that is gone or can no longer be read is reported removed."""
        if missing := [str(p) for p in paths if not p.exists() and not p.is_symlink()]:
            raise UsageError(f"no such file or folder: {', '.join(missing)}; nothing was rebuilt")
        held = self._held_files(paths)
        started = time.perf_counter()
        self.embedding.embeddings.embed_query("a probe: is the embedding model there?")
        staging = self.settings.store / "rebuild"
        wipe(staging, self.settings.chroma_url)
        fresh = Assistant(self.settings.with_overrides(store=staging), self.models)
        fresh.embedding = self.embedding
        report = fresh._ingest([*_still_there(held), *paths], follow_links, progress,
                               vectors_from=self._reusable_vectors())
        indexed = {document.path for document in fresh.store.documents()}
        fresh.close()
        if not report.usable:
            wipe(staging, self.settings.chroma_url)
            raise UsageError("nothing could be indexed from the files held or the paths given; nothing was rebuilt")
        report.removed = [source for source, path in held if path not in indexed]
        self.close()
        swap_in(staging, self.settings.store, self.settings.chroma_url)
        report.seconds = time.perf_counter() - started
        return report

    def _reusable_vectors(self) -> Store | None:
        """The index being rebuilt, when its vectors can be reused: made by this embedding model and whole."""
        try:
            self.store.check_embeddings(self.embedding.name, self.embedding.dimension)
            _ = self.store.collection  # opening it checks that SQLite and Chroma agree
        except StoreError:
            return None
        return self.store

    def _held_files(self, paths: list[Path]) -> list[tuple[str, str]]:
        held = held_files(self.settings.store)
        if held is None and not paths:
            raise UsageError(f"the index at {self.settings.store} cannot be read, so what it held is unknown; name "
                             f"the files or folders to index: assistant ingest --rebuild PATH ...")
        if not held and not paths:
            raise UsageError(f"the store at {self.settings.store} holds no documents to read again; name the files "
                             f"or folders to index: assistant ingest --rebuild PATH ...")
        return held or []

    # --- questions and summaries --------------------------------------------------------------
    def search(self, query: str, k: int | None = None, filters: Filters = Filters()) -> list[Passage]:
        return self.searcher.search(query, k or self.settings.top_k, filters)

    def ask(self, question: str, mode: str | None = None, filters: Filters = Filters(),
            on_token: Callable[[str], None] | None = None) -> Answer:
        from assistant.answer.compose import Answerer
        from assistant.ingest.reread import SourceReader

        mode = self.settings.mode_for(mode)
        if mode != "extractive":
            _ = self.chat  # a local model starts loading in its own process while the question is searched
        answerer = Answerer(self.searcher, self.embedding.embeddings, lambda: self.chat,
                            self.models.chat_name(self.settings), self.settings, self.reader)
        answer = answerer.answer(question, mode=mode, filters=filters, on_token=on_token)
        changed, removed = SourceReader(self.store).changed_since_indexed([c.source for c in answer.citations])
        return answer.model_copy(update={"changed_sources": changed, "removed_sources": removed})

    def warm(self, mode: str | None = None) -> None:
        """Build the shared models before worker threads use them, so none is built twice."""
        mode = self.settings.mode_for(mode)
        _ = self.searcher
        if mode != "extractive":
            _ = self.chat

    def summarizer(self, mode: str | None = None):
        """Grounded summaries use the chat model; extractive ones quote the documents and load no model."""
        mode = self.settings.mode_for(mode)
        from assistant.answer.summarize import Summarizer

        extractive = mode == "extractive"
        return Summarizer(self._readable_store(), self.searcher, self.embedding.embeddings.embed_documents,
                          None if extractive else (lambda: self.chat),
                          {"provider": "none", "name": "extractive"} if extractive else self.models.chat_name(self.settings),
                          self.settings, self.settings.store / "summaries")

    def summarize(self, path: str | None = None, topic: str | None = None, length: str = "medium",
                  filters: Filters = Filters(), use_cache: bool = True, mode: str | None = None) -> Summary:
        """One document (path), a topic across documents, or, with neither, the whole corpus."""
        summarizer = self.summarizer(mode)
        if path:
            return summarizer.document(path, length, use_cache)
        if topic:
            return summarizer.topic(topic, length, filters, use_cache)
        return summarizer.corpus(length, use_cache)

    def summarize_target(self, argument: str, filters: Filters = Filters(), mode: str | None = None) -> Summary:
        """For chat's /summarize: a known document, else a topic, else (empty) the corpus."""
        if not argument:
            return self.summarize(mode=mode)
        known = {name for d in self.store.documents() for name in (d.source, d.path)}
        if argument in known or str(Path(argument).resolve()) in known:
            return self.summarize(path=argument, mode=mode)
        return self.summarize(topic=argument, filters=filters, mode=mode)

    # --- evaluation ---------------------------------------------------------------------------
    def for_suite(self, suite: Suite, progress: Progress | None = None) -> tuple[Assistant, IngestReport | None]:
        """A suite with a `corpus` gets its own store holding exactly that corpus, indexed (incrementally) now."""
        if not suite.corpus:
            return self, None
        folder = self.settings.store / "eval" / re.sub(r"[^\w.-]", "_", suite.name)
        target = Assistant(self.settings.with_overrides(store=folder), self.models)
        # Exact: a case must not pass on documents of a corpus the suite no longer names.
        return target, target.ingest([Path(p) for p in suite.corpus], progress=progress, exact=True)

    def evaluate(self, suite: Suite, mode: str | None = None, judge: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> Report:
        from assistant.evaluation import run as evaluate
        from assistant.evaluation.judge import Judge

        mode = self.settings.mode_for(mode)
        model = self.models.chat_name(self.settings) if mode != "extractive" else {"provider": "none", "name": "extractive"}
        return evaluate.run(lambda case: self.ask(case.question, mode, evaluate.filters_for(case)), suite, mode,
                            model, self.store, Judge(self.chat) if judge else None, progress,
                            embed=self.embedding.embeddings.embed_documents, grounding=self.settings.grounding,
                            extraction=self.settings.extraction)

