"""Question → passages → ranked evidence → answer or decline → short answer and checked, cited sentences.

The short answer (a name, a number, a date) is a span of the cited evidence, found by code, so it cannot be
invented. The model may then shorten and rephrase the evidence; every sentence it writes is checked, and what fails
is dropped. When nothing it wrote survives, the answer quotes the evidence instead."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from assistant.answer.check import check, markers, split_sentences, strip_markers
from assistant.answer.cite import cite, say_once
from assistant.answer.decide import answerable, gives_what_is_asked, quotable
from assistant.config import Settings
from assistant.errors import UsageError
from assistant.evidence import names, reading
from assistant.evidence import selection as evidence_selection
from assistant.evidence import spans as shortanswer
from assistant.evidence.selection import missing_names
from assistant.filters import Filters
from assistant.query.question import Asked, analyse, question_names
from assistant.retrieve.search import Searcher
from assistant.scoring.reader import Reader
from assistant.types import ABSTENTION, Answer, Evidence, Passage, SentenceCheck, SetAside, Timings


class QuestionTooLong(UsageError):
    """A question longer than any model context we serve could hold with its evidence."""


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class Answerer:
    def __init__(self, searcher: Searcher, embeddings, chat: Callable, model: dict[str, str], settings: Settings,
                 reader: Reader | None = None):
        self.searcher = searcher
        self.reader = reader
        self.embed = embeddings.embed_documents
        self.chat = chat  # called only when a model is needed: extractive mode never loads one
        self.model = model
        self.settings = settings

    def answer(self, question: str, mode: str = "grounded", filters: Filters = Filters(),
               on_token: Callable[[str], None] | None = None) -> Answer:
        if len(question) > self.settings.max_question_chars:
            raise QuestionTooLong(f"the question is {len(question):,} characters long; the limit is "
                                  f"{self.settings.max_question_chars:,}")
        started = time.perf_counter()
        asked = analyse(question, self.searcher.frequencies)
        passages = self.searcher.search(question, self.settings.top_k, filters, asked)
        set_aside: list[Evidence] = []
        found = evidence_selection.candidates(asked, passages, self.embed, self.settings.evidence, set_aside)
        folder = self.reader is not None and self.searcher.store.chunk_count() <= self.settings.evidence.folder_chunks
        read, stacked = self._read(question, passages, found, folder)
        evidence = evidence_selection.rank(found, self.settings.evidence.max_sentences, folder)
        spans = shortanswer.candidates(asked, evidence, self.settings.evidence.span_sentences)
        short = shortanswer.stated(spans, shortanswer.threshold())
        offered = reading.short_answers(read, evidence) if read else []
        inside = reading.answers_inside(read, evidence) if read else {}
        result = Answer(question=question, answer=ABSTENTION, abstained=True, mode=mode, retrieved=passages,
                        timings=Timings(retrieve_ms=_ms(started)), set_aside=[SetAside.of(s) for s in set_aside],
                        model=self.model if mode != "extractive" else {"provider": "none", "name": "extractive"})
        go, result.confidence = answerable(asked, evidence, short, stacked, offered)
        go = go and gives_what_is_asked(question, evidence, self.settings.evidence.quote_share)
        if read:  # the reader's answer words replace the word rules' (which still find conflicting figures)
            short = shortanswer.stated(offered, reading.span_threshold())
        if not go:
            return self._finish(result, started)
        if clash := shortanswer.conflict(asked, spans, evidence, self.settings.evidence.quote_share):
            return self._finish(_conflict(result, clash, evidence), started)
        ordering = None if stacked is not None or folder else read  # the reader orders the quotes when it does not rank evidence
        if mode == "extractive":
            return self._finish(_extractive(result, asked, short, evidence, self.settings, ordering, offered, inside),
                                started)
        generating = time.perf_counter()
        draft = self._draft(question, evidence, short, on_token)
        result.timings.generate_ms = _ms(generating)
        if mode == "free":
            return self._finish(_free(result, draft, evidence), started)
        words = offered + list(inside.values())
        return self._finish(_grounded(result, asked, short, draft, evidence, self.embed, self.settings, ordering,
                                      words), started)

    def _read(self, question: str, passages: list[Passage], found: list[Evidence],
              folder: bool) -> tuple[reading.Found | None, reading.Found | None]:
        """What the reader found (None when it is off), and the same again when it is stacked into ranking and
        declining (`full`). Its view of each candidate sentence joins the candidate when it ranks them: `full`, or
        a small `folder` (where the decline stays the word scorer's)."""
        if not (self.reader and found):
            return None, None
        read = reading.read(self.reader, question, passages)
        stacked = self.settings.evidence.reader == "full" and not folder
        if stacked or folder:
            reading.attach(read, found)
        return read, read if stacked else None

    def _draft(self, question: str, evidence: list[Evidence], short: shortanswer.ShortAnswer | None,
               on_token) -> str:
        # Imported here: extractive answers, the default with the local model, never load LangChain's chains.
        from langchain_core.output_parsers import StrOutputParser

        from assistant.templates import chat_prompt, read

        chain = chat_prompt("answer") | self.chat() | StrOutputParser()
        inputs = {"question": question, "evidence": format_evidence(evidence), "abstention": ABSTENTION,
                  "found": found_line(read("answer_found"), short)}
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


def found_line(template: str, short: shortanswer.ShortAnswer | None) -> str:
    """The answer words the reader or the word rules found, and where, for the model to write from (or nothing)."""
    if short is None:
        return ""
    return template.format(id=short.evidence.id, words=short.text) + "\n"


def _lead(asked: Asked, short: shortanswer.ShortAnswer | None, shown: list[SentenceCheck],
          words: list[shortanswer.ShortAnswer]) -> list[SentenceCheck]:
    """The short answer, stated first and cited to the sentence it was taken from (and to the shown sentence where
    the reader's words (`words`) give its whole name, when it is part of one)."""
    if short is None:
        return []
    short = names.completed(asked, short, {i for s in shown for i in s.cited} | {short.evidence.id}, words)
    # Words that end a sentence in their source ("Disney+.", "Jeopardy!") are not given a second full stop.
    text = short.text if short.text.endswith((".", "!", "?")) else f"{short.text}."
    cited = [short.evidence.id] + ([short.named_in.id] if short.named_in else [])
    named = f", named in full in [{short.named_in.id}]" if short.named_in else ""
    return [SentenceCheck(text=text, cited=cited, status="span",
                          reason=f"a span of [{short.evidence.id}]{named}, p={short.probability:.2f}")]


def _quotes(asked: Asked, short: shortanswer.ShortAnswer | None, evidence: list[Evidence],
            settings: Settings, read: reading.Found | None = None) -> list[SentenceCheck]:
    """The best distinct sentences, quoted (the one holding the short answer first, when there is one): a sentence two
    documents repeat word for word is quoted once. A later quote must score near the best, and one from another
    document must name something the question asks about that the first quote's document does not (else it is
    beside the point). With `read` (the reader's view, when it does not rank the evidence itself) the chosen quotes
    are put in the order the read_sentence stack gives them: the same sentences, the one likeliest to state the
    answer first (after the short answer's, which its citation points at)."""
    first = short.evidence if short else evidence[0]
    near = [e for e in quotable(evidence, settings.evidence.quote_share) if e.id != first.id]
    covering = [e for e in near if e.source != first.source and _adds_names(asked, first, e)]
    best = [first, *covering, *(e for e in near if e.source == first.source)]
    quotes = [SentenceCheck(text=f"\u201c{e.text}\u201d", cited=[e.id], status="extractive") for e in best]
    quotes = say_once(quotes)[:settings.evidence.extractive_sentences]
    if read is not None:
        likely = reading.likelihoods(read, best)
        pinned = quotes[:1] if short else []  # the short answer's sentence stays first: the answer cites it
        quotes = pinned + sorted(quotes[len(pinned):], key=lambda quote: likely[quote.cited[0]], reverse=True)
    return quotes


def _adds_names(asked: Asked, first: Evidence, other: Evidence) -> bool:
    wanted = question_names(asked.text)
    return bool(missing_names(wanted, [first]) - missing_names(wanted, [other]))


def _grounded(result: Answer, asked: Asked, short: shortanswer.ShortAnswer | None, draft: str,
              evidence: list[Evidence], embed, settings: Settings, read: reading.Found | None = None,
              words: list[shortanswer.ShortAnswer] | None = None) -> Answer:
    """The model's checked sentences after the short answer (its name completed from the reader's `words`), or
    the quotes when none survives."""
    checks = [_on_answer(c, evidence, settings.grounding.min_evidence_share)
              for c in check(asked.text, draft, evidence, embed, settings.grounding)]
    kept = say_once([c for c in checks if c.status == "supported"])
    if not kept:
        quotes = _quotes(asked, short, evidence, settings, read)
        shown = _lead(asked, short, quotes, words or []) + quotes
        return _compose(result, shown, checks + shown, evidence)
    lead = _lead(asked, short, kept, words or [])
    return _compose(result, lead + kept, lead + checks, evidence)


def _on_answer(sentence: SentenceCheck, evidence: list[Evidence], share: float) -> SentenceCheck:
    """A supported sentence that rests only on evidence ranked far below the best is true but beside the point."""
    if sentence.status != "supported" or not evidence:
        return sentence
    scores = {e.id: e.score for e in evidence}
    if max(scores.get(i, 0.0) for i in sentence.cited) >= share * evidence[0].score:
        return sentence
    return sentence.model_copy(update={"status": "dropped", "reason": "rests on evidence unlikely to hold the answer"})


def _extractive(result: Answer, asked: Asked, short: shortanswer.ShortAnswer | None, evidence: list[Evidence],
                settings: Settings, read: reading.Found | None = None,
                offered: list[shortanswer.ShortAnswer] | None = None,
                inside: dict[int, shortanswer.ShortAnswer] | None = None) -> Answer:
    """The short answer, then the quotes. Answer words not confident enough to choose the quote are still stated
    first when they stand in the sentence quoted first anyway (`_unsure_words`)."""
    quotes = _quotes(asked, short, evidence, settings, read)
    if short is None and quotes:
        short = _unsure_words(quotes[0].cited[0], offered or [], inside or {}, settings.evidence.quoted_span)
    shown = _lead(asked, short, quotes, (offered or []) + list((inside or {}).values())) + quotes
    return _compose(result, shown, shown, evidence)


def _unsure_words(quoted: int, offered: list[shortanswer.ShortAnswer], inside: dict[int, shortanswer.ShortAnswer],
                  at_least: float) -> shortanswer.ShortAnswer | None:
    """The answer words to state before the sentence quoted first (evidence id `quoted`), when more likely right than
    not: the reader's best words overall (`offered`, best first) when they lie in it, else its likeliest words
    inside it (`inside`, by evidence id)."""
    found = [s for s in offered[:1] if s.evidence.id == quoted] + [s for s in [inside.get(quoted)] if s]
    return next((s for s in found if s.probability >= at_least), None)


def _conflict(result: Answer, clash: shortanswer.Conflict, evidence: list[Evidence]) -> Answer:
    """The documents disagree on the asked figure: say so, and give each figure with its source."""
    shown = [SentenceCheck(text="The documents disagree.", cited=[], status="derived", reason="different figures")]
    shown += [SentenceCheck(text=f"{figure}: \u201c{e.text}\u201d", cited=[e.id], status="extractive")
              for figure, e in clash.figures]
    result.conflict = True
    return _compose(result, shown, shown, evidence)


def _free(result: Answer, draft: str, evidence: list[Evidence]) -> Answer:
    if re.search(r"documents? (don't|do not) say", draft, re.I):
        return result
    ids = {e.id for e in evidence}
    sentences = [SentenceCheck(text=strip_markers(s), cited=[i for i in markers(s) if i in ids], status="unchecked")
                 for s in split_sentences(draft) if strip_markers(s)]
    return _compose(result, sentences, sentences, evidence)


def _compose(result: Answer, kept: list[SentenceCheck], checks: list[SentenceCheck],
             evidence: list[Evidence]) -> Answer:
    result.answer, result.citations, result.sentences = cite(kept, checks, evidence)
    result.abstained = False
    return result
