"""What should the passage scorer learn to put first: an article that holds the answer, or a passage that states it?

    python benchmarks/passage_labels.py [--out benchmarks/out/news-2023]

Each answerable question of OUT (a benchmarks/news.py build of development data) is searched as benchmarks/fit_ranker.py
searches it, as of its date and without one; every candidate passage gets the features the passage scorer reads and
two labels: "from an article that holds the answer" and "states the answer, in such an article" (the right choice as
a phrase of its text). A passage scorer is fit with each label on four of five groups of weeks and orders the fifth's
candidates (out of fold). Reported for each: an answer-holding article first; a passage that states the answer first;
one among the first five (the passages an answer reads; the search's one-document cap is not applied here), each
with its 95% bootstrap interval and paired against the article label. Development data only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import realtimeqa, scoring
from benchmarks.fit_reader import out_of_fold_by_question
from benchmarks.heldout import require_development
from benchmarks.news import as_of, questions

if TYPE_CHECKING:
    from assistant.query.question import Asked

LABELS = {"article": "an article holding the answer", "passage": "a passage stating the answer"}
FOLDS = 5
TOP = 5


def searched(out: Path, dated: bool) -> Iterator[tuple[dict, Asked, list]]:
    """Each answerable question of the build, as analysed, with the search's candidates for it (chunk, passage
    features, cosine), searched as benchmarks/fit_ranker.py searches."""
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.query.question import analyse

    engine = Assistant(load_settings({"store": out / "store"}))
    try:
        for row in questions(out, None):
            if row["role"] == "answerable":
                asked = analyse(row["question"], engine.searcher.frequencies)
                yield row, asked, engine.searcher.candidates(row["question"], as_of(row, dated), asked)
    finally:
        engine.close()


def states_answer(chunk, row: dict) -> bool:
    """The chunk's text holds the right choice as a phrase."""
    return bool(realtimeqa.contains(realtimeqa.padded(chunk.text), row["answer"]))


def candidates(out: Path, dated: bool) -> list[dict]:
    """Per answerable question: its week, and its candidates' features and labels."""
    found = []
    for row, _, rows in searched(out, dated):
        article = np.array([Path(chunk.source).stem in row["gold_docs"] for chunk, _, _ in rows], dtype=bool)
        states = np.array([states_answer(chunk, row) for chunk, _, _ in rows], dtype=bool)
        found.append({"week": row["week"], "X": np.array([features.values() for _, features, _ in rows]),
                      "article": article, "passage": article & states})
    return found


def out_of_fold_orders(found: list[dict], label: str) -> list[np.ndarray]:
    """Each question's candidates scored by a passage scorer fit on the other groups of weeks."""
    return out_of_fold_by_question([q["X"] for q in found], [q[label] for q in found], [q["week"] for q in found],
                                   FOLDS)


def figures(found: list[dict], scores: list[np.ndarray]) -> dict[str, list[float]]:
    order = [np.argsort(-s, kind="stable") for s in scores]
    return {"article first": [float(q["article"][o[0]]) for q, o in zip(found, order)],
            "passage first": [float(q["passage"][o[0]]) for q, o in zip(found, order)],
            f"passage in top {TOP}": [float(q["passage"][o[:TOP]].any()) for q, o in zip(found, order)]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "news-2023")
    args = parser.parse_args(argv)
    require_development(args.out)
    for dated in (True, False):
        found = [q for q in candidates(args.out, dated) if len(q["X"])]
        results = {label: figures(found, out_of_fold_orders(found, label)) for label in LABELS}
        print(f"{len(found)} answerable questions, {'as of their date' if dated else 'without a date'}, "
              f"passage scorer fit out of fold ({FOLDS} groups of weeks):")
        for label, name in LABELS.items():
            cells = []
            for figure, values in results[label].items():
                value, low, high = scoring.bootstrap(values)
                cell = f"{figure} {value:.3f} ({low:.2f}-{high:.2f})"
                if label != "article":
                    d = scoring.paired(values, results["article"][figure])
                    cell += f" [{d[0]:+.3f}, {d[1]:+.2f} to {d[2]:+.2f}]"
                cells.append(cell)
            print(f"  fit on {name:30} " + "; ".join(cells))


if __name__ == "__main__":
    main()
