"""The short answer a question asks for (a name, a number, a date), taken as a span of the ranked evidence so it
cannot be invented, and scored by the fitted span scorer. When two documents state different numbers for the asked
quantity, that is a conflict, reported as such rather than settled silently."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query.question import Asked
from assistant.scoring.fitted import scorers, span_features, spans
from assistant.types import Evidence


@dataclass(frozen=True)
class ShortAnswer:
    text: str
    probability: float
    evidence: Evidence  # the best-ranked sentence holding the span: the answer cites it
    named_in: Evidence | None = None  # the sentence giving the whole name the span is part of, when another one


@dataclass(frozen=True)
class Conflict:
    """Documents that disagree on the asked number: each figure with the sentence stating it."""

    figures: list[tuple[str, Evidence]]


def candidates(asked: Asked, ranked: list[Evidence], top_sentences: int) -> list[ShortAnswer]:
    """Every candidate span of the best `top_sentences` sentences, scored, best first."""
    top = ranked[:top_sentences]
    sentences = [(e.text, e.score) for e in top]
    titles = [e.title or "" for e in top]
    scorer = scorers()["span"]
    found: dict[str, ShortAnswer] = {}
    for sentence in top:
        for span in spans(asked, sentence.text):
            if span.lower() not in found:
                p = scorer.probability(span_features(asked, span, sentences, titles))
                found[span.lower()] = ShortAnswer(span, p, sentence)
    return sorted(found.values(), key=lambda s: s.probability, reverse=True)


def threshold() -> float:
    """A span is stated as the answer only at or above this probability (chosen on the development questions)."""
    return scorers()["span"].threshold


def stated(found: list[ShortAnswer], at_least: float) -> ShortAnswer | None:
    """The best of the spans (best first), when it is likely enough to be stated first."""
    return found[0] if found and found[0].probability >= at_least else None


def conflict(asked: Asked, found: list[ShortAnswer], ranked: list[Evidence], share: float) -> Conflict | None:
    """The two best sentences come from different documents and state different figures of the same unit for a
    number asked, and the second scores at least `share` of the first (it would be quoted beside it): the documents
    disagree. A structural rule, not a fitted one: no conflict labels exist to fit on."""
    if asked.kind != "number" or len(ranked) < 2 or ranked[0].source == ranked[1].source:
        return None
    if ranked[1].score < share * ranked[0].score:
        return None
    first, second = (next((s for s in found if s.evidence.id == e.id), None) for e in ranked[:2])
    if first is None or second is None or not _unit(first.text) or _unit(first.text) != _unit(second.text):
        return None
    if _value(first.text) == _value(second.text):
        return None
    return Conflict([(first.text, first.evidence), (second.text, second.evidence)])


def _unit(span: str) -> str:
    return " ".join(re.findall(r"[A-Za-z%$£€]+", span)).lower()


def _value(span: str) -> str:
    return "".join(re.findall(r"[\d.]", span.replace(",", "")))
