"""The retrieved passages read by the trained reader: what it says of each sentence and passage joins the evidence,
and the answer words it points at become short-answer candidates.

The reader sees a passage's sentences as they were stored at ingest, minus text planted for an AI (set aside
before any model reads it). Its outputs are not used raw: the read_* scorers of weights.json combine them with the
word features, fit on development questions the reader was not trained on (benchmarks/fit_reader.py).

Answer words are read one passage and one sentence at a time; the same words pointed at from several places (the
winner's name in three reports of the same week) are likelier the answer. How many of the reader's other readings
point at them (`Found.agreement`) joins the sentence, span and inside-words stacks as a bonus that can only raise
them: a fact stated once keeps the probability it had without it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from assistant.evidence.planted import is_planted
from assistant.evidence.spans import ShortAnswer
from assistant.scoring.fitted import scorers
from assistant.scoring.reader import AnswerSpan, Reader
from assistant.text.words import INDEX_WORD, TABLE_ROW
from assistant.types import (
    Evidence,
    FolderSentenceFeatures,
    Passage,
    ReadAnswerableFeatures,
    ReadInsideFeatures,
    ReadSentenceFeatures,
    ReadSpanFeatures,
)

SentenceKey = tuple[str, int | None, int, str]  # source, page, first line, text: how evidence sentences are told apart


@dataclass
class Found:
    """What the reader found in one question's passages."""

    sentences: dict[SentenceKey, tuple[float, float]] = field(default_factory=dict)  # sentence P, passage P
    spans: list[tuple[AnswerSpan, SentenceKey, float]] = field(default_factory=list)  # span, its sentence, passage P
    inside: dict[SentenceKey, AnswerSpan] = field(default_factory=dict)  # a sentence's likeliest answer words
    best_passage: float = 0.0  # the highest P(the passage holds the answer)

    def agreement(self, words: str, sentence: SentenceKey) -> float:
        """log(1 + how many of the reader's readings elsewhere, a passage's answer words or a sentence's likeliest
        words in another sentence than `sentence`, contain these words or lie within them (whole words, any case)."""
        own = _padded(words)
        if not own.strip():
            return 0.0
        pointed = sum(1 for where, other in self._pointed if where != sentence and (own in other or other in own))
        return math.log1p(pointed)

    @cached_property
    def _pointed(self) -> list[tuple[SentenceKey, str]]:  # asked for once the passages are read
        found = [(sentence, _padded(span.text)) for span, sentence, _ in self.spans]
        found += [(sentence, _padded(words.text)) for sentence, words in self.inside.items()]
        return [(sentence, text) for sentence, text in found if text.strip()]


def _padded(words: str) -> str:
    """Lower-cased words and numbers between single spaces, a space at each end: "in" is found on word boundaries."""
    return " " + " ".join(INDEX_WORD.findall(words.lower())) + " "


def key(source: str, page: int | None, first_line: int, text: str) -> SentenceKey:
    return source, page, first_line, text


def evidence_key(e: Evidence) -> SentenceKey:
    return key(e.source, e.page, e.start_line, e.text)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def readable(passage: Passage) -> list[tuple[str, int]]:
    """A passage's sentences as the reader sees them, with their first lines: as stored at ingest, minus empty ones
    and text planted for an AI."""
    sentences = [(span.cut(passage.text), span.first_line) for span in passage.sentence_spans()]
    return [(text, first) for text, first in sentences if text and not is_planted(text)]


def read(reader: Reader, question: str, passages: list[Passage]) -> Found:
    """Each retrieved passage read against the question: every sentence's reading (a sentence two overlapping chunks
    share keeps the higher), every passage's answer words, and the best passage's P(answers)."""
    texts, keys = [], []
    for passage in passages:
        kept = readable(passage)
        texts.append([text for text, _ in kept])
        keys.append([key(passage.source, passage.page, first, text) for text, first in kept])
    found = Found()
    for reading, sentence_keys in zip(reader.read(question, texts), keys):
        found.best_passage = max(found.best_passage, reading.answers)
        for k, p, words in zip(sentence_keys, reading.sentences, reading.inside):
            if p is not None and p > found.sentences.get(k, (-1.0, 0.0))[0]:
                found.sentences[k] = (p, reading.answers)
                if words is not None:
                    found.inside[k] = words
        if reading.span is not None:
            found.spans.append((reading.span, sentence_keys[reading.span.sentence], reading.answers))
    return found


def reading_of(found: Found, e: Evidence) -> tuple[float, float, float]:
    """What the reader said of an evidence sentence: (sentence P, passage P, the agreement on its likeliest answer
    words); nothing for one it could not see."""
    sentence = evidence_key(e)
    words = found.inside.get(sentence)
    agreed = found.agreement(words.text, sentence) if words is not None else 0.0
    return (*found.sentences.get(sentence, (0.0, 0.0)), agreed)


