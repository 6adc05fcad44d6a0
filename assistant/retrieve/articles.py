"""Which article comes first: the story around a passage.

The passage scorer judges each chunk alone. An article several of whose chunks the search finds, or whose opening
it finds, is likelier the story a question asks about. The `article` scorer (fit on the development news:
docs/MEASUREMENTS.md, "Which article comes first") reads six figures of each article among the best candidates;
the search puts the best chunk of the article it prefers first and leaves the other places as they were (made to
rank every chunk, it filled the first five with one article's chunks and lost answers that stand in another)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.scoring.fitted import logit, scorers
from assistant.types import ArticleFeatures

SECOND_FLOOR = logit(1e-4)  # an article with one candidate chunk: its second best is "none", not a weak one


@dataclass(frozen=True)
class Scored:
    """A candidate chunk as the article figures read it."""

    source: str
    probability: float  # the passage scorer's
    cosine: float  # to the query
    opening: bool  # the document's first chunk


def articles(ranked: list[Scored]) -> dict[str, ArticleFeatures]:
    """The article figures of every document among `ranked` (best chunk first), by source."""
    places: dict[str, list[int]] = {}
    for place, chunk in enumerate(ranked):
        places.setdefault(chunk.source, []).append(place)
    return {source: _features([ranked[i] for i in found], found[0]) for source, found in places.items()}


def _features(chunks: list[Scored], place: int) -> ArticleFeatures:
    chances = sorted((c.probability for c in chunks), reverse=True)
    return ArticleFeatures(best=logit(chances[0]), second=logit(chances[1]) if len(chances) > 1 else SECOND_FLOOR,
                           passages=math.log(len(chunks)), opening=float(any(c.opening for c in chunks)),
                           place=math.log(1 + place), cosine=max(c.cosine for c in chunks))


def first(ranked: list[Scored], pool: int) -> int:
    """Where in `ranked` (best chunk first) the chunk to put first stands: the best chunk of the article the
    article scorer prefers among the first `pool` (0 when `pool` is 0 or nothing is ranked)."""
    if pool < 1 or not ranked:
        return 0
    scorer = scorers()["article"]
    found = articles(ranked[:pool])
    chosen = max(found, key=lambda source: scorer.probability(found[source]))
    return next(i for i, chunk in enumerate(ranked) if chunk.source == chosen)
