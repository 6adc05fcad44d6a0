"""Many questions at once: `eval` scores a suite against its thresholds, `batch` answers a file of questions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.shared import ChromaOption, JsonOption, ModeOption, StoreOption, engine, err, out, ready, say
from assistant.errors import UsageError


def eval_suite(
    ctx: typer.Context,
    suite: Annotated[Path, typer.Argument(metavar="SUITE", help="A suite file (YAML), e.g. evals/seeds.yaml.")],
    mode: ModeOption = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write the full results as JSON here.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML page here.")] = None,
    compare: Annotated[Path | None, typer.Option(
        "--compare", help="An earlier --report of this suite: show the changes.")] = None,
    minimum: Annotated[list[str] | None, typer.Option(
        "--min", help="Gate on METRIC=VALUE (repeatable); a maximum for *_rate and latency_*.")] = None,
    judge: Annotated[bool, typer.Option("--judge", help="Add LLM-judged faithfulness and relevancy.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run an evaluation suite; exit 1 when a threshold is missed, 2 when the suite or an option is invalid.

    Example: assistant eval evals/seeds.yaml --mode extractive --report out.json
    """
    from assistant.cli import render
    from assistant.evaluation.run import check_writable, gate, load_metrics, parse_bounds
    from assistant.evaluation.suite import load_suite

    loaded = load_suite(suite)
    bounds = {**loaded.thresholds, **parse_bounds(minimum or [])}
    previous = load_metrics(compare, loaded.name) if compare else None
    for output in (report, html):
        check_writable(output)
    target, ingested = engine(ctx, store, chroma_url).for_suite(loaded, progress=render.progress_bar(err()))
    if ingested is not None:
        err().print(render.ingest_summary(ingested))
        if not ingested.usable:
            raise UsageError(f"the suite's corpus ({', '.join(loaded.corpus)}) holds no readable documents")
    result = ready(target).evaluate(loaded, mode, judge, progress=render.progress_bar(err(), "cases"))
    result.thresholds, result.missed = bounds, gate(result, bounds)
    _write_reports(result, report, html)
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        out().print(render.eval_failures(result))
        out().print(render.eval_table(result, previous))
    for missed in result.missed:
        say(f"threshold missed: {missed}")
    if result.missed:
        raise typer.Exit(1)


def _write_reports(result, report: Path | None, html: Path | None) -> None:
    from assistant.evaluation.report_html import html as html_page
    from assistant.evaluation.run import write_private

    if report:
        write_private(report, result.model_dump_json(indent=2))
    if html:
        write_private(html, html_page(result))


def batch(
    ctx: typer.Context,
    questions: Annotated[Path, typer.Argument(
        metavar="FILE", help="Questions: .txt (one a line), .jsonl, .json, .csv or .yaml.")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Answers: .jsonl, .csv or .md [default: FILE.answers.jsonl].")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=32, help="Questions answered at once.")] = 1,
    mode: ModeOption = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip questions already in the output; append the rest.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing output file.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
) -> None:
    """Answer every question in a file; each answer is saved the moment it is done.

    Example: assistant batch questions.jsonl -o answers.csv --workers 2
    """
    from assistant.batch.output import default_output, open_output
    from assistant.batch.question_files import read_questions
    from assistant.batch.run import run_batch
    from assistant.cli import render

    target = output or default_output(questions)
    rows = read_questions(questions)
    with open_output(target, questions, resume=resume, overwrite=overwrite) as sink:
        for note in sink.notes:
            say(note)
        assistant = ready(engine(ctx, store, chroma_url))
        assistant.warm(mode)
        try:
            summary = run_batch(rows, sink, lambda text, filters: assistant.ask(text, mode, filters),
                                render.answer_json, workers=workers, progress=render.progress_bar(err(), "questions"),
                                on_bad_row=lambda row: say(f"{questions}:{row.line}: {row.error}"))
        except KeyboardInterrupt:
            say(f"Answers so far are saved in {target}; run again with --resume to finish.")
            raise
    out().print(render.batch_summary(summary, target))
