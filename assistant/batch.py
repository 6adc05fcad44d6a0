"""Answer a file of questions with N workers, writing each result the moment it is done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
import openai

from assistant.batch_output import Output
from assistant.models import Answer
from assistant.providers import ProviderError, failure_message
from assistant.questions import BadRow, Question, Row
from assistant.retrieve import Filters, NoMatchingDocuments

# A question that fails with one of these is recorded as an error row and the run goes on.
QUESTION_FAILURES = (ProviderError, NoMatchingDocuments, openai.OpenAIError)


@dataclass
class BatchSummary:
    answered: int = 0
    abstained: int = 0
    failed: int = 0
    bad_rows: int = 0
    skipped: int = 0  # already in the output (--resume)
    latencies_ms: list[float] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else 0.0


def pending(rows: list[Row], done: list[dict]) -> tuple[list[Row], int]:
    """The rows not yet in the output: a question by its id (else its text), a bad row by its line."""
    ids = {d["id"] for d in done}
    questions = {d["question"] for d in done if d["question"]}
    bad_lines = {d["line"] for d in done if d["error"] and not d["question"]}
    todo = []
    for row in rows:
        if isinstance(row, BadRow):
            seen = row.line in bad_lines
        else:
            seen = row.id in ids if row.id is not None else row.question in questions
        if not seen:
            todo.append(row)
    return todo, len(rows) - len(todo)


def run_batch(rows: list[Row], output: Output, ask: Callable[[str, Filters], Answer], to_json: Callable[[Answer], dict],
              workers: int = 1, progress: Callable[[int, int], None] | None = None,
              on_bad_row: Callable[[BadRow], None] | None = None) -> BatchSummary:
    todo, skipped = pending(rows, output.done)
    summary = BatchSummary(skipped=skipped)
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
        except QUESTION_FAILURES as failure:
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
    return failure_message(error) or " ".join(str(error).split()) or error.__class__.__name__
