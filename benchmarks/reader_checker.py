"""The reader as a checker (issue 21, item 4): does the trained reader tell supported claims from unsupported ones
better than the product's word-rule checker?

    python benchmarks/reader_checker.py [--out PATH] [--repo DIR] [--log PATH] [--resamples 1000] [--seed 21]

Every hand-written labelled claim of evals/claims/ (dev, heldout, seeds; no generated ones) is scored against its
one evidence sentence by:
  - word checker: `assistant.evaluation.run._accepts`, the acceptance `checker_metrics` counts, with default
    GroundingSettings and the packaged embedder (a yes/no verdict, no threshold);
  - word overlap: the share of the claim's content words found in the evidence (a baseline with no model);
  - reader sentence / answers / sentence x answers: `Reader.read(claim, [[evidence]])`, asking the claim as the
    question: P(the sentence states the answer), P(the passage holds an answer), and their product;
  - accept all: every claim accepted (the share of true claims).
Thresholds (accept when score >= threshold) are chosen on dev.jsonl only, to maximise accuracy (the lowest of tied
thresholds), and applied unchanged to heldout.jsonl and seeds.jsonl. The reader reading kept is the one with the
highest AUC on dev.jsonl. `fit_threshold` and `choose_reading` refuse anything but the dev rows.

Intervals: 95% percentile bootstrap over claims (the same resamples for every scorer of a set, so differences are
paired). Claims come three to an evidence sentence, so intervals over claims are somewhat narrow.

DIR is a bare git dir of realtimeqa/realtimeqa_public (dev and heldout name their sentences; see
evals/claims/README.md). The figures go to PATH as JSON (default benchmarks/out/reader_checker.json; evidence text
is never written). The look at heldout (2024) is appended to --log (default benchmarks/heldout_log.jsonl).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.config import GroundingSettings
from assistant.evaluation import run
from assistant.evaluation.suite import LabeledClaim as SuiteClaim
from assistant.text.words import content_words
from benchmarks import claims, heldout

SETS = ("dev", "heldout", "seeds")
DEV = "dev"
REPO = "/work/.mirror/realtimeqa+realtimeqa_public/repo"
OUT = ROOT / "benchmarks" / "out" / "reader_checker.json"
WORD = "word checker"
OVERLAP = "word overlap"
ALL = "accept all"
READINGS = ("reader sentence", "reader answers", "reader sentence x answers")
THRESHOLDED = (OVERLAP, *READINGS)
CRITERION = "maximise dev accuracy (accept when score >= threshold; lowest of tied thresholds)"
CHOICE = "the reader reading with the highest dev AUC"


@dataclass(frozen=True)
class Split:
    """One claim file, scored: per scorer, one score per claim (in the order of `ids`)."""

    name: str
    ids: tuple[str, ...]
    labels: np.ndarray
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    skipped: int = 0


# ------------------------------------------------------------------------------------------------ scoring


def word_verdicts(rows: list[claims.LabeledClaim], embed) -> np.ndarray:
    """The product's acceptance, exactly as `checker_metrics` computes it."""
    params = GroundingSettings()
    return np.array([run._accepts(suite_claim(c), embed, params) for c in rows], dtype=float)


def suite_claim(row: claims.LabeledClaim) -> SuiteClaim:
    return SuiteClaim(claim=row.claim, evidence=row.evidence, label=row.label, kind=row.kind, source=row.file or "")


def overlap(claim: str, evidence: str) -> float:
    """Share of the claim's content words (stemmed) that the evidence holds."""
    words = set(content_words(claim))
    return len(words & set(content_words(evidence))) / len(words) if words else 0.0


def reader_scores(rows: list[claims.LabeledClaim], reader) -> dict[str, np.ndarray]:
    """The claim asked as the question of a one-sentence passage: the readings of READINGS."""
    sentence, answers = [], []
    for row in rows:
        reading, = reader.read(row.claim, [[row.evidence]])
        sentence.append(reading.sentences[0] if reading.sentences[0] is not None else 0.0)
        answers.append(reading.answers)
    sentence, answers = np.array(sentence), np.array(answers)
    return dict(zip(READINGS, (sentence, answers, sentence * answers)))


