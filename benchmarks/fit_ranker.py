"""Fit the four word scorers of assistant/scoring/weights.json on the development questions (RealTimeQA 2023) only.

    python benchmarks/fit_ranker.py --repo PATH [--out benchmarks/out/news-2023] [--scorers NAME ...] [--write]

0. passage: is a candidate chunk from an article that holds the answer? Over the candidates of the answerable
   questions, asked as of their dates.
1. sentence: does an evidence sentence hold the answer? Labels: the sentence states the quiz's right choice (word
   boundaries, normalised), over every candidate sentence of the passages retrieved for the answerable questions.
2. span: is a short span (name, number, date) of the top sentences the answer? Labels: it states the right choice.
   Its threshold: the lowest probability at which stated spans are right at least SPAN_PRECISION of the time.
3. answerable: do the documents answer the question? Labels: answerable vs. unanswerable (answer left out of the
   index, or never in it). Its threshold: the highest that keeps false abstention on the development questions at
   or below FALSE_ABSTENTION.
Logistic regression (standardised features, L2), fit with numpy; the held-out year is never read here: the year
is taken from the data read (OUT/summary.json, written by the build) and anything but 2023 (development) is refused
with one line (benchmarks/heldout.py). --scorers refits only those named (the others score as weights.json has
them, and keep their weights). With --write the refit weights replace theirs in assistant/scoring/weights.json,
recording what they were fit on: the file's stamp for a refit of all four, each scorer's own for a refit of some.
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

from assistant.scoring.fitted import (
    FEATURES,
    FEATURES_VERSION,
    feature_settings,
    scorers,
    span_features,
    spans,
    use,
    weights_file,
)
from benchmarks import realtimeqa
from benchmarks.heldout import require_development
from benchmarks.news import as_of, build, questions

WEIGHTS = ROOT / "assistant" / "scoring" / "weights.json"
SCORERS = ("passage", "sentence", "span", "answerable")
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
    parser.add_argument("--scorers", nargs="+", choices=SCORERS, default=list(SCORERS),
                        help="refit only these (the others as weights.json has them); default all")
    args = parser.parse_args(argv)
    partial = set(args.scorers) != set(SCORERS)
    if partial and weights_file()["features"]["version"] != FEATURES_VERSION:
        raise SystemExit("weights.json was fit on other features than the code computes: refit every scorer "
                         "(leave out --scorers)")
    build(args.repo, 2023, args.out)
    require_development(args.out)  # an --out holding another year's build is refused here, before anything is read

    from assistant.config import load_settings
    from assistant.engine import Assistant

    engine = Assistant(load_settings({"store": args.out / "store"}))
    engine.ingest([args.out / "corpus"])
    rows = questions(args.out, None)

    use(weights_file()["scorers"])  # the others as they stand until refit below: unchecked, they may read old features
    model: dict = {}
    if "passage" in args.scorers:
        model["passage"] = _fit_passage(engine, rows)
        use(model)

    if {"sentence", "span", "answerable"} & set(args.scorers):
        fit_reading(engine, rows, model, args.scorers)
    for name, scorer in model.items():
        print(f"  {name}: " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(scorer["names"], scorer["coef"])))
    if args.write:
        write(model, args.out, rows, not partial, WEIGHTS)


def _fit_passage(engine, rows: list[dict]) -> dict:
    """0. Is a candidate chunk from an article that holds the answer? (Fit on "the chunk states the answer" instead,
    the answers were no better on dev: benchmarks/passage_labels.py and the README.)"""
    from assistant.query.question import analyse

    X, y = [], []
    for row in rows:
        if row["role"] == "answerable":
            asked = analyse(row["question"], engine.searcher.frequencies)
            for chunk, passage_row, _ in engine.searcher.candidates(row["question"], as_of(row), asked):
                X.append(passage_row.values())
                y.append(Path(chunk.source).stem in row["gold_docs"])
    print(f"passages: {len(y)} candidates, {int(sum(y))} from an article holding the answer")
    return {"names": list(FEATURES["passage"]), **fit(np.array(X), np.array(y, dtype=float))}


def fit_reading(engine, rows: list[dict], model: dict, chosen: list[str]) -> None:
    """Steps 1 to 3, those chosen: the sentence, span and answerable scorers, on the passages search now returns
    (a scorer not chosen reads as weights.json has it)."""
    from assistant.evidence import selection as evidence
    from assistant.query.question import analyse

    settings = engine.settings
    prepared = []
    for row in rows:
        asked = analyse(row["question"], engine.searcher.frequencies)
        passages = engine.searcher.search(row["question"], settings.top_k, as_of(row), asked)
        prepared.append((row, asked, evidence.candidates(asked, passages, engine.embedding.embeddings.embed_documents,
                                                        settings.evidence)))
    answerable = [(row, asked, found) for row, asked, found in prepared if row["role"] == "answerable"]
    if "sentence" in chosen:
        model["sentence"] = _fit_sentence(answerable)
        use(model)
    if "span" in chosen:
        model["span"] = _fit_span(answerable, settings)
        use(model)
    if "answerable" in chosen:
        model["answerable"] = _fit_answerable(prepared, settings)


def _fit_sentence(answerable: list[tuple]) -> dict:
    """1. Does an evidence sentence hold the answer?"""
    X = np.array([s.ranked_by().values() for _, _, found in answerable for s in found])
    y = np.array([realtimeqa.contains(realtimeqa.padded(s.text), row["answer"])
                  for row, _, found in answerable for s in found], dtype=float)
    print(f"sentences: {len(y)} candidates of {len(answerable)} answerable questions, {int(y.sum())} hold the answer")
    return {"names": list(FEATURES["sentence"]), **fit(X, y)}


def _fit_span(answerable: list[tuple], settings) -> dict:
    """2. Is a short span of the top sentences (ranked by the sentence scorer in use) the answer?"""
    from assistant.evidence import selection as evidence

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
    threshold = _lowest_with_precision(probabilities(span, X), y.astype(bool), SPAN_PRECISION)
    print(f"spans: {len(y)} candidates, {int(y.sum())} state the answer; threshold {threshold:.2f} "
          f"(stated spans right >= {SPAN_PRECISION} of the time on these)")
    return {"names": list(FEATURES["span"]), **span, "threshold": threshold}


def _fit_answerable(prepared: list[tuple], settings) -> dict:
    """3. Do the documents answer the question? (With the sentence and span scorers in use.)"""
    from assistant.answer.decide import features
    from assistant.evidence import selection as evidence
    from assistant.evidence import spans as shortanswer

    span_threshold = scorers()["span"].threshold
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
    threshold = _highest_keeping(p, y.astype(bool), FALSE_ABSTENTION)
    declined = float(((p < threshold) & (y == 0)).sum() / max(1, (y == 0).sum()))
    print(f"answerable: {int(y.sum())} answerable, {int((y == 0).sum())} not; threshold {threshold:.2f} "
          f"(false abstention <= {FALSE_ABSTENTION} here); unanswerable declined here {declined:.2f}")
    return {"names": list(FEATURES["answerable"]), **decision, "threshold": threshold}


def write(model: dict, out: Path, rows: list[dict], every: bool, path: Path) -> None:
    """Replace the refit scorers in `path` (assistant/scoring/weights.json), keeping the others. A refit of all of
    them stamps the file; a refit of some stamps each of those (what they were fit on, by which commit) and leaves
    the file's stamp as it was."""
    answerable = sum(row["role"] == "answerable" for row in rows)
    weeks = len(json.loads((out / "summary.json").read_text())["weeks"])
    fit_on = (f"RealTimeQA 2023 (development): {len(rows)} questions of {weeks} weeks, {answerable} answerable; "
              f"fit by benchmarks/fit_ranker.py on {date.today().isoformat()}")
    stamp = {"fit_on": fit_on, "data": _data_stamp(out, len(rows), answerable), "written_in_commit": _commit()}
    before = json.loads(path.read_text())
    refit = _rounded(model) if every else {name: {**scorer, **stamp} for name, scorer in _rounded(model).items()}
    kept = {k: v for k, v in before["scorers"].items() if k not in model}  # read_*, folder_*: fit elsewhere
    head = {**stamp, "features": {**feature_settings(), "version": FEATURES_VERSION}} if every else \
        {k: before[k] for k in ("fit_on", "data", "written_in_commit", "features")}
    stacks = {k: before[k] for k in ("reader_stack", "folder_stack") if k in before}
    path.write_text(json.dumps({**head, **stacks, "scorers": {**refit, **kept}}, indent=1) + "\n")
    print(f"wrote {', '.join(model)} to {path} (the read_* scorers stack on the word scorers: "
          "refit them with benchmarks/fit_reader.py; folder_sentence reads their features: refit it with "
          "benchmarks/fit_folder.py)")


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