def attach(found: Found, candidates: list[Evidence]) -> None:
    """Each candidate sentence gets what the reader said of it (a sentence it could not see: nothing)."""
    for e in candidates:
        e.reading = reading_of(found, e)


def sentence_features(e: Evidence, word_score: float,
                      reading: tuple[float, float, float] | None = None) -> ReadSentenceFeatures:
    p, passage, agreed = reading or e.reading or (0.0, 0.0, 0.0)
    return ReadSentenceFeatures(words=logit(word_score), reader=logit(p), passage=logit(passage), agreed=agreed)


def folder_features(e: Evidence) -> FolderSentenceFeatures:
    p, passage, agreed = e.reading or (0.0, 0.0, 0.0)
    return FolderSentenceFeatures(**vars(e.ranked_by()), reader=logit(p), passage=logit(passage), agreed=agreed)


def likelihoods(found: Found, evidence: list[Evidence]) -> dict[int, float]:
    """Each evidence sentence's P(it states the answer) by the read_sentence stack (its word score and what the
    reader said of it), by evidence id: for ordering sentences the word scorer chose."""
    stack = scorers()["read_sentence"]
    return {e.id: stack.probability(sentence_features(e, e.score, reading_of(found, e))) for e in evidence}


def span_features(span: AnswerSpan, passage: float, agreed: float) -> ReadSpanFeatures:
    return ReadSpanFeatures(reader=logit(span.probability), passage=logit(passage), length=len(span.text.split()),
                            agreed=agreed)


def short_answers(found: Found, ranked: list[Evidence]) -> list[ShortAnswer]:
    """The reader's answer words, most likely first, each tied to the ranked evidence sentence it lies in (a span
    in a sentence that did not make the evidence is not offered: the answer could not cite it)."""
    by_key = {evidence_key(e): e for e in ranked}
    scorer = scorers()["read_span"]
    offered = []
    for span, sentence, passage in found.spans:
        if sentence in by_key and not across_columns(by_key[sentence].text):
            features = span_features(span, passage, found.agreement(span.text, sentence))
            evidence = by_key[sentence]
            offered.append(ShortAnswer(with_currency(span.text, evidence.text), scorer.probability(features), evidence))
    return sorted(offered, key=lambda s: s.probability, reverse=True)


def across_columns(text: str) -> bool:
    """A table row with two or more values ("| Commute (tram) | 22 min | 14 min |"): which column the question means,
    the reader cannot tell, so its words are no short answer (the row is still quoted whole)."""
    if not TABLE_ROW.match(text):
        return False
    return sum(1 for cell in text.strip().strip("|").split("|")[1:] if cell.strip()) >= 2


CURRENCY_AFTER = re.compile(r"\s+(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|INR|CNY)\b")


def with_currency(words: str, sentence: str) -> str:
    """Answer words that end on an amount, with the currency code written after it in the sentence ("79.00 EUR"):
    the reader's words end where its training answers did, and quiz answers write "$79" or "79 euros"."""
    if not words[-1:].isdigit():
        return words
    after = CURRENCY_AFTER.match(sentence[sentence.find(words) + len(words):]) if words in sentence else None
    return words + after.group(0) if after else words


def inside_features(words: AnswerSpan, reading: tuple[float, float, float]) -> ReadInsideFeatures:
    sentence, passage, agreed = reading
    return ReadInsideFeatures(words=logit(words.probability), sentence=logit(sentence), passage=logit(passage),
                              length=len(words.text.split()), agreed=agreed)


def answers_inside(found: Found, ranked: list[Evidence]) -> dict[int, ShortAnswer]:
    """Per ranked evidence sentence (by id), the reader's likeliest answer words inside it, with the read_inside
    probability that they are the answer: for stating a quoted sentence's answer words when no answer words were
    sure enough to choose the quote."""
    scorer = scorers()["read_inside"]
    found_words = {}
    for e in ranked:
        if (words := found.inside.get(evidence_key(e))) is not None and not across_columns(e.text):
            p = scorer.probability(inside_features(words, reading_of(found, e)))
            found_words[e.id] = ShortAnswer(with_currency(words.text, e.text), p, e)
    return found_words


def span_threshold() -> float:
    """Answer words at least this likely are stated first (chosen on development questions for precision)."""
    return scorers()["read_span"].threshold


def decision_features(word_probability: float, found: Found, short: list[ShortAnswer]) -> ReadAnswerableFeatures:
    return ReadAnswerableFeatures(words=logit(word_probability), best_passage=logit(found.best_passage),
                                  span=short[0].probability if short else 0.0)
