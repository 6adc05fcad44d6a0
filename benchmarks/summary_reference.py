"""Extractive summaries against summaries people wrote: the quoted central sentences (`assistant summarize --mode
extractive`) scored by ROUGE against CNN/Daily Mail highlights, beside the first sentences of the article (lead-k, the
classic news baseline), on a development half (where the summary settings are chosen) and a held-out half.

    python benchmarks/summary_reference.py --repo PATH [--out /work/cache/cnndm] [--length medium]
        [--grid] [--relevance 0.7] [--lead 0.0] [--against 0.0]

PATH is a snapshot of github.com/EileenFeng/Text-Summarization-NLP (fetched at run time, never committed): its
data/train_sample.zip holds 100 CNN/Daily Mail training articles with their highlights (the dataset's reference
summaries, written by the outlets' journalists). The article text belongs to its publishers; it is written under
OUT only. Articles are split by a hash of their id: half development, half held out; every run that scores the
held-out half is logged in benchmarks/heldout_log.jsonl. Without --grid the summary
settings given (default: the shipped ones) are scored on both halves; with --grid, every pair of
(relevance_weight, lead_weight) is scored on the development half only, and the best by mean ROUGE F1 is named.

ROUGE-1, ROUGE-2 and ROUGE-L F1 (Lin 2004) over lower-cased word tokens, no stemming, per article; means with 95%
bootstrap intervals over articles, and paired differences against lead-k of the same length.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.scoring import bootstrap, paired

SAMPLE = "data/train_sample.zip"
RELEVANCE_GRID = (0.5, 0.7, 0.9, 1.0)
LEAD_GRID = (0.0, 0.1, 0.2, 0.4, 0.8, 1.6)


def articles(repo: Path) -> list[dict]:
    """The sample's articles, each with its split: 'dev' or 'held-out' by the first hex digit of sha1(id)."""
    import subprocess

    blob = subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{SAMPLE}"], check=True,
                          capture_output=True).stdout if (repo / "HEAD").exists() else (repo / SAMPLE).read_bytes()
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read(archive.namelist()[0]).decode("utf-8"))))
    for row in rows:
        row["split"] = "dev" if int(hashlib.sha1(row["id"].encode()).hexdigest()[0], 16) < 8 else "held-out"
    return rows


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _f1(overlap: int, candidate: int, reference: int) -> float:
    if not overlap:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: list[str], reference: list[str], n: int) -> float:
    from collections import Counter

    grams = [Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1)) for words in (candidate, reference)]
    return _f1(sum((grams[0] & grams[1]).values()), sum(grams[0].values()), sum(grams[1].values()))


def rouge_l(candidate: list[str], reference: list[str]) -> float:
    previous = [0] * (len(reference) + 1)
    for word in candidate:
        current = [0]
        for j, other in enumerate(reference):
            current.append(previous[j] + 1 if word == other else max(previous[j + 1], current[j]))
        previous = current
    return _f1(previous[-1], len(candidate), len(reference))


def scores(summary: str, reference: str) -> dict[str, float]:
    candidate, wanted = tokens(summary), tokens(reference)
    return {"rouge1": rouge_n(candidate, wanted, 1), "rouge2": rouge_n(candidate, wanted, 2),
            "rougeL": rouge_l(candidate, wanted)}


def build(rows: list[dict], out: Path):
    """Each article as a text file under OUT/corpus, indexed into OUT/store; the engine and each row's path."""
    from assistant.config import load_settings
    from assistant.engine import Assistant

    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for row in rows:
        (corpus / f"{row['id']}.txt").write_text(row["article"] + "\n", encoding="utf-8")
    engine = Assistant(load_settings({"store": out / "store"}))
    engine.ingest([corpus])
    stored = {document.path for document in engine.store.documents()}
    paths = {row["id"]: str(corpus / f"{row['id']}.txt") for row in rows}
    return engine, {key: path for key, path in paths.items() if path in stored}  # a file the ingest skipped is left out


def summaries(engine, paths: dict[str, str], rows: list[dict], length: str, relevance: float, lead: float) -> dict:
    """Per article: the extractive summary with these settings, and lead-k of the same number of sentences (the
    document's first sentences as the summarizer reads them)."""
    settings = engine.settings.model_copy(update={"summary": engine.settings.summary.model_copy(
        update={"relevance_weight": relevance, "lead_weight": lead})})
    summarizer = engine.summarizer("extractive")
    summarizer.settings = settings
    summarizer.embed = _remembered(summarizer.embed)
    made = {}
    for row in rows:
        summary = summarizer.document(paths[row["id"]], length, use_cache=False)
        quoted = [s.text.strip("\u201c\u201d") for s in summary.sentences]
        first = [s.text for s in summarizer._sentences(summarizer._find(paths[row["id"]]))][:len(quoted)]
        made[row["id"]] = {"summary": " ".join(quoted), "lead": " ".join(first)}
    return made


