"""Answer or decline: one calibrated decision from what the evidence holds, instead of a chain of word rules.

The features say how well the best sentences cover the question (how likely each holds the answer, how much of the
question's rarer words they hold, whether the rarest one is missing, how close in meaning) and whether a short
answer of the asked kind was found. The fitted "answerable" scorer turns them into a probability; the question is
declined below the threshold chosen on the development questions (see assistant/scoring/weights.json for what it was fit
on and README, "How an answer is made", step 5)."""

from __future__ import annotations

from assistant.evidence import reading
from assistant.evidence.selection import lacks_what_is_asked
from assistant.evidence.spans import ShortAnswer
from assistant.query.question import Asked
from assistant.scoring.fitted import scorers
from assistant.types import AnswerableFeatures, Evidence


def features(asked: Asked, ranked: list[Evidence], short: ShortAnswer | None) -> AnswerableFeatures:
    scores = [e.score for e in ranked] + [0.0, 0.0]
    top = [e.ranked_by() for e in ranked[:3]]
    return AnswerableFeatures(
        best=scores[0], second=scores[1], span=short.probability if short else 0.0,
        idf_cover=max((f.idf_cover_title for f in top), default=0.0),
        rarest_missing=min((f.rarest_missing for f in top), default=1.0),
        cosine=max((e.similarity for e in ranked), default=0.0), mean_top3=sum(scores[:3]) / 3,
        statement=float(asked.kind == "statement"))


def answerable(asked: Asked, ranked: list[Evidence], short: ShortAnswer | None,
               found: reading.Found | None = None, read_spans: list[ShortAnswer] | None = None) -> tuple[bool, float]:
    """(answer it?, the probability that the documents answer it). With what the reader found, the word scorer's
    probability is stacked with the reader's best passage and best answer words (read_answerable)."""
    if not ranked:
        return False, 0.0
    scorer = scorers()["answerable"]
    probability = scorer.probability(features(asked, ranked, short))
    if found is not None:
        scorer = scorers()["read_answerable"]
        probability = scorer.probability(reading.decision_features(probability, found, read_spans or []))
    return probability >= scorer.threshold, probability


def quotable(ranked: list[Evidence], share: float) -> list[Evidence]:
    """The evidence an answer may quote: scored at least `share` of the best (evidence.quote_share)."""
    return [e for e in ranked if e.score >= share * ranked[0].score] if ranked else []


def gives_what_is_asked(question: str, ranked: list[Evidence], share: float) -> bool:
    """Could a sentence the answer may quote give the kind of thing asked for? A "how much" question is not answered
    by sentences without a figure, nor "who" by ones that name no one new."""
    return any(lacks_what_is_asked(question, e.text) is None for e in quotable(ranked, share))
