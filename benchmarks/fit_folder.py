"""Fit folder_sentence, the scorer that ranks a small folder's sentences, on the small-folder dev suites.

    python benchmarks/fit_folder.py [--store DIR] [--write]

The word scorers were fit on news, where the retrieved passages are on the story and a question shares its words
with the sentence that answers it. In a person's own folder neither holds: "How hot should the oven be?" is answered
by "Bake: 12-14 min at 200°C", and the five retrieved passages are about five different things. folder_sentence
reads the same word features and the trained reader's view of each sentence (assistant/types.FolderSentenceFeatures),
fit on the questions of the development suites of small folders (DEV_SUITES: their corpora are a person's documents,
written for the suites; notes4 is held out and refused). Labels: a candidate sentence holds the answer when it states
every key fact of its case (must_include, matched as the suites match them: evaluation/phrases.contains), over every
candidate sentence of the passages retrieved for the answerable cases.

Printed first, leave one suite out (each suite scored by a folder_sentence fit on the other four): how often the top
sentence and the top two hold the answer, against the shipped word scorer and its reader stack (read_sentence), and
the suites' answers (default mode) against the same answers ranked as news is (evidence.folder_chunks 0), in the
same run with paired intervals. Logistic regression as benchmarks/fit_ranker.py fits. A scorer of the folder's own
for the decline was tried (folder_answerable, fit to answer the answerable cases and decline the rest): it declined
14 of the 40 unanswerable where the news-fit one declines 25, so the decline stays the answerable scorer's. With
--write folder_sentence replaces the one in assistant/scoring/weights.json, stamped with what it was fit on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.evaluation.phrases import contains
from assistant.evaluation.run import CaseResult
from assistant.evaluation.suite import load_suite
from assistant.evidence import reading, selection
from assistant.query.question import Asked, analyse
from assistant.scoring import fitted
from assistant.scoring.fitted import FEATURES, Scorer, scorers
from assistant.types import Evidence
from benchmarks.fit_ranker import _commit, _rounded, fit
from benchmarks.heldout import HELD_OUT_SUITES
from benchmarks.scoring import paired

DEV_SUITES = ("seeds", "riverton", "notes", "notes2", "notes3")
OUTCOMES = ("right", "wrong", "declined", "unanswerable declined", "unanswerable answered")
WEIGHTS = ROOT / "assistant" / "scoring" / "weights.json"


@dataclass
class Case:
    """One suite question as the folder's scorers see it: its candidate sentences, the reader's view attached."""

    name: str
    suite: str
    answerable: bool
    asked: Asked
    found: list[Evidence]
    holds: list[bool]  # per candidate: it states every key fact (answerable cases only)


def cases_of(suite_name: str, store: Path) -> list[Case]:
    if suite_name in HELD_OUT_SUITES:
        raise SystemExit(f"refusing to fit on {suite_name}: it is held out")
    suite = load_suite(ROOT / "evals" / f"{suite_name}.yaml")
    engine, _ = Assistant(load_settings({"store": store})).for_suite(suite)
    found_cases = []
    for case in suite.cases:
        asked = analyse(case.question, engine.searcher.frequencies)
        passages = engine.searcher.search(case.question, engine.settings.top_k, asked=asked)
        found = selection.candidates(asked, passages, engine.embedding.embeddings.embed_documents,
                                     engine.settings.evidence)
        if found:
            reading.attach(reading.read(engine.reader, case.question, passages), found)
        holds = [states_every_fact(case, e.text) for e in found]
        found_cases.append(Case(f"{suite_name}/{case.id}", suite_name, case.answerable, asked, found, holds))
    engine.close()
    return found_cases


def states_every_fact(case, text: str) -> bool:
    """An answerable suite case's every key fact is in the text, as the suites match them (evaluation/phrases)."""
    return case.answerable and all(any(contains(text, a) for a in fact) for fact in case.facts())