def score_split(name: str, rows: list[claims.LabeledClaim], reader, embed, skipped: int = 0) -> Split:
    scores = {WORD: word_verdicts(rows, embed), OVERLAP: np.array([overlap(r.claim, r.evidence) for r in rows]),
              ALL: np.ones(len(rows)), **reader_scores(rows, reader)}
    labels = np.array([r.label for r in rows], dtype=bool)
    return Split(name, tuple(r.id for r in rows), labels, scores, skipped)


# ------------------------------------------------------------------------------------------------ fitting on dev


def require_dev(split: Split) -> None:
    """Stop unless these are the dev rows: thresholds and the reading are chosen on dev.jsonl only."""
    if split.name != DEV or not all(i.startswith(f"{DEV}-") for i in split.ids):
        raise heldout.NotDevelopmentData(f"refusing to fit on {split.name!r}: thresholds are chosen on "
                                         f"evals/claims/{DEV}.jsonl only")


def fit_threshold(dev: Split, scorer: str) -> float:
    """The threshold that maximises accuracy on dev (midpoints between distinct scores, and both ends)."""
    require_dev(dev)
    scores = dev.scores[scorer]
    distinct = np.unique(scores)
    candidates = np.concatenate([[distinct[0]], (distinct[:-1] + distinct[1:]) / 2, [distinct[-1] + 1e-9]])
    accuracy = [np.mean((scores >= t) == dev.labels) for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


def choose_reading(dev: Split) -> str:
    require_dev(dev)
    return max(READINGS, key=lambda reading: auc(dev.scores[reading], dev.labels))


def fit(dev: Split) -> tuple[dict[str, float], str]:
    """Every threshold and the reading kept, from the dev rows alone."""
    thresholds = {scorer: fit_threshold(dev, scorer) for scorer in THRESHOLDED}
    thresholds |= {WORD: 0.5, ALL: 0.5}  # verdicts already yes/no: not fitted
    return thresholds, choose_reading(dev)


# ------------------------------------------------------------------------------------------------ figures


def auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    """P(a true claim scores above a false one), ties counting half; None without both labels."""
    pos, neg = scores[labels], scores[~labels]
    if not len(pos) or not len(neg):
        return None
    return float(np.mean(pos[:, None] > neg[None, :]) + 0.5 * np.mean(pos[:, None] == neg[None, :]))


def rates(accepted: np.ndarray, labels: np.ndarray) -> dict[str, float | None]:
    hits = int(np.sum(accepted & labels))
    return {"precision": hits / int(accepted.sum()) if accepted.any() else None,
            "recall": hits / int(labels.sum()) if labels.any() else None,
            "accuracy": float(np.mean(accepted == labels))}


def resamples(n: int, count: int, seed: int) -> np.ndarray:
    """count x n claim indices, drawn with replacement; the same for every scorer of a set."""
    return np.random.default_rng(seed).integers(0, n, size=(count, n))


def interval(values: list[float]) -> list[float] | None:
    values = [v for v in values if v is not None]
    return [round(float(np.percentile(values, 2.5)), 4), round(float(np.percentile(values, 97.5)), 4)] if values else None


def row(split: Split, scorer: str, threshold: float, draws: np.ndarray) -> dict:
    """One scorer on one set: AUC and accuracy with intervals, precision and recall at the dev threshold."""
    scores, labels = split.scores[scorer], split.labels
    accepted = scores >= threshold
    found = {"scorer": scorer, "set": split.name, "n": len(labels), "threshold": round(threshold, 4),
             "auc": auc(scores, labels), **rates(accepted, labels)}
    found["auc_ci"] = interval([auc(scores[i], labels[i]) for i in draws])
    found["accuracy_ci"] = interval([float(np.mean(accepted[i] == labels[i])) for i in draws])
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in found.items()}


def paired(split: Split, scorer: str, threshold: float, draws: np.ndarray) -> dict:
    """Accuracy of `scorer` minus the word checker's, over the same resampled claims."""
    right = (split.scores[scorer] >= threshold) == split.labels
    word = (split.scores[WORD] >= 0.5) == split.labels
    difference = right.astype(float) - word
    return {"set": split.name, "scorer": scorer, "difference": round(float(difference.mean()), 4),
            "ci": interval([float(difference[i].mean()) for i in draws])}


