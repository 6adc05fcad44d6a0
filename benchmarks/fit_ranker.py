"""Fit the four small scorers of assistant/scoring/weights.json on the development questions (RealTimeQA 2023) only.

    python benchmarks/fit_ranker.py --repo PATH [--out benchmarks/out/news-2023] [--write]

1. sentence: does an evidence sentence hold the answer? Labels: the sentence states the quiz's right choice (word
   boundaries, normalised), over every candidate sentence of the passages retrieved for the answerable questions.
2. span: is a short span (name, number, date) of the top sentences the answer? Labels: it states the right choice.
   Its threshold: the lowest probability at which stated spans are right at least SPAN_PRECISION of the time.
3. answerable: do the documents answer the question? Labels: answerable vs. unanswerable (answer left out of the
   index, or never in it). Its threshold: the highest that keeps false abstention on the development questions at
   or below FALSE_ABSTENTION.
Logistic regression (standardised features, L2), fit with numpy; the held-out year is never read here: the year
is taken from the data read (OUT/summary.json, written by the build) and anything but 2023 (development) is refused
with one line (benchmarks/heldout.py). With --write the weights replace assistant/scoring/weights.json, recording what they
were fit on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import realtimeqa
from benchmarks.heldout import require_development
from benchmarks.news import as_of, build, questions

SPAN_PRECISION = 0.80
FALSE_ABSTENTION = 0.05


def fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 4000, rate: float = 0.2) -> dict:
    mean, scale = X.mean(0), np.maximum(X.std(0), 1e-3)  # a constant feature keeps a usable scale
    Z = (X - mean) / scale
    w, b = np.zeros(Z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        w -= rate * (Z.T @ (p - y) / len(y) + l2 * w / len(y))
        b -= rate * float((p - y).mean())
    return {"mean": mean.tolist(), "scale": scale.tolist(), "coef": w.tolist(), "bias": b}


def logits(model: dict, X: np.ndarray) -> np.ndarray:
    return ((X - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model["bias"]


def probabilities(model: dict, X: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logits(model, X)))


def wrong_choices(row: dict) -> list[str]:
    return [c for c in row["choices"] if c != row["answer"]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "news-2023")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    build(args.repo, 2023, args.out)
    require_development(args.out)  # an --out holding another year's build is refused here, before anything is read
    weeks = len(json.loads((args.out / "summary.json").read_text())["weeks"])

    from assistant.answer.decide import features
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.evidence import selection as evidence
    from assistant.evidence import spans as shortanswer
    from assistant.query.question import analyse
    from assistant.scoring.fitted import (
        FEATURES,
        FEATURES_VERSION,
        feature_settings,
        span_features,
        spans,
        use,
        weights_file,
    )

    engine = Assistant(load_settings({"store": args.out / "store"}))
    engine.ingest([args.out / "corpus"])
    rows = questions(args.out, None)
    settings = engine.settings

    # 0. passages: is a candidate chunk from an article that holds the answer? (Fit on "the chunk states the answer"
    #    instead, the answers were no better on dev: benchmarks/passage_labels.py and the README.)
    X, y = [], []
    for row in rows:
        if row["role"] == "answerable":
            asked = analyse(row["question"], engine.searcher.frequencies)
            for chunk, passage_row, _ in engine.searcher.candidates(row["question"], as_of(row), asked):
                X.append(passage_row.values())
                y.append(Path(chunk.source).stem in row["gold_docs"])
    passage = fit(np.array(X), np.array(y, dtype=float))
    model: dict = {"passage": {"names": list(FEATURES["passage"]), **passage}}
    use(weights_file()["scorers"])  # the others as they stand until refit below: unchecked, they may read old features
    use(model)
    print(f"passages: {len(y)} candidates, {int(sum(y))} from an article holding the answer")

    prepared = []
    for row in rows:
        asked = analyse(row["question"], engine.searcher.frequencies)
        passages = engine.searcher.search(row["question"], settings.top_k, as_of(row), asked)
        prepared.append((row, asked, evidence.candidates(asked, passages, engine.embedding.embeddings.embed_documents,
                                                        settings.evidence)))
    answerable = [(row, asked, found) for row, asked, found in prepared if row["role"] == "answerable"]

    # 1. sentences
    X = np.array([s.ranked_by().values() for _, _, found in answerable for s in found])
    y = np.array([realtimeqa.contains(realtimeqa.padded(s.text), row["answer"])
                  for row, _, found in answerable for s in found], dtype=float)
    sentence = fit(X, y)
    model["sentence"] = {"names": list(FEATURES["sentence"]), **sentence}
    print(f"sentences: {len(y)} candidates of {len(answerable)} answerable questions, {int(y.sum())} hold the answer")

    # 2. spans, from the sentences ranked by the fitted sentence scorer
    use(model)
    span_rows, span_labels = [], []
    for row, asked, found in answerable:
        ranked = evidence.rank(found, settings.evidence.max_sentences)[: settings.evidence.span_sentences]
        sentences = [(e.text, e.score) for e in ranked]
        titles = [e.title or "" for e in ranked]
        for text in dict.fromkeys(span for e in ranked for span in spans(asked, e.text)):
            span_rows.append(span_features(asked, text, sentences, titles).values())
            span_labels.append(realtimeqa.states_answer(text, row["answer"], wrong_choices(row)))
    X, y = np.array(span_rows), np.array(span_labels, dtype=float)
    span = fit(X, y)
    p = probabilities(span, X)
    span_threshold = _lowest_with_precision(p, y.astype(bool), SPAN_PRECISION)
    model["span"] = {"names": list(FEATURES["span"]), **span, "threshold": span_threshold}
    print(f"spans: {len(y)} candidates, {int(y.sum())} state the answer; threshold {span_threshold:.2f} "
          f"(stated spans right >= {SPAN_PRECISION} of the time on these)")

    # 3. answerable or not
    use(model)
    decision_rows, decision_labels = [], []
    for row, asked, found in prepared:
        ranked = evidence.rank(found, settings.evidence.max_sentences)
        found_spans = shortanswer.candidates(asked, ranked, settings.evidence.span_sentences)
        short = shortanswer.stated(found_spans, span_threshold)
        decision_rows.append(features(asked, ranked, short).values())
        decision_labels.append(row["role"] == "answerable")
    X, y = np.array(decision_rows), np.array(decision_labels, dtype=float)
    decision = fit(X, y)
    p = probabilities(decision, X)
    answerable_threshold = _highest_keeping(p, y.astype(bool), FALSE_ABSTENTION)
    model["answerable"] = {"names": list(FEATURES["answerable"]), **decision, "threshold": answerable_threshold}
    declined = float(((p < answerable_threshold) & (y == 0)).sum() / max(1, (y == 0).sum()))
    print(f"answerable: {int(y.sum())} answerable, {int((y == 0).sum())} not; threshold {answerable_threshold:.2f} "
          f"(false abstention <= {FALSE_ABSTENTION} here); unanswerable declined here {declined:.2f}")
    for name, scorer in model.items():
        print(f"  {name}: " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(scorer["names"], scorer["coef"])))
    if args.write:
        fit_on = (f"RealTimeQA 2023 (development): {len(rows)} questions of {weeks} weeks, {len(answerable)} answerable; "
                  f"fit by benchmarks/fit_ranker.py on {date.today().isoformat()}")
        stamp = {"fit_on": fit_on, "data": _data_stamp(args.out, len(rows), len(answerable)),
                 "written_in_commit": _commit(), "features": {**feature_settings(), "version": FEATURES_VERSION}}
        path = ROOT / "assistant" / "scoring" / "weights.json"
        before = json.loads(path.read_text())
        stacked = {k: v for k, v in before["scorers"].items() if k not in model}  # read_*, folder_*: fit elsewhere
        kept = {k: before[k] for k in ("reader_stack", "folder_stack") if k in before}
        path.write_text(json.dumps({**stamp, **kept, "scorers": {**_rounded(model), **stacked}}, indent=1) + "\n")
        print("wrote assistant/scoring/weights.json (the read_* scorers stack on these: refit them with "
              "benchmarks/fit_reader.py; folder_sentence reads their features: refit it with benchmarks/fit_folder.py)")


def _data_stamp(out: Path, questions: int, answerable: int) -> dict:
    """What the scorers were fit on: the year read from the build, the counts, and the questions file's hash."""
    digest = hashlib.sha256((out / "questions.jsonl").read_bytes()).hexdigest()
    year = json.loads((out / "summary.json").read_text())["year"]
    return {"set": "RealTimeQA", "year": year, "questions": questions, "answerable": answerable, "sha256": digest}


def _commit() -> str:
    """The commit the fitting code is at, marked when the code differs from it (weights.json itself aside)."""
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "assistant", "benchmarks",
                              "training", ":!assistant/scoring/weights.json"], capture_output=True, text=True)
    return (done.stdout.strip() or "unknown") + (" with uncommitted changes" if changed.stdout.strip() else "")


def _lowest_with_precision(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    for threshold in np.linspace(0.05, 0.95, 91):
        chosen = p >= threshold
        if chosen.any() and y[chosen].mean() >= precision:
            return round(float(threshold), 3)
    return 0.95


def _highest_keeping(p: np.ndarray, answerable: np.ndarray, false_abstention: float) -> float:
    best = 0.0
    for threshold in np.linspace(0.01, 0.95, 95):
        if (p[answerable] < threshold).mean() <= false_abstention:
            best = float(threshold)
    return round(best, 3)


def _rounded(model: dict) -> dict:
    return {name: {key: [round(v, 5) for v in value] if isinstance(value, list) and key != "names" else value
                   for key, value in scorer.items()} for name, scorer in model.items()}


if __name__ == "__main__":
    main()
