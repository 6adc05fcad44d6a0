"""The `assistant` command: parses arguments, calls the engine, prints. No work happens here."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from assistant import render
from assistant.config import load_settings
from assistant.engine import DEFAULT_CORPUS, Assistant
from assistant.models import MODES
from assistant.retrieve import Filters, iso_date

app = typer.Typer(help="Ask questions about a folder of documents and get answers cited to the line.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="Store folder [env: ASSISTANT_STORE; default ./.assistant].")]
ChromaOption = Annotated[Optional[str], typer.Option("--chroma-url", help="A Chroma server, http://host:port [env: ASSISTANT_CHROMA_URL].")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for machines.")]
SinceOption = Annotated[Optional[str], typer.Option("--since", help="Only documents dated on/after YYYY-MM-DD.")]
UntilOption = Annotated[Optional[str], typer.Option("--until", help="Only documents dated on/before YYYY-MM-DD.")]
SourceOption = Annotated[Optional[str], typer.Option("--source", help="Only sources matching this glob, e.g. 'seeds/00*'.")]


def _known_mode(value: str) -> str:
    if value not in MODES:
        raise typer.BadParameter(f"choose one of {', '.join(MODES)}")
    return value


ModeOption = Annotated[str, typer.Option("--mode", callback=_known_mode,
                                         help="grounded (checked), extractive (no LLM) or free (unchecked).")]


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@contextmanager
def friendly_errors():
    """Expected failures become one line on stderr and a non-zero exit; bugs still show a traceback."""
    from assistant.config import SettingsError
    from assistant.documents import UnreadableFile
    from assistant.embeddings import AssetMissing
    from assistant.providers import ProviderError
    from assistant.retrieve import NoMatchingDocuments
    from assistant.store import StoreError
    from assistant.summarize import SummaryError

    try:
        yield
    except (StoreError, ProviderError, NoMatchingDocuments, AssetMissing, UnreadableFile, SettingsError,
            SummaryError) as error:
        fail(str(error))
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except Exception as error:  # provider SDK errors: named so the user can act on them
        from assistant.providers import failure_message

        if message := failure_message(error):
            fail(message)
        raise


def engine(store: Path | None = None, chroma_url: str | None = None) -> Assistant:
    return Assistant(load_settings().with_overrides(store=store, chroma_url=chroma_url))


def _iso_date(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    if (normal := iso_date(value)) is None:
        raise typer.BadParameter(f"{value!r} is not a date like 2023-12-07", param_hint=flag)
    return normal


def filters_from(since: str | None, until: str | None, source: str | None) -> Filters:
    return Filters(since=_iso_date(since, "--since"), until=_iso_date(until, "--until"), source=source)


def _ensure_indexed(assistant: Assistant) -> None:
    if not assistant.is_empty():
        return
    if not DEFAULT_CORPUS.is_dir():
        fail(f"the store is empty and there is no {DEFAULT_CORPUS}/ folder here; run: assistant ingest PATH")
    err.print(f"The store is empty: indexing {DEFAULT_CORPUS}/ first.")
    report = assistant.ingest([DEFAULT_CORPUS], progress=render.progress_bar(err))
    err.print(render.ingest_summary(report))
    if assistant.is_empty():
        fail(f"nothing in {DEFAULT_CORPUS}/ could be indexed; run: assistant ingest PATH")


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (.txt, .md); default seeds/.")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the store and index everything again.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Index documents: only new or changed files are embedded; deleted files are removed."""
    with friendly_errors():
        assistant = engine(store, chroma_url)
        report = assistant.ingest(paths or [DEFAULT_CORPUS], rebuild=rebuild,
                                  progress=None if as_json else render.progress_bar(err))
    for problem in report.problems:
        err.print(f"skipped {problem.path}: {problem.reason}")
    if as_json:
        print(json.dumps(report.model_dump(), indent=2))
    else:
        out.print(render.ingest_summary(report))
    if not report.usable and not report.removed:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many passages.")] = 5,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the passages that best match QUERY, ranked, with no language model."""
    if not query.strip():
        raise typer.BadParameter("the query is empty", param_hint="QUERY")
    filters = filters_from(since, until, source)
    with friendly_errors():
        assistant = engine(store, chroma_url)
        _ensure_indexed(assistant)
        passages = assistant.search(query, k, filters)
    if as_json:
        print(json.dumps({"query": query, "results": [render.passage_json(p) for p in passages]}, indent=2))
    else:
        out.print(render.passages(passages) or "No passage matches.")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    mode: ModeOption = "grounded",
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dropped sentences and evidence.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer QUESTION from the documents, citing file and lines for every claim."""
    if not question.strip():
        raise typer.BadParameter("the question is empty", param_hint="QUESTION")
    filters = filters_from(since, until, source)
    stream = None if as_json or not sys.stdout.isatty() else render.TokenStream(err)
    with friendly_errors():
        assistant = engine(store, chroma_url)
        _ensure_indexed(assistant)
        answer = assistant.ask(question, mode=mode, filters=filters, on_token=stream)
    if stream:
        stream.done()
    if as_json:
        print(json.dumps(render.answer_json(answer), indent=2, ensure_ascii=False))
    else:
        out.print(render.answer(answer, verbose=verbose))


@app.command("config")
def show_config(store: StoreOption = None, chroma_url: ChromaOption = None, as_json: JsonOption = False) -> None:
    """Show the effective settings and where each came from (flag, env, file, default); secrets masked."""
    from assistant.config import config_files, origins, shown

    with friendly_errors():
        settings = load_settings().with_overrides(store=store, chroma_url=chroma_url)
        found = origins({"store": store, "chroma_url": chroma_url})
    rows = {name: {"value": shown(getattr(settings, name)), "source": found[name]} for name in found}
    if as_json:
        print(json.dumps({"settings": rows, "files": [str(p) for p in config_files()]}, indent=2))
    else:
        out.print(render.settings_table(rows, [str(p) for p in config_files()]))


@app.command()
def status(store: StoreOption = None, chroma_url: ChromaOption = None, as_json: JsonOption = False) -> None:
    """Show what the store holds: documents, chunks, embedding model, last ingest."""
    with friendly_errors():
        assistant = engine(store, chroma_url)
        facts = render.status_facts(assistant)
    if as_json:
        print(json.dumps(facts, indent=2))
    else:
        out.print(render.status(facts))


@app.command("eval")
def eval_suite(
    suite: Annotated[Path, typer.Argument(help="A suite file (YAML), e.g. evals/seeds.yaml.")],
    mode: ModeOption = "grounded",
    report: Annotated[Optional[Path], typer.Option("--report", help="Write the full results as JSON here.")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML page here.")] = None,
    compare: Annotated[Optional[Path], typer.Option("--compare", help="An earlier --report: show the changes.")] = None,
    minimum: Annotated[Optional[list[str]], typer.Option(
        "--min", help="Gate on METRIC=VALUE (repeatable); a maximum for *_rate and latency_*.")] = None,
    judge: Annotated[bool, typer.Option("--judge", help="Add LLM-judged faithfulness and relevancy.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run an evaluation suite; exit 1 when a threshold is missed, 2 when the suite is invalid."""
    from assistant.evaluate import ReportError, gate, load_metrics, parse_bounds
    from assistant.report_html import html as html_page
    from assistant.suite import SuiteError, load_suite

    try:
        loaded = load_suite(suite)
        bounds = {**loaded.thresholds, **parse_bounds(minimum or [])}
        previous = load_metrics(compare) if compare else None
    except (SuiteError, ReportError) as error:
        fail(str(error), code=2)
    with friendly_errors():
        assistant = engine(store, chroma_url)
        target, ingested = assistant.for_suite(loaded, progress=render.progress_bar(err))
        if ingested and not ingested.usable:
            fail(f"the suite's corpus ({', '.join(loaded.corpus)}) holds no readable documents", code=2)
        _ensure_indexed(target)
        result = target.evaluate(loaded, mode, judge, progress=render.progress_bar(err, "cases"))
    result.thresholds, result.missed = bounds, gate(result, bounds)
    if report:
        _write(report, result.model_dump_json(indent=2))
    if html:
        _write(html, html_page(result))
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        out.print(render.eval_failures(result))
        out.print(render.eval_table(result, previous))
    for missed in result.missed:
        err.print(f"[red]threshold missed:[/red] {missed}")
    if result.missed:
        raise typer.Exit(1)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")


