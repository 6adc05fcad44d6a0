"""Pick the sentences of the retrieved passages that bear on the question, and decide if any do."""

from __future__ import annotations

import re

import numpy as np

from assistant.models import Evidence, Passage
from assistant.textstats import content_words, names, numbers

MAX_EVIDENCE = 5
MIN_WORDS = 4
# Tuned on evals/seeds.yaml (see README, "Abstention"): below this nothing retrieved is about the question.
ABSTAIN_SIMILARITY = 0.44
# When half the names the question asks about appear in no evidence, demand closer evidence than this.
ABSTAIN_SIMILARITY_MISSING_NAME = 0.56
CALENDAR_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                  "saturday", "sunday"}
INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules)\b|\bsystem prompt\b|\byou are now\b"
    r"|\b(the|this) (assistant|AI|model)\b.{0,30}\b(must|should|will)\b"
    r"|\b(reply|respond|answer|say|output|print)\b.{0,40}\b[A-Z]{4,}\b",
    re.I,
)


def sentences_of(passage: Passage) -> list[Evidence]:
    """The passage's sentences with their own line numbers (from the spans stored at ingest)."""
    found = []
    for start, end, first, last in passage.spans or [[0, len(passage.text), passage.start_line, passage.end_line]]:
        text = passage.text[start:end].strip()
        if len(text.split()) >= MIN_WORDS:
            found.append(Evidence(id=0, text=text, source=passage.source, start_line=first, end_line=last, score=0.0,
                                  title=passage.title))
    return found


def is_injection(text: str) -> bool:
    return bool(INJECTION.search(text))


def select(question: str, passages: list[Passage], embed, limit: int = MAX_EVIDENCE) -> list[Evidence]:
    """The `limit` best sentences, numbered 1..n by relevance: cosine to the question plus word overlap."""
    seen, candidates = set(), []
    for passage in passages:
        for sentence in sentences_of(passage):
            key = (sentence.source, sentence.start_line, sentence.text)
            if key not in seen and not is_injection(sentence.text):
                seen.add(key)
                candidates.append(sentence)
    if not candidates:
        return []
    vectors = np.asarray(embed([question] + [c.text for c in candidates]), dtype=np.float32)
    similarity = vectors[1:] @ vectors[0]
    asked = set(content_words(question))
    for candidate, cosine in zip(candidates, similarity):
        overlap = len(asked & set(content_words(candidate.text))) / max(1, len(asked))
        candidate.score = round(float(0.7 * cosine + 0.3 * overlap), 4)
        candidate.similarity = float(cosine)
    best = sorted(candidates, key=lambda c: c.score, reverse=True)[:limit]
    return [c.model_copy(update={"id": number}) for number, c in enumerate(best, start=1)]


def should_abstain(question: str, evidence: list[Evidence]) -> bool:
    if not evidence:
        return True
    best = max(e.similarity for e in evidence)
    if best < ABSTAIN_SIMILARITY:
        return True
    if numbers(question) - numbers(" ".join(e.text for e in evidence)):
        return True  # "in 2025" when no evidence mentions 2025
    asked = question_names(question)
    missing = missing_names(asked, evidence)
    return bool(asked) and len(missing) / len(asked) >= 0.5 and best < ABSTAIN_SIMILARITY_MISSING_NAME


def question_names(question: str) -> set[str]:
    return {n for n in names(question) if n not in CALENDAR_WORDS}


def missing_names(asked: set[str], evidence: list[Evidence]) -> set[str]:
    """The names asked about that no evidence sentence or its title mentions (Russia matches Russian)."""
    context = " ".join(f"{e.title or ''}. {e.text}" for e in evidence)
    mentioned = set(content_words(context)) | names(context)
    return {n for n in asked if not any(name_matches(n, m) for m in mentioned)}


def name_matches(name: str, word: str) -> bool:
    return name == word or (min(len(name), len(word)) >= 4 and (word.startswith(name) or name.startswith(word)))
