"""Does a reader read a person's documents? Its own outputs on the development suites, no stack fit in between.

    python benchmarks/reader_personal.py --work DIR [--reader EXPORT ...]

The seven development suites' documents go into one store (DIR/mixed-0, as benchmarks/mixed_folder.py builds it:
about 380 chunks of notes, minutes, price lists, agreements and news), and every case of those suites is searched
as `ask` searches and read by each reader (the shipped one first; EXPORT is a `python -m training.reader export`
directory). Per reader, with 95% bootstrap intervals over cases:
- best passage AUC: its highest P(a passage answers) over the retrieved passages, answerable against unanswerable
  cases (what the decline could learn from it);
- sentence AUC: its P(the sentence states the answer) over every candidate sentence of the answerable cases,
  labelled as the suites judge (every key fact of the case, evaluation/phrases.contains);
- top sentence: of the answerable cases with a candidate that holds the answer, how often its best-scored one does.
Both readers see the same passages (search does not use the reader). The held-out suite (notes4) is never indexed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.fit_folder import states_every_fact
from benchmarks.fit_reader import auc
from benchmarks.mixed_folder import suites
from benchmarks.scoring import RESAMPLES, SEED


@dataclass
class Figures:
    best_passage: list[tuple[float, bool]]  # per case: the reader's best passage P, answerable
    sentences: list[tuple[float, bool]]  # per candidate sentence of an answerable case: P, holds the answer
    top: list[float]  # per answerable case with a holding candidate: 1 when its best-scored candidate holds it


def top_holds(scores: list[float], holds: list[bool]) -> float:
    """1.0 when the best-scored candidate holds the answer (the first of tied bests)."""
    return float(holds[int(np.argmax(scores))])


def auc_interval(pairs: list[tuple[float, bool]], resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, ...]:
    """AUC of the scores for the labels, with a 95% bootstrap interval over the pairs."""
    p, y = np.array([s for s, _ in pairs]), np.array([h for _, h in pairs], dtype=float)
    rng = np.random.default_rng(seed)
    draws = [auc(p[i], y[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(resamples))]
    draws = [d for d in draws if d == d]  # a draw without both labels has no AUC
    return auc(p, y), float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def read_cases(work: Path, readers: dict[str, object]) -> dict[str, Figures]:
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.evidence import reading, selection
    from assistant.query.question import analyse

    indexed = suites()
    engine = Assistant(load_settings({"store": work / "mixed-0"}))
    engine.ingest([ROOT / p for suite in indexed for p in suite.corpus], exact=True)
    figures = {name: Figures([], [], []) for name in readers}
    for suite in indexed:
        for case in suite.cases:
            asked = analyse(case.question, engine.searcher.frequencies)
            passages = engine.searcher.search(case.question, engine.settings.top_k, asked=asked)
            found = selection.candidates(asked, passages, engine.embedding.embeddings.embed_documents,
                                         engine.settings.evidence)
            holds = [states_every_fact(case, e.text) for e in found]
            for name, reader in readers.items():
                read = reading.read(reader or engine.reader, case.question, passages)
                figures[name].best_passage.append((read.best_passage, case.answerable))
                if any(holds):
                    scores = [reading.reading_of(read, e)[0] for e in found]
                    figures[name].sentences += list(zip(scores, holds))
                    figures[name].top.append(top_holds(scores, holds))
    engine.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    from assistant.scoring.reader import Reader, model_file
    from benchmarks.scoring import bootstrap

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="where the store is built")
    parser.add_argument("--reader", type=Path, nargs="*", default=[], metavar="EXPORT")
    args = parser.parse_args(argv)
    if missing := [str(path) for path in args.reader if not (path / "reader.json").is_file()]:
        print(f"no reader export (reader.json) in {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        for path in args.reader:
            model_file(path)  # an export the product cannot read as it was trained is refused here
    except ValueError as refused:
        print(refused, file=sys.stderr)
        return 2
    readers = {"shipped": None, **{str(path): Reader(2, path) for path in args.reader}}
    print("The seven dev suites' cases in one store of their documents; each reader's own outputs (one process)")
    for name, f in read_cases(args.work, readers).items():
        (b, bl, bh), (s, sl, sh) = auc_interval(f.best_passage), auc_interval(f.sentences)
        t, tl, th = bootstrap(f.top)
        print(f"  {name}: best passage AUC {b:.3f} ({bl:.3f}-{bh:.3f}) over {len(f.best_passage)} cases; sentence "
              f"AUC {s:.3f} ({sl:.3f}-{sh:.3f}) over {len(f.sentences)} candidates; top sentence holds the answer "
              f"{t:.3f} ({tl:.3f}-{th:.3f}) of {len(f.top)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