@app.command()
def batch(
    questions: Annotated[Path, typer.Argument(help="Questions: .txt (one a line), .jsonl, .json, .csv or .yaml.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Answers: .jsonl, .csv or .md [default: FILE.answers.jsonl].")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=32, help="Questions answered at once.")] = 1,
    mode: ModeOption = "grounded",
    resume: Annotated[bool, typer.Option("--resume", help="Skip questions already in the output; append the rest.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing output file.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
) -> None:
    """Answer every question in a file; each answer is saved the moment it is done."""
    from assistant.batch import run_batch
    from assistant.batch_output import OutputError, default_output, open_output
    from assistant.questions import QuestionFileError, read_questions

    target = output or default_output(questions)
    try:
        rows = read_questions(questions)
        sink = open_output(target, resume=resume, overwrite=overwrite)
    except (QuestionFileError, OutputError) as error:
        fail(str(error))
    try:
        with friendly_errors():
            assistant = engine(store, chroma_url)
            _ensure_indexed(assistant)
            assistant.warm(mode)
            summary = run_batch(rows, sink, lambda text, filters: assistant.ask(text, mode, filters), render.answer_json,
                                workers=workers, progress=render.progress_bar(err, "questions"),
                                on_bad_row=lambda row: err.print(f"{questions}:{row.line}: {row.error}"))
    except typer.Exit as stop:
        if stop.exit_code == 130:
            err.print(f"Answers so far are saved in {target}; run again with --resume to finish.")
        raise
    finally:
        sink.close()
    out.print(render.batch_summary(summary, target))


@app.command()
def summarize(
    path: Annotated[Optional[str], typer.Argument(help="An ingested document to summarize.")] = None,
    topic: Annotated[Optional[str], typer.Option("--topic", help="Summarize what the documents say on this topic.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="An overview of the whole corpus.")] = False,
    length: Annotated[str, typer.Option("--length", help="short, medium or long.")] = "medium",
    mode: Annotated[str, typer.Option("--mode", help="grounded (model, checked) or extractive (quotes, no model).")] = "grounded",
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Make a fresh summary even if one is cached.")] = False,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dropped sentences.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Summarize one document, a topic across documents (--topic), or the corpus (--all); every sentence cited."""
    from assistant.summarize import LENGTHS

    if sum(map(bool, (path, topic, everything))) != 1:
        raise typer.BadParameter("give exactly one of PATH, --topic TOPIC or --all")
    if length not in LENGTHS:
        raise typer.BadParameter(f"choose one of {', '.join(LENGTHS)}", param_hint="--length")
    if mode not in ("grounded", "extractive"):
        raise typer.BadParameter("choose grounded or extractive", param_hint="--mode")
    filters = filters_from(since, until, source)
    with friendly_errors():
        assistant = engine(store, chroma_url)
        _ensure_indexed(assistant)
        result = assistant.summarize(path=path, topic=topic, length=length, filters=filters, use_cache=not no_cache,
                                     mode=mode)
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        out.print(render.answer(result, verbose=verbose))


@app.command()
def chat(
    mode: ModeOption = "grounded",
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show rewritten follow-ups and dropped sentences.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
) -> None:
    """Talk with your documents: follow-up questions, /sources, /open N, /summarize; /help lists all."""
    from assistant.chat_repl import ChatRepl
    from assistant.conversation import Conversation

    with friendly_errors():
        assistant = engine(store, chroma_url)
        _ensure_indexed(assistant)
        conversation = Conversation(mode=mode, filters=filters_from(since, until, source))
        ChatRepl(assistant, conversation, out, err, verbose=verbose,
                 history_file=assistant.settings.store / "chat_history").run()