def sentence_rows(cases: list[Case]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features, labels and suite of every candidate sentence of the answerable cases."""
    rows = [(reading.folder_features(e).values(), held, c.suite) for c in cases if c.answerable
            for e, held in zip(c.found, c.holds)]
    return (np.array([r[0] for r in rows], dtype=float), np.array([r[1] for r in rows], dtype=float),
            [r[2] for r in rows])


def scorer(model: dict) -> Scorer:
    return Scorer(tuple(FEATURES["folder_sentence"]), tuple(model["mean"]), tuple(model["scale"]),
                  tuple(model["coef"]), model["bias"])


def fits_leaving_out(X: np.ndarray, y: np.ndarray, suites: list[str], l2: float = 1.0) -> dict[str, Scorer]:
    """Per development suite, folder_sentence fit on the candidate sentences of the other suites."""
    held = {name: np.array([s == name for s in suites]) for name in DEV_SUITES}
    return {name: scorer(fit(X[~rows], y[~rows], l2=l2)) for name, rows in held.items()}


def answers(suite_name: str, store: Path, folder_chunks: int) -> list[str]:
    """Each case of the suite answered in the default mode: right, wrong or declined, or for an unanswerable case
    whether it was declined."""
    suite = load_suite(ROOT / "evals" / f"{suite_name}.yaml")
    engine, _ = Assistant(load_settings({"store": store}).with_evidence(folder_chunks=folder_chunks)).for_suite(suite)
    report = engine.evaluate(suite)
    engine.close()
    return [outcome(c) for c in report.cases]


def outcome(case: CaseResult) -> str:
    """One of OUTCOMES for a judged case."""
    if case.answerable:
        return "right" if case.correct else "declined" if case.abstained else "wrong"
    return "unanswerable declined" if case.abstained else "unanswerable answered"


def top_hits(cases: list[Case], score: Callable[[Evidence], float], k: int) -> list[float]:
    """Per answerable case that has a sentence holding the answer: 1 when one of its k best-scored sentences does."""
    return [float(any(held for _, held in sorted(zip(c.found, c.holds), key=lambda p: score(p[0]),
                                                  reverse=True)[:k]))
            for c in cases if any(c.holds)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="where the suites' stores are built (default: a temporary folder)")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    fitted.use(fitted.weights_file()["scorers"])  # unchecked: a first fit starts from a file without folder_sentence
    with tempfile.TemporaryDirectory() as scratch:
        store = args.store or Path(scratch)
        cases = [case for name in DEV_SUITES for case in cases_of(name, store)]
        X, y, suites = sentence_rows(cases)
        print(f"{len(cases)} cases of {', '.join(DEV_SUITES)} ({sum(c.answerable for c in cases)} answerable): "
              f"{len(y)} candidate sentences of the answerable, {int(y.sum())} holding the answer")
        folder_score: dict[int, float] = {}
        outcomes: dict[str, list[str]] = {"news": [], "folder": []}
        folds = fits_leaving_out(X, y, suites, args.l2)
        for name, fold in folds.items():  # leave one suite out: the held suite ranked by a scorer fit on the other four
            folder_score.update({id(e): fold.probability(reading.folder_features(e))
                                 for c in cases if c.suite == name for e in c.found})
            outcomes["news"] += answers(name, store, folder_chunks=0)
            with fitted.overridden(folder_sentence=fold):
                outcomes["folder"] += answers(name, store, folder_chunks=load_settings({}).evidence.folder_chunks)
    words, stack = scorers()["sentence"], scorers()["read_sentence"]
    scores = {"words": lambda e: words.probability(e.ranked_by()),
              "stack": lambda e: stack.probability(reading.sentence_features(e, words.probability(e.ranked_by()))),
              "folder": lambda e: folder_score[id(e)]}
    hits = {key: [top_hits(cases, score, k) for k in (1, 2)] for key, score in scores.items()}
    for label, key in (("word scorer (shipped)", "words"), ("word scorer + reader stack (read_sentence)", "stack"),
                       ("folder_sentence, leave one suite out", "folder")):
        one, two = hits[key]
        print(f"  {label}: top sentence holds the answer {sum(one):.0f}/{len(one)} ({np.mean(one):.3f}), "
              f"top two {sum(two):.0f}/{len(two)} ({np.mean(two):.3f})")
        if key != "words":
            (d1, lo1, hi1), (d2, lo2, hi2) = (paired(hits[key][k], hits["words"][k]) for k in (0, 1))
            print(f"    minus the word scorer, paired: top {d1:+.3f} ({lo1:+.3f} to {hi1:+.3f}), "
                  f"top two {d2:+.3f} ({lo2:+.3f} to {hi2:+.3f})")
    for label, key in (("answers ranked as news is (folder_chunks 0)", "news"),
                       ("answers ranked by folder_sentence, leave one suite out", "folder")):
        counted = {outcome: outcomes[key].count(outcome) for outcome in OUTCOMES}
        print(f"  {label}: " + ", ".join(f"{n} {outcome}" for outcome, n in counted.items()))
    answerable = [c.answerable for c in cases]
    right = {key: [float(o == "right") for o, a in zip(found, answerable) if a] for key, found in outcomes.items()}
    d, lo, hi = paired(right["folder"], right["news"])
    print(f"    answer correct, folder minus news, paired: {d:+.3f} ({lo:+.3f} to {hi:+.3f}) of {len(right['news'])}")
    model = {"names": list(FEATURES["folder_sentence"]), **fit(X, y, l2=args.l2)}
    print("  folder_sentence: " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(model["names"], model["coef"])))
    if args.write:
        stored = json.loads(WEIGHTS.read_text())
        stored["scorers"].update(_rounded({"folder_sentence": model}))
        stored["folder_stack"] = {
            "fit_on": (f"the small-folder development suites ({', '.join(DEV_SUITES)}): {sum(answerable)} answerable "
                       f"cases, {len(y)} candidate sentences; fit by benchmarks/fit_folder.py on "
                       f"{date.today().isoformat()}"),
            "written_in_commit": _commit()}
        WEIGHTS.write_text(json.dumps(stored, indent=1) + "\n")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
