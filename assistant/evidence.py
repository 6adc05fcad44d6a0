"""Pick the sentences of the retrieved passages that bear on the question, and decide if any do."""

from __future__ import annotations

import re

import numpy as np

from assistant.config import EvidenceSettings
from assistant.models import Evidence, Passage
from assistant.planted import is_planted
from assistant.textstats import content_words, names, numbers, stem

CALENDAR_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                  "saturday", "sunday"}
# Words that frame a question rather than name its topic ("What did X say/agree/discuss about Y?").
DISCOURSE_WORDS = frozenset(stem(w) for w in """agree talk talks say said position view views discuss mention
happen happened think want include describe express decide do make""".split())
# What kind of answer a question wants; evidence of that kind ranks higher, and answers must contain it.
ASKS_QUANTITY = re.compile(r"\bhow (much|many|long|old|far|large|big|high)\b|\bwhat (percentage|share|number)\b", re.I)
ASKS_PERSON = re.compile(r"^\s*(who|whom)\b|\bwith whom\b", re.I)
ASKS_TIME = re.compile(r"^\s*when\b|\bwhat (date|day|year|time)\b", re.I)
TIME_WORDS = CALENDAR_WORDS | {"today", "yesterday", "tomorrow", "day", "days", "week", "month", "year", "weeks", "months", "years",
                               "summer", "winter", "spring", "autumn"}


def sentences_of(passage: Passage, min_words: int = 4) -> list[Evidence]:
    """The passage's sentences with their own line numbers and section (from the spans stored at ingest)."""
    found = []
    for start, end, first, last, *section in passage.spans or [
            [0, len(passage.text), passage.start_line, passage.end_line, passage.section]]:
        text = passage.text[start:end].strip()
        if len(text.split()) >= min_words:
            found.append(Evidence(id=0, text=text, source=passage.source, start_line=first, end_line=last, score=0.0,
                                  title=passage.title, page=passage.page, section=section[0] if section else None))
    return found


def select(question: str, passages: list[Passage], embed, params: EvidenceSettings = EvidenceSettings(),
           limit: int | None = None) -> list[Evidence]:
    """The `limit` best sentences, numbered 1..n by relevance: cosine to the question plus word overlap."""
    seen, candidates = set(), []
    for passage in passages:
        for sentence in sentences_of(passage, params.min_words):
            key = (sentence.source, sentence.start_line, sentence.text)
            if key not in seen and not is_planted(sentence.text):
                seen.add(key)
                candidates.append(sentence)
    if not candidates:
        return []
    vectors = np.asarray(embed([question] + [c.text for c in candidates]), dtype=np.float32)
    similarity = vectors[1:] @ vectors[0]
    asked = set(content_words(question))
    for candidate, vector, cosine in zip(candidates, vectors[1:], similarity):
        candidate.vector = vector.tolist()
        overlap = len(asked & set(content_words(candidate.text))) / max(1, len(asked))
        bonus = params.answer_type_bonus * answer_type_match(question, candidate.text)
        candidate.score = round(float(0.7 * cosine + 0.3 * overlap) + bonus, 4)
        candidate.similarity = float(cosine)
    best = sorted(candidates, key=lambda c: c.score, reverse=True)[:limit or params.max_sentences]
    return [c.model_copy(update={"id": number}) for number, c in enumerate(best, start=1)]


def mentions_time(text: str) -> bool:
    return bool(numbers(text)) or bool(TIME_WORDS & {w.lower() for w in re.findall(r"[A-Za-z]+", text)})


def answer_type_match(question: str, sentence: str) -> bool:
    """Does the sentence hold the kind of thing asked for (a number, a date, a new name)?"""
    if ASKS_QUANTITY.search(question):
        return bool(numbers(sentence) - numbers(question))
    if ASKS_TIME.search(question):
        return mentions_time(sentence)
    if ASKS_PERSON.search(question):
        return bool(names(sentence) - names(question))
    return False


def should_abstain(question: str, evidence: list[Evidence], params: EvidenceSettings = EvidenceSettings()) -> bool:
    if not evidence:
        return True
    best = max(e.similarity for e in evidence)
    if best < params.abstain_similarity:
        return True
    if numbers(question) - numbers(" ".join(e.text for e in evidence)):
        return True  # "in 2025" when no evidence mentions 2025
    asked = question_names(question)
    topic = set(content_words(question)) - {stem(n) for n in asked} - DISCOURSE_WORDS - CALENDAR_WORDS
    if topic and not topic & set(content_words(" ".join(e.text for e in evidence))):
        return True  # "the mayor": no evidence sentence mentions anything the question is about
    missing = missing_names(asked, evidence)
    return bool(asked) and len(missing) / len(asked) >= 0.5 and best < params.abstain_similarity_missing_name


def question_names(question: str) -> set[str]:
    return {n for n in names(question) if n not in CALENDAR_WORDS}


def missing_names(asked: set[str], evidence: list[Evidence]) -> set[str]:
    """The names asked about that no evidence sentence or its title mentions (Russia matches Russian)."""
    context = " ".join(f"{e.title or ''}. {e.text}" for e in evidence)
    mentioned = set(content_words(context)) | names(context)
    return {n for n in asked if not any(name_matches(n, m) for m in mentioned)}


def name_matches(name: str, word: str) -> bool:
    return name == word or (min(len(name), len(word)) >= 4 and (word.startswith(name) or name.startswith(word)))
