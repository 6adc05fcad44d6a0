"""Can the trained reader pick the article better than the passage scorer? A look on development questions.

    python benchmarks/rerank.py --repo PATH --out /work/cache/news-2023-dev20 [--candidates 20]

Each answerable question of OUT (a benchmarks/news.py build of the reader's dev weeks) is searched as `ask` does,
without a date, for its top CANDIDATES passages (the passage scorer's order); the reader reads them all. The top
passage is then chosen three ways, and "an article that holds the answer is first" (gold first) counted for each:
1. the passage scorer (what the product does today);
2. the reader's P(the passage answers);
3. a logistic stack of both (and the reader's best sentence), fit on passages of the other weeks only (out of fold:
   weeks dealt into 5 groups), so the figure is not in-sample.
Each with its 95% bootstrap interval, and 2 and 3 minus 1 paired over the same questions. Also: how often a gold
article is among the candidates at all (the ceiling any reranking has), and among the top 5.
Development data only: a held-out build is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import scoring
from benchmarks.fit_reader import out_of_fold_by_question, require_reader_dev_weeks
from benchmarks.heldout import require_development
from benchmarks.news import doc_id, questions

TOP = 5  # passages the answer reads (Settings.top_k)


def read_candidates(out: Path, candidates: int) -> list[dict]:
    """Per answerable question: its candidates' features, whether each is from a gold article, its week."""
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.evidence.reading import logit, readable
    from assistant.scoring.reader import Reader

    engine = Assistant(load_settings({"store": out / "store"}))
    engine.ingest([out / "corpus"])
    reader = Reader(engine.settings.threads)
    found = []
    for row in questions(out, None):
        if row["role"] != "answerable":
            continue
        passages = engine.search(row["question"], candidates)
        texts = [[text for text, _ in readable(p)] for p in passages]
        readings = reader.read(row["question"], texts)
        found.append({
            "week": row["week"], "gold": [doc_id(p.source) in row["gold_docs"] for p in passages],
            "features": [[logit(p.score), logit(r.answers), logit(max((s for s in r.sentences if s is not None),
                                                                      default=0.0))]
                         for p, r in zip(passages, readings)]})
    engine.close()
    return found


def firsts(found: list[dict], scores: list[np.ndarray]) -> list[float]:
    return [float(q["gold"][int(np.argmax(s))]) if len(s) else 0.0 for q, s in zip(found, scores)]


def in_top(found: list[dict], scores: list[np.ndarray], k: int) -> list[float]:
    """A gold article among the k best passages."""
    return [float(any(q["gold"][i] for i in np.argsort(-s, kind="stable")[:k])) for q, s in zip(found, scores)]


def stacked(found: list[dict]) -> list[np.ndarray]:
    """Every candidate's probability from a stack fit without its week's questions."""
    return out_of_fold_by_question([q["features"] for q in found], [q["gold"] for q in found],
                                   [q["week"] for q in found])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("/work/cache/news-2023-dev20"))
    parser.add_argument("--candidates", type=int, default=20)
    args = parser.parse_args(argv)
    require_development(args.out)
    require_reader_dev_weeks(args.repo, args.out)
    found = read_candidates(args.out, args.candidates)
    orders = {
        "passage scorer": [np.array([f[0] for f in q["features"]]) for q in found],
        "reader P(answers)": [np.array([f[1] for f in q["features"]]) for q in found],
        "stack (out of fold)": stacked(found),
    }
    base = firsts(found, orders["passage scorer"])
    print(f"{len(found)} answerable questions, {args.candidates} candidates each, asked without a date; "
          f"a gold article among the candidates: {np.mean([any(q['gold']) for q in found]):.3f}")
    figures = {}
    for name, scores in orders.items():
        first = firsts(found, scores)
        value, low, high = scoring.bootstrap(first)
        top = scoring.bootstrap(in_top(found, scores, TOP))
        line = f"{name:22} gold first {value:.3f} ({low:.2f}-{high:.2f}), in the top {TOP} passages {top[0]:.3f}"
        figures[name] = {"gold_first": [value, low, high], "gold_top5": list(top)}
        if name != "passage scorer":
            d = scoring.paired(first, base)
            line += f"; minus the passage scorer {d[0]:+.3f} ({d[1]:+.2f} to {d[2]:+.2f}, paired)"
            figures[name]["minus_passage_scorer"] = list(d)
        print(line)
    (args.out / "rerank.json").write_text(json.dumps({"candidates": args.candidates, "questions": len(found),
                                                      "figures": figures}, indent=1) + "\n")


if __name__ == "__main__":
    main()