def evaluate(splits: dict[str, Split], count: int = 1000, seed: int = 21) -> dict:
    """Fit on dev, then every scorer on every set with the dev thresholds unchanged."""
    thresholds, chosen = fit(splits[DEV])
    rows, differences = [], []
    for split in splits.values():
        draws = resamples(len(split.labels), count, seed)
        rows += [row(split, scorer, thresholds[scorer], draws) for scorer in split.scores]
        differences.append(paired(split, chosen, thresholds[chosen], draws))
    return {"criterion": CRITERION, "reading_rule": CHOICE, "chosen_reading": chosen,
            "thresholds": {k: round(v, 4) for k, v in thresholds.items()}, "rows": rows,
            "paired_accuracy_difference": differences, "resamples": count, "seed": seed,
            "sets": {s.name: {"n": len(s.labels), "true": int(s.labels.sum()), "skipped": s.skipped}
                     for s in splits.values()}}


# ------------------------------------------------------------------------------------------------ report


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ci(pair) -> str:
    return "" if pair is None else f"[{pair[0]:.3f}, {pair[1]:.3f}]"


def table(figures: dict) -> str:
    lines = [f"{'scorer':<27} {'set':<8} {'n':>4}  {'AUC':>5} {'95% CI':<16} {'thresh':>6}  {'prec':>5} {'rec':>5}  "
             f"{'acc':>5} {'95% CI':<16}"]
    for r in sorted(figures["rows"], key=lambda r: (SETS.index(r["set"]) if r["set"] in SETS else 9)):
        mark = " *" if r["scorer"] == figures["chosen_reading"] else ""
        lines.append(f"{r['scorer'] + mark:<27} {r['set']:<8} {r['n']:>4}  {_fmt(r['auc']):>5} {_ci(r['auc_ci']):<16} "
                     f"{_fmt(r['threshold']) if r['scorer'] in THRESHOLDED else '-':>6}  {_fmt(r['precision']):>5} "
                     f"{_fmt(r['recall']):>5}  {_fmt(r['accuracy']):>5} {_ci(r['accuracy_ci']):<16}")
    lines.append(f"\n* kept: {figures['chosen_reading']} ({CHOICE}); thresholds: {CRITERION}, on dev only.")
    for d in figures["paired_accuracy_difference"]:
        lines.append(f"accuracy, {d['scorer']} minus word checker, {d['set']}: {d['difference']:+.3f} "
                     f"{_ci(d['ci'])} (paired bootstrap over claims)")
    return "\n".join(lines)


def load_splits(repo: str, reader, embed) -> dict[str, Split]:
    splits = {}
    for name in SETS:
        problems: list[str] = []
        rows = claims.load(repo, ROOT / "evals" / "claims" / f"{name}.jsonl", report=problems.append)
        for problem in problems:
            print(problem, file=sys.stderr)
        splits[name] = score_split(name, rows, reader, embed, skipped=len(problems))
    return splits


def cross_check(splits: dict[str, Split], embed) -> None:
    """Our precision and recall of the word checker must be checker_metrics' own (run on seeds, the cheap set)."""
    seeds = splits["seeds"]
    rows = claims.load(None, ROOT / "evals" / "claims" / "seeds.jsonl", report=lambda _: None)
    expected = run.checker_metrics([suite_claim(r) for r in rows], embed, GroundingSettings())
    ours = rates(seeds.scores[WORD] >= 0.5, seeds.labels)
    if abs(expected["checker_precision"] - ours["precision"]) > 1e-3 or abs(expected["checker_recall"] - ours["recall"]) > 1e-3:
        raise RuntimeError(f"word checker differs from checker_metrics on seeds: {expected} against {ours}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="JSON figures (default benchmarks/out/reader_checker.json)")
    parser.add_argument("--repo", default=REPO, help="bare git dir of realtimeqa/realtimeqa_public")
    parser.add_argument("--log", type=Path, default=heldout.LOG, help="held-out log to append this look to")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)

    from assistant.providers.embeddings import LocalEmbeddings
    from assistant.scoring.reader import Reader

    embed = LocalEmbeddings().embed_documents
    splits = load_splits(args.repo, Reader(), embed)
    cross_check(splits, embed)
    figures = evaluate(splits, args.resamples, args.seed)
    print(table(figures))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    heldout.log_look(heldout.HELD_OUT_YEAR, {"rows": [r for r in figures["rows"] if r["set"] == "heldout"],
                                             "paired": figures["paired_accuracy_difference"]},
                     path=args.log, benchmark="reader_checker", chosen_reading=figures["chosen_reading"])
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
