"""Answer a file of questions with N workers, writing each result the moment it is done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from assistant.batch.output import Output
from assistant.batch.question_files import BadRow, Question, Row
from assistant.errors import UserError
from assistant.filters import Filters
from assistant.types import Answer

# A question that fails with one of these (a provider failure, a filter matching nothing, a question too long)
# is recorded as an error row and the run goes on.


@dataclass
class BatchSummary:
    answered: int = 0
    abstained: int = 0
    failed: int = 0
    bad_rows: int = 0
    skipped: int = 0  # already in the output (--resume)
    orphaned: int = 0  # records in the output for rows no longer in the input (--resume after an edit)
    latencies_ms: list[float] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else 0.0


def pending(rows: list[Row], done: list[dict]) -> tuple[list[Row], int, int]:
    """The rows not yet in the output, matched by identity (the row's id, else one made from its content: an
    edited row is a new question, a moved one is the same); how many were done; and how many records in the
    output belong to no row of the input any more (kept, never deleted)."""
    done_ids = {d["id"] for d in done}
    labels = {row.label for row in rows}
    todo = [row for row in rows if row.label not in done_ids]
    return todo, len(rows) - len(todo), len(done_ids - labels)


def run_batch(rows: list[Row], output: Output, ask: Callable[[str, Filters], Answer], to_json: Callable[[Answer], dict],
              workers: int = 1, progress: Callable[[int, int], None] | None = None,
              on_bad_row: Callable[[BadRow], None] | None = None) -> BatchSummary:
    todo, skipped, orphaned = pending(rows, output.done)
    summary = BatchSummary(skipped=skipped, orphaned=orphaned)
    lock = threading.Lock()
    total, finished = len(todo), 0

    def record(row: Row, answer: Answer | None = None, error: str | None = None) -> None:
        nonlocal finished
        base = {"id": row.label, "line": row.line}
        if answer is not None:
            entry = {**base, **to_json(answer)}
        else:
            entry = {**base, "question": getattr(row, "question", None), "error": error}
        with lock:
            output.write(entry)
            finished += 1
            if progress:
                progress(finished, total)

    def answer_one(question: Question) -> None:
        try:
            answer = ask(question.question, Filters(since=question.since, until=question.until, source=question.source))
        except UserError as failure:  # a model server's failure, a question too long: recorded, the run goes on
            with lock:
                summary.failed += 1
            record(question, error=_one_line(failure))
            return
        with lock:
            summary.answered += 1
            summary.abstained += answer.abstained
            summary.latencies_ms.append(answer.timings.total_ms)
        record(question, answer)

    questions = []
    for row in todo:
        if isinstance(row, BadRow):
            summary.bad_rows += 1
            if on_bad_row:
                on_bad_row(row)
            record(row, error=row.error)
        else:
            questions.append(row)
    _run_all(answer_one, questions, workers)
    return summary


def _run_all(work: Callable[[Question], None], questions: list[Question], workers: int) -> None:
    """Ctrl-C stops at once: questions not started are cancelled; those in flight are lost, nothing else."""
    executor = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {executor.submit(work, q) for q in questions}
        while futures:
            done, futures = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a bug in one question is a bug: let it surface
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or error.__class__.__name__
