"""Answers on news nobody here wrote: the RealTimeQA weekly news quizzes, 2023 to tune, 2024 held out.

    python benchmarks/news.py --repo PATH --year 2023 [--modes grounded extractive] [--limit N] [--out DIR]

PATH is a bare git clone of github.com/realtimeqa/realtimeqa_public (its text is read at run time and never
committed). The corpus, questions and answerability come from benchmarks/realtimeqa.py (design and counts in
benchmarks/REALTIMEQA.md): the search hits of every week of the year are indexed; a question is answerable when a
sentence of its own hits states the right choice; unanswerable questions are real ones whose answer-holding
documents were left out of the index, or whose hits never held the answer. The quiz's choices are never shown to
the assistant: it answers the question as a person would have asked it that week, with documents published after
the question's date left out (--until DATE: they did not exist yet).

Scoring, per question:
  answerable: correct when the answer states the right choice (>= 80% of its words, on word boundaries) and no
  wrong choice; wrong when it states a wrong choice and not the right one; declined; otherwise incomplete.
  unanswerable: declined or not.
Also: a gold article (one that holds the answer) cited; retrieval (a gold article first, in the top 5); answers
that are only quoted evidence (quote fallback); latency. The report is printed and written to OUT/report-MODE.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.filters import Filters
from benchmarks import realtimeqa

SIDES = {2023: "development (tuning)", 2024: "held-out (reported, not tuned on)"}


def build(repo: Path, year: int, out: Path) -> None:
    """The corpus and questions of every week of the year, unless already written."""
    if (out / "questions.jsonl").is_file():
        return
    realtimeqa.main(["build", "--repo", str(repo), "--year", str(year), "--out", str(out)])


def questions(out: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in (out / "questions.jsonl").read_text().splitlines()]
    chosen = [row for row in rows if row["role"]]
    return chosen[:limit] if limit else chosen


def as_of(row: dict) -> Filters:
    """The question as it was asked that week: documents published after its date did not exist yet."""
    return Filters(until=row["date"])


def doc_id(source: str) -> str:
    return Path(source).stem


def score(row: dict, answer: dict) -> dict:
    """One question's outcome (see the module docstring)."""
    wrong = [c for c in row["choices"] if c != row["answer"]]
    cited = [doc_id(c["source"]) for c in answer["citations"]]
    retrieved = list(dict.fromkeys(doc_id(p["source"]) for p in answer["retrieved"]))
    gold = set(row["gold_docs"])
    shown = answer["answer"]
    outcome = {"id": row["id"], "role": row["role"], "question": row["question"], "answer": row["answer"],
               "said": shown, "abstained": answer["abstained"], "ms": answer["timings"]["total_ms"],
               "confidence": answer.get("confidence"),
               "kind": row["answer_kind"], "cited_gold": bool(gold & set(cited)), "gold_first": bool(retrieved)
               and retrieved[0] in gold, "gold_top5": bool(gold & set(retrieved[:5])),
               "quote_fallback": answer["mode"] == "grounded" and not answer["abstained"] and not any(
                   s["status"] == "supported" for s in answer["sentences"])}
    if answer["abstained"]:
        outcome["result"] = "declined"
    elif realtimeqa.states_answer(shown, row["answer"], wrong):
        outcome["result"] = "correct"
    elif any(realtimeqa.states(shown, choice) for choice in wrong):
        outcome["result"] = "wrong"
    else:
        outcome["result"] = "incomplete"
    return outcome


def rate(rows: list[dict], test) -> float:
    return sum(bool(test(r)) for r in rows) / len(rows) if rows else float("nan")


def summarise(outcomes: list[dict]) -> dict:
    answerable = [o for o in outcomes if o["role"] == "answerable"]
    answered = [o for o in answerable if not o["abstained"]]
    unanswerable = [o for o in outcomes if o["role"] != "answerable"]
    return {
        "answerable": len(answerable), "unanswerable": len(unanswerable),
        "answer_correct": rate(answerable, lambda o: o["result"] == "correct"),
        "wrong_answer_rate": rate(answered, lambda o: o["result"] != "correct"),
        "states_a_wrong_choice": rate(answerable, lambda o: o["result"] == "wrong"),
        "incomplete": rate(answerable, lambda o: o["result"] == "incomplete"),
        "false_abstention": rate(answerable, lambda o: o["abstained"]),
        "unanswerable_declined": rate(unanswerable, lambda o: o["abstained"]),
        "gold_cited": rate(answered, lambda o: o["cited_gold"]),
        "gold_first": rate(answerable, lambda o: o["gold_first"]),
        "gold_top5": rate(answerable, lambda o: o["gold_top5"]),
        "quote_fallback": rate(answered, lambda o: o["quote_fallback"]),
        "latency_p50_s": statistics.median(o["ms"] for o in outcomes) / 1000,
        "latency_p95_s": sorted(o["ms"] for o in outcomes)[int(0.95 * (len(outcomes) - 1))] / 1000,
    }


TARGETS = {"answer_correct": ">= 0.70", "wrong_answer_rate": "<= 0.05", "false_abstention": "<= 0.05",
           "unanswerable_declined": ">= 0.85", "gold_cited": ">= 0.95", "gold_first": ">= 0.92",
           "gold_top5": ">= 0.98", "latency_p50_s": "<= 3"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--year", type=int, choices=sorted(SIDES), required=True)
    parser.add_argument("--modes", nargs="+", default=["grounded", "extractive"])
    parser.add_argument("--limit", type=int, help="only the first N questions (a quick look)")
    parser.add_argument("--out", type=Path, help="default benchmarks/out/news-YEAR")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "out" / f"news-{args.year}"
    build(args.repo, args.year, out)

    from assistant import render
    from assistant.config import load_settings
    from assistant.engine import Assistant

    engine = Assistant(load_settings({"store": out / "store"}))
    started = time.perf_counter()
    ingested = engine.ingest([out / "corpus"])
    print(f"{SIDES[args.year]}: {len(engine.store.documents())} documents, {engine.store.chunk_count()} chunks; "
          f"ingest {time.perf_counter() - started:.0f} s ({ingested.chunks_embedded} chunks embedded now)")
    chosen = questions(out, args.limit)
    results = {}
    for mode in args.modes:
        outcomes = []
        for done, row in enumerate(chosen, start=1):
            outcomes.append(score(row, render.answer_json(engine.ask(row["question"], mode, as_of(row)))))
            if done % 100 == 0:
                print(f"  {mode}: {done}/{len(chosen)}", file=sys.stderr, flush=True)
        results[mode] = summarise(outcomes)
        (out / f"report-{mode}.json").write_text(json.dumps({"metrics": results[mode], "questions": outcomes},
                                                            indent=1, ensure_ascii=False))
    print(f"\n{len(chosen)} questions ({results[args.modes[0]]['answerable']} answerable, "
          f"{results[args.modes[0]]['unanswerable']} unanswerable), {SIDES[args.year]}, one process, 2 cores")
    print(f"{'metric':24}" + "".join(f"{m:>12}" for m in args.modes) + f"{'target':>10}")
    for name in results[args.modes[0]]:
        values = "".join(f"{results[m][name]:>12.3f}" if isinstance(results[m][name], float)
                         else f"{results[m][name]:>12}" for m in args.modes)
        print(f"{name:24}{values}{TARGETS.get(name, ''):>10}")


if __name__ == "__main__":
    main()
