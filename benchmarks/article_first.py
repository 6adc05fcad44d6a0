"""Can the article that holds the answer come first? Article-level features among a question's candidates, dev only.

    python benchmarks/article_first.py --out BUILD

BUILD is a benchmarks/news.py build of 2023 with its store (anything but development data is refused). For every
answerable question, undated and as of its date, the retriever's candidates are read with the passage scorer's
features and two of their article's: how many of its chunks are candidates (log) and how much of the question's word
weight their union and the title hold. Out of fold by week (five folds, as benchmarks/fit_reader.py deals them), a
passage scorer is refit with and without them, and the passages are ordered three ways against the refit without them:
- doc_in_scorer: the article features inside the passage scorer;
- all_from_article: articles by their best chunk under that scorer, chunks inside an article by the plain one;
- first_from_article: only the first place from the best article (its best chunk by the plain scorer), the rest
  as the plain scorer orders them.
Printed per order: an answer-holding article first, an answering passage among the five, answering passages among
the five; paired 95% bootstrap intervals over questions. Then the scorer with the article features fit on all of them.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.retrieve.search import diverse
from assistant.scoring.fitted import FEATURES, idf_cover, stems
from benchmarks.fit_ranker import fit
from benchmarks.fit_reader import out_of_fold_by_question
from benchmarks.heldout import require_development
from benchmarks.passage_labels import searched, states_answer
from benchmarks.scoring import bootstrap

FOLDS = 5
TOP = 5


@dataclass(frozen=True)
class Candidate:
    source: str
    features: list[float]  # the passage scorer's
    article: tuple[float, float]  # log(1 + its article's candidates), the cover of their union and the title
    gold: bool  # from an article that holds the answer
    states: bool  # the chunk states the answer


def article_features(chunks: list, asked) -> dict[str, tuple[float, float]]:
    """Per article among the candidates: log(1 + how many of its chunks are candidates), and the share of the
    question's word weight their text and its title hold together."""
    by_source: dict[str, list] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.source, []).append(chunk)
    out = {}
    for source, same in by_source.items():
        words = set(stems(same[0].title or "")).union(*(set(stems(c.text)) for c in same))
        out[source] = (math.log(1 + len(same)), idf_cover(asked, words))
    return out


def first_from_article(plain: np.ndarray, with_article: np.ndarray, sources: list[str]) -> list[int]:
    """The best article's best chunk first (article by its best chunk under `with_article`, chunk by `plain`),
    then every other candidate in the plain order."""
    order = list(np.argsort(-plain, kind="stable"))
    best = max(range(len(sources)), key=lambda i: with_article[i])
    first = next(i for i in order if sources[i] == sources[best])
    return [first] + [i for i in order if i != first]


def all_from_article(plain: np.ndarray, with_article: np.ndarray, sources: list[str]) -> list[int]:
    """Articles by their best chunk under `with_article`, chunks inside each by `plain`."""
    article = {}
    for i, s in enumerate(sources):
        article[s] = max(article.get(s, -math.inf), with_article[i])
    return sorted(range(len(sources)), key=lambda i: (-article[sources[i]], -plain[i]))


def outcome(top: list[Candidate]) -> tuple[float, float, float]:
    """(an answer-holding article first, an answering passage among them, how many answering passages)."""
    if not top:
        return 0.0, 0.0, 0.0
    states = [c.states for c in top]
    return float(top[0].gold), float(any(states)), float(sum(states))


def spread(order: list[int], candidates: list[Candidate]) -> list[Candidate]:
    """The first TOP of the order, as search spreads them: no article takes every place (retrieve/search.diverse)."""
    return diverse([candidates[i] for i in order], TOP)


def collect(out: Path, dated: bool) -> list[tuple[str, list[Candidate]]]:
    """Per answerable question: its week and its candidates, with their article's features and their labels."""
    found = []
    for row, asked, scored in searched(out, dated):
        articles = article_features([c for c, _, _ in scored], asked)
        found.append((row["week"], [Candidate(c.source, list(f.values()), articles[c.source],
                                              Path(c.source).stem in row["gold_docs"], states_answer(c, row))
                                    for c, f, _ in scored]))
    return found


def orders(found: list[tuple[str, list[Candidate]]]) -> dict[str, list[tuple[float, float, float]]]:
    """Each order's outcome per question, the scorers fit out of fold by week (benchmarks/fit_reader.py)."""
    weeks = [week for week, _ in found]
    width = len(FEATURES["passage"])  # explicit, so that a question without candidates is an empty row block
    plain_x = [np.array([c.features for c in cs], dtype=float).reshape(len(cs), width) for _, cs in found]
    article_x = [np.column_stack([x, np.array([c.article for c in cs], dtype=float).reshape(len(cs), 2)])
                 for x, (_, cs) in zip(plain_x, found)]
    labels = [np.array([c.gold for c in cs], dtype=bool) for _, cs in found]
    plain_p = out_of_fold_by_question(plain_x, labels, weeks, FOLDS)
    article_p = out_of_fold_by_question(article_x, labels, weeks, FOLDS)
    results: dict[str, list] = {"plain": [], "doc_in_scorer": [], "all_from_article": [], "first_from_article": []}
    for (_, cs), plain, with_article in zip(found, plain_p, article_p):
        if not cs:
            for r in results.values():
                r.append((0.0, 0.0, 0.0))
            continue
        sources = [c.source for c in cs]
        results["plain"].append(outcome(spread(list(np.argsort(-plain, kind="stable")), cs)))
        results["doc_in_scorer"].append(outcome(spread(list(np.argsort(-with_article, kind="stable")), cs)))
        results["all_from_article"].append(outcome([cs[i] for i in all_from_article(plain, with_article, sources)[:TOP]]))
        results["first_from_article"].append(outcome(spread(first_from_article(plain, with_article, sources), cs)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a benchmarks/news.py build of 2023, with its store")
    args = parser.parse_args(argv)
    require_development(args.out)
    for dated in (False, True):
        found = collect(args.out, dated)
        results = orders(found)
        base = np.array(results["plain"])
        print(f"{'as of each date' if dated else 'undated'}: {len(base)} answerable questions, out of fold by week")
        for name, rows in results.items():
            r = np.array(rows)
            cells = []
            for j, label in enumerate(("answer-holding article first", "answering passage in the five",
                                       "answering passages in the five")):
                diff = bootstrap(list(r[:, j] - base[:, j]))
                cells.append(f"{label} {r[:, j].mean():.3f} ({diff[0]:+.3f}, {diff[1]:+.3f} to {diff[2]:+.3f})")
            print(f"  {name}: " + "; ".join(cells))
        print("  fit on all of them: " + weights(found))
    return 0


def weights(found: list[tuple[str, list[Candidate]]]) -> str:
    """The passage scorer with the article features, fit on every question (standardised coefficients)."""
    candidates = [c for _, cs in found for c in cs]
    x = np.column_stack([np.array([c.features for c in candidates]), np.array([c.article for c in candidates])])
    model = fit(x, np.array([c.gold for c in candidates], dtype=float))
    names = [*FEATURES["passage"], "article_chunks", "article_cover"]
    return ", ".join(f"{n} {w:+.2f}" for n, w in zip(names, model["coef"]))


if __name__ == "__main__":
    raise SystemExit(main())
