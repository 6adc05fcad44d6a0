"""Which article comes first: the figures each candidate article gets, the chunk the article scorer puts first, and
the search giving that chunk first over a real store (scorers injected with `overridden`)."""

import math
from pathlib import Path

import pytest

from assistant.config import RetrievalSettings, Settings
from assistant.engine import Assistant
from assistant.filters import Filters
from assistant.providers.factory import EmbeddingModel, Models
from assistant.retrieve.articles import SECOND_FLOOR, Scored, articles, first
from assistant.scoring.fitted import Scorer, logit, overridden
from assistant.types import ArticleFeatures
from tests.fakes import HashEmbeddings

RANKED = [Scored("a.txt", 0.9, 0.5, False), Scored("b.txt", 0.8, 0.7, True), Scored("b.txt", 0.6, 0.4, False),
          Scored("c.txt", 0.5, 0.2, False), Scored("b.txt", 0.3, 0.3, False)]


def preferring(**weights: float) -> Scorer:
    """An article scorer that reads only the named figures, with these weights."""
    names = ArticleFeatures.names()
    return Scorer(names, (0.0,) * len(names), (1.0,) * len(names), tuple(weights.get(n, 0.0) for n in names), 0.0)


def test_each_article_gets_its_chunks_figures_by_the_place_of_its_best():
    found = articles(RANKED)
    assert list(found) == ["a.txt", "b.txt", "c.txt"]
    b = found["b.txt"]
    assert b.best == pytest.approx(logit(0.8)) and b.second == pytest.approx(logit(0.6))
    assert b.passages == pytest.approx(math.log(3)) and b.opening == 1.0
    assert b.place == pytest.approx(math.log(2)) and b.cosine == 0.7
    a = found["a.txt"]
    assert a.second == SECOND_FLOOR and a.passages == 0.0 and a.opening == 0.0 and a.place == 0.0


def test_the_best_chunk_of_the_preferred_article_is_put_first_and_only_the_pool_counts():
    with overridden(article=preferring(passages=1.0)):
        assert first(RANKED, 5) == 1  # b's three chunks beat a's one: b's best chunk, second in the order
        assert first(RANKED, 1) == 0  # only a's chunk in the pool
        assert first(RANKED, 0) == 0
    with overridden(article=preferring(best=1.0)):
        assert first(RANKED, 5) == 0  # the passage scorer's own first
    with overridden(article=preferring(best=-1.0)):
        assert first(RANKED, 5) == 3  # the least likely article's chunk
    assert first([], 30) == 0


@pytest.fixture
def engine(tmp_path: Path, monkeypatch):
    """A real store of two articles about the zoo, ingested with the deterministic embedder."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "zoo.txt").write_text("The Tallbo zoo keeps 9 zebras and 40 goats in its northern paddock.\n")
    (folder / "visit.txt").write_text("Visitors to the Tallbo zoo can feed the goats on Sundays.\n")
    monkeypatch.chdir(tmp_path)
    fake = HashEmbeddings()
    models = Models(embeddings=lambda settings: EmbeddingModel(fake, fake.name, fake.dimension))
    engine = Assistant(Settings(store=tmp_path / "store"), models)
    engine.ingest([folder])
    yield engine
    engine.close()


def test_the_search_gives_first_the_passage_of_the_article_the_article_scorer_prefers(engine):
    question = "How many zebras does the Tallbo zoo keep?"
    shipped = [Path(p.source).name for p in engine.searcher.search(question, 2, Filters())]
    assert shipped[0] == "zoo.txt"
    with overridden(article=preferring(best=-1.0)):  # prefers the article the passage scorer ranks lower
        assert [Path(p.source).name for p in engine.searcher.search(question, 2, Filters())] == ["visit.txt", "zoo.txt"]
        engine.searcher.params = RetrievalSettings(article_pool=0)  # the passage scorer's order
        assert [Path(p.source).name for p in engine.searcher.search(question, 2, Filters())] == shipped

