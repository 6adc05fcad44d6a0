"""Question → passages → evidence → model → checked, cited answer (or an honest abstention)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from langchain_core.output_parsers import StrOutputParser

from assistant import evidence as evidence_selection
from assistant.citing import cite, say_once
from assistant.config import Settings
from assistant.errors import UsageError
from assistant.filters import Filters
from assistant.grounding import check, markers, split_sentences, strip_markers
from assistant.models import Answer, Evidence, SentenceCheck, Timings
from assistant.retrieve import Searcher
from assistant.templates import chat_prompt

ABSTENTION = "The documents don't say."
EXTRACTIVE_SENTENCES = 2
MAX_QUESTION_CHARS = 2000  # with five evidence sentences and the answer, this still fits a 2,048-token context


class QuestionTooLong(UsageError):
    """A question longer than any model context we serve could hold with its evidence."""


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class Answerer:
    def __init__(self, searcher: Searcher, embeddings, chat: Callable, model: dict[str, str], settings: Settings):
        self.searcher = searcher
        self.embed = embeddings.embed_documents
        self.chat = chat  # called only when a model is needed: extractive mode never loads one
        self.model = model
        self.settings = settings

    def answer(self, question: str, mode: str = "grounded", filters: Filters = Filters(),
               on_token: Callable[[str], None] | None = None) -> Answer:
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionTooLong(f"the question is {len(question):,} characters long; the limit is "
                                  f"{MAX_QUESTION_CHARS:,}")
        started = time.perf_counter()
        passages = self.searcher.search(question, self.settings.top_k, filters)
        evidence = evidence_selection.select(question, passages, self.embed, self.settings.evidence)
        timings = Timings(retrieve_ms=_ms(started))
        result = Answer(question=question, answer=ABSTENTION, abstained=True, mode=mode, retrieved=passages,
                        timings=timings, model=self.model if mode != "extractive" else {"provider": "none", "name": "extractive"})
        if evidence_selection.should_abstain(question, evidence, self.settings.evidence):
            return self._finish(result, started)
        if mode == "extractive":
            return self._finish(_extractive(result, evidence), started)
        generating = time.perf_counter()
        draft = self._draft(question, evidence, on_token)
        timings.generate_ms = _ms(generating)
        if mode == "free":
            return self._finish(_free(result, draft, evidence), started)
        return self._finish(_grounded(result, draft, evidence, self.embed, self.settings), started)

    def _draft(self, question: str, evidence: list[Evidence], on_token) -> str:
        chain = chat_prompt("answer") | self.chat() | StrOutputParser()
        inputs = {"question": question, "evidence": format_evidence(evidence)}
        if on_token is None:
            return chain.invoke(inputs)
        parts = []
        for token in chain.stream(inputs):
            parts.append(token)
            on_token(token)
        return "".join(parts)

    @staticmethod
    def _finish(result: Answer, started: float) -> Answer:
        result.timings.total_ms = _ms(started)
        return result


def format_evidence(evidence: list[Evidence]) -> str:
    return "\n".join(f"[{e.id}] {e.text}" for e in evidence)


def _grounded(result: Answer, draft: str, evidence: list[Evidence], embed, settings: Settings) -> Answer:
    checks = check(result.question, draft, evidence, embed, settings.grounding)
    kept = say_once([c for c in checks if c.status == "supported"])
    if not kept:
        fallback = _extractive(result, evidence)
        fallback.sentences = checks + fallback.sentences
        return fallback
    return _compose(result, kept, checks, evidence)


def _free(result: Answer, draft: str, evidence: list[Evidence]) -> Answer:
    if re.search(r"documents? (don't|do not) say", draft, re.I):
        return result
    ids = {e.id for e in evidence}
    sentences = [SentenceCheck(text=strip_markers(s), cited=[i for i in markers(s) if i in ids], status="unchecked")
                 for s in split_sentences(draft) if strip_markers(s)]
    return _compose(result, sentences, sentences, evidence)


def _extractive(result: Answer, evidence: list[Evidence]) -> Answer:
    best = evidence[:EXTRACTIVE_SENTENCES]
    sentences = [SentenceCheck(text=f"\u201c{e.text}\u201d", cited=[e.id], status="extractive") for e in best]
    return _compose(result, sentences, sentences, evidence)


def _compose(result: Answer, kept: list[SentenceCheck], checks: list[SentenceCheck],
             evidence: list[Evidence]) -> Answer:
    result.answer, result.citations, result.sentences = cite(kept, checks, evidence)
    result.abstained = False
    return result
