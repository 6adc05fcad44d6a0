"""The composition root: builds store, searcher and models from the settings, lazily, once."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from assistant.config import Settings
from assistant.ingest import Progress, ingest
from assistant.models import Answer, IngestReport, Passage, Summary
from assistant.providers import EmbeddingModel, chat_model, chat_model_name, embedding_model
from assistant.retrieve import Filters, Searcher
from assistant.store import Store, exclusive, wipe
from assistant.suite import Suite

DEFAULT_CORPUS = Path("seeds")


class Assistant:
    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def embedding(self) -> EmbeddingModel:
        return embedding_model(self.settings)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.store, self.embedding.embeddings, self.embedding.name, self.embedding.dimension,
                     chroma_url=self.settings.chroma_url)

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(self.store, self.embedding.embeddings.embed_query)

    @cached_property
    def chat(self):
        return chat_model(self.settings)

    def ingest(self, paths: list[Path], rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        with exclusive(self.settings.store):
            if rebuild:
                self._rebuild()
            return ingest(self.store, self.embedding.embeddings.embed_documents, paths, progress)

    def _rebuild(self) -> None:
        """Start over: works even when the store cannot be opened as it is."""
        self.__dict__.pop("searcher", None)
        if store := self.__dict__.pop("store", None):
            store.close()
        wipe(self.settings.store, self.settings.chroma_url)

    def is_empty(self) -> bool:
        return self.store.chunk_count() == 0

    def search(self, query: str, k: int | None = None, filters: Filters = Filters()) -> list[Passage]:
        return self.searcher.search(query, k or self.settings.top_k, filters)

    def ask(self, question: str, mode: str = "grounded", filters: Filters = Filters(),
            on_token: Callable[[str], None] | None = None) -> Answer:
        from assistant.answer import Answerer

        answerer = Answerer(self.searcher, self.embedding.embeddings, lambda: self.chat,
                            chat_model_name(self.settings), self.settings.top_k)
        return answerer.answer(question, mode=mode, filters=filters, on_token=on_token)

    def for_suite(self, suite: Suite, progress: Progress | None = None) -> tuple[Assistant, IngestReport | None]:
        """A suite with a `corpus` gets its own store holding exactly that corpus, indexed (incrementally) now."""
        if not suite.corpus:
            return self, None
        folder = self.settings.store / "eval" / re.sub(r"[^\w.-]", "_", suite.name)
        target = Assistant(self.settings.with_overrides(store=folder))
        return target, target.ingest([Path(p) for p in suite.corpus], progress=progress)

    def evaluate(self, suite: Suite, mode: str = "grounded", judge: bool = False,
                 progress: Callable[[int, int], None] | None = None):
        from assistant import evaluate
        from assistant.judge import Judge

        model = chat_model_name(self.settings) if mode != "extractive" else {"provider": "none", "name": "extractive"}
        return evaluate.run(lambda case: self.ask(case.question, mode, evaluate.filters_for(case)), suite, mode,
                            model, Judge(self.chat) if judge else None, progress)

    def warm(self, mode: str) -> None:
        """Build the shared models before worker threads use them, so none is built twice."""
        _ = self.searcher
        if mode != "extractive":
            _ = self.chat

    def summarizer(self, mode: str = "grounded"):
        """Grounded summaries use the chat model; extractive ones quote the documents and load no model."""
        from assistant.summarize import Summarizer

        extractive = mode == "extractive"
        return Summarizer(self.store, self.searcher, self.embedding.embeddings.embed_documents,
                          None if extractive else (lambda: self.chat),
                          {"provider": "none", "name": "extractive"} if extractive else chat_model_name(self.settings),
                          self.settings.context_window, self.settings.max_tokens, self.settings.store / "summaries")

    def summarize(self, path: str | None = None, topic: str | None = None, length: str = "medium",
                  filters: Filters = Filters(), use_cache: bool = True, mode: str = "grounded") -> Summary:
        """One document (path), a topic across documents, or, with neither, the whole corpus."""
        summarizer = self.summarizer(mode)
        if path:
            return summarizer.document(path, length, use_cache)
        if topic:
            return summarizer.topic(topic, length, filters, use_cache)
        return summarizer.corpus(length, use_cache)

    def summarize_target(self, argument: str, filters: Filters = Filters(), mode: str = "grounded") -> Summary:
        """For chat's /summarize: a known document, else a topic, else (empty) the corpus."""
        if not argument:
            return self.summarize(mode=mode)
        known = {name for d in self.store.documents() for name in (d.source, d.path)}
        if argument in known or str(Path(argument).resolve()) in known:
            return self.summarize(path=argument, mode=mode)
        return self.summarize(topic=argument, filters=filters, mode=mode)
