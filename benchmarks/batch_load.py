"""Batch throughput and memory with the local model.

    python benchmarks/batch_load.py [--sweep 40] [--load 200] [--mode grounded]

1. Throughput (questions/minute) for 1, 2 and 4 workers over the same `--sweep` questions, side by side.
2. Load: `--load` questions with 4 workers; RSS at 25%, 50% and 100% of the run (memory must stay flat).
Questions come from the eval suites, repeated as needed; the seeds are indexed into a temporary store.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from assistant.batch.output import open_output
from assistant.batch.question_files import Question
from assistant.batch.run import run_batch
from assistant.cli import render
from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.evaluation.suite import load_suite

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def questions(count: int) -> list[Question]:
    pool = [c.question for name in ("seeds", "riverton") for c in load_suite(ROOT / "evals" / f"{name}.yaml").cases]
    return [Question(line=i + 1, id=f"q{i}", question=pool[i % len(pool)]) for i in range(count)]


def run(engine: Assistant, rows: list[Question], workers: int, mode: str, folder: Path, marks=()) -> tuple[float, dict]:
    samples: dict[int, float] = {}

    def progress(done: int, total: int) -> None:
        for mark in marks:
            if mark not in samples and done >= total * mark / 100:
                samples[mark] = rss_mb()

    output = open_output(folder / f"out-{workers}-{len(rows)}.jsonl", folder / "questions", overwrite=True)
    started = time.perf_counter()
    summary = run_batch(rows, output, lambda q, f: engine.ask(q, mode, f), render.answer_json, workers, progress)
    output.close()
    minutes = (time.perf_counter() - started) / 60
    assert summary.answered == len(rows), summary
    return len(rows) / minutes, samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep", type=int, default=40)
    parser.add_argument("--load", type=int, default=200)
    parser.add_argument("--mode", default="grounded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = Assistant(load_settings().with_overrides(store=Path(folder) / "store"))
        engine.ingest([ROOT / "seeds"])
        engine.warm(args.mode)
        engine.ask("warm-up: what did Russia and Kuwait agree on Gaza?", args.mode)
        rows = questions(args.sweep)
        print(f"throughput, {args.sweep} questions, mode {args.mode}, local model")
        print(f"{'workers':>8}{'questions/min':>16}{'vs 1 worker':>14}")
        base = None
        for workers in (1, 2, 4):
            rate, _ = run(engine, rows, workers, args.mode, Path(folder))
            base = base or rate
            print(f"{workers:>8}{rate:>16.1f}{rate / base:>14.2f}")
        rate, samples = run(engine, questions(args.load), 4, args.mode, Path(folder), marks=(25, 50, 100))
        print(f"\nload: {args.load} questions, 4 workers: {rate:.1f} questions/min")
        print("RSS (MB) at " + ", ".join(f"{mark}%: {samples[mark]:.0f}" for mark in (25, 50, 100))
              + f"; growth 25%→100%: {samples[100] - samples[25]:+.0f} MB")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