_VECTORS: dict[str, list[float]] = {}


def _remembered(embed):
    """The embedder, remembering each sentence's vector (a grid re-reads the same sentences many times)."""
    def cached(texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
        if missing:
            _VECTORS.update(zip(missing, embed(missing)))
        return [_VECTORS[t] for t in texts]
    return cached


def table(rows: list[dict], made: dict) -> dict:
    """Per split: mean ROUGE F1 of the summaries and of lead-k, with intervals, and summaries minus lead-k."""
    result = {}
    for split in ("dev", "held-out"):
        chosen = [row for row in rows if row["split"] == split]
        if not chosen:
            continue
        ours = [scores(made[r["id"]]["summary"], r["highlights"]) for r in chosen]
        lead = [scores(made[r["id"]]["lead"], r["highlights"]) for r in chosen]
        result[split] = {"articles": len(chosen), **{
            metric: {"summary": bootstrap([s[metric] for s in ours]), "lead": bootstrap([s[metric] for s in lead]),
                     "summary - lead": paired([s[metric] for s in ours], [s[metric] for s in lead])}
            for metric in ("rouge1", "rouge2", "rougeL")}}
    return result


def against(rows: list[dict], made: dict, other: dict) -> dict:
    """Per split and metric: the summaries in MADE minus those in OTHER, paired over articles."""
    result = {}
    for split in ("dev", "held-out"):
        chosen = [row for row in rows if row["split"] == split]
        ours = [scores(made[r["id"]]["summary"], r["highlights"]) for r in chosen]
        theirs = [scores(other[r["id"]]["summary"], r["highlights"]) for r in chosen]
        result[split] = {metric: paired([s[metric] for s in ours], [s[metric] for s in theirs])
                         for metric in ("rouge1", "rouge2", "rougeL")}
    return result


def log_held_out(report: dict) -> None:
    """Every look at the held-out half goes into benchmarks/heldout_log.jsonl (append-only), as looks at 2024 do."""
    from benchmarks.heldout import log_held_out_set

    held_out = {key: value["held-out"] if isinstance(value, dict) and "held-out" in value else value
                for key, value in report.items() if key != "dev"}
    log_held_out_set(f"CNN/Daily Mail sample ({SAMPLE}), held-out half", held_out)


def grid(engine, paths: dict[str, str], rows: list[dict], length: str) -> list[dict]:
    dev = [row for row in rows if row["split"] == "dev"]
    found = []
    for relevance in RELEVANCE_GRID:
        for lead in LEAD_GRID:
            made = summaries(engine, paths, dev, length, relevance, lead)
            means = {m: v["summary"][0] for m, v in table(dev, made)["dev"].items() if m != "articles"}
            found.append({"relevance_weight": relevance, "lead_weight": lead, **means,
                          "mean": sum(means.values()) / len(means)})
            print(json.dumps(found[-1]), flush=True)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("/work/cache/cnndm"))
    parser.add_argument("--length", default="medium", choices=("short", "medium", "long"))
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--relevance", type=float)
    parser.add_argument("--lead", type=float)
    parser.add_argument("--against", type=float, help="also score this lead_weight; report the paired differences")
    args = parser.parse_args(argv)
    rows = articles(args.repo)
    engine, paths = build(rows, args.out)
    rows = [row for row in rows if row["id"] in paths]
    if args.grid:
        found = grid(engine, paths, rows, args.length)
        best = max(found, key=lambda f: f["mean"])
        print("best on dev:", json.dumps(best))
        return
    knobs = engine.settings.summary
    relevance = knobs.relevance_weight if args.relevance is None else args.relevance
    lead = knobs.lead_weight if args.lead is None else args.lead
    made = summaries(engine, paths, rows, args.length, relevance, lead)
    report = {"length": args.length, "relevance_weight": relevance, "lead_weight": lead, **table(rows, made)}
    if args.against is not None:  # a second setting scored in the same run: paired differences per split
        other = summaries(engine, paths, rows, args.length, relevance, args.against)
        report[f"minus lead_weight {args.against}"] = against(rows, made, other)
    (args.out / f"report-{args.length}-{relevance}-{lead}.json").write_text(json.dumps(report, indent=1))
    log_held_out(report)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
