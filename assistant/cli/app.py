"""The `assistant` command: parses arguments, calls the engine, prints. No work happens here, and the heavy
libraries (chromadb, langchain, llama.cpp, onnxruntime) are imported only inside the commands that use them.
Longer than 300 lines because it is the whole command table: ten commands, each its options and a few lines of
printing; splitting it would scatter the shared options and the one error handler."""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from assistant import __version__
from assistant.errors import UsageError, UserError
from assistant.types import LENGTHS, MODES

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.engine import Assistant
    from assistant.filters import Filters

DEFAULT_CORPUS = Path("seeds")


@cache
def out() -> Console:
    from assistant.cli.terminal import console

    return console()


@cache
def err() -> Console:
    from assistant.cli.terminal import console

    return console(stderr=True)


def say(message: str) -> None:
    """One plain line on stderr, control characters escaped."""
    from assistant.cli.terminal import visible

    err().print(visible(message, one_line=True))


def fail(message: str, code: int = 1, as_json: bool = False) -> None:
    say(f"error: {message}")
    if as_json:
        print(json.dumps({"error": message, "code": code}))
    raise typer.Exit(code)


class Commands(TyperGroup):
    """Runs one command. Every failure meant for people (a UserError, a usage error, a model server's failure)
    is caught here, in one place: one line on stderr, and with --json also a JSON object on stdout."""

    def invoke(self, ctx: Any) -> Any:
        arguments = [*ctx._protected_args, *ctx.args]
        as_json = "--json" in arguments
        if any("\x00" in a for a in arguments):  # no shell passes one, but paths with one raise deep inside os
            fail("an argument holds a NUL character", 2, as_json)
        try:
            return super().invoke(ctx)
        except UserError as error:
            fail(str(error), error.code, as_json)
        except typer.TyperException as error:  # a usage error: typer prints it, exit 2
            if as_json:
                print(json.dumps({"error": error.format_message(), "code": error.exit_code}))
            raise
        except KeyboardInterrupt:
            say("interrupted")
            raise typer.Exit(130) from None


app = typer.Typer(cls=Commands, help="Ask questions about a folder of documents and get answers cited to the line.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})

StoreOption = Annotated[Path | None, typer.Option("--store", help="Store folder [env: ASSISTANT_STORE; default ./.assistant].")]
ChromaOption = Annotated[str | None, typer.Option(
    "--chroma-url", help="A Chroma server, http://host:port [env: ASSISTANT_CHROMA_URL].")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for machines (errors too).")]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only documents dated on/after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only documents dated on/before YYYY-MM-DD.")]
SourceOption = Annotated[str | None, typer.Option(
    "--source", help="Only sources matching this glob, e.g. 'seeds/00*', or exactly this path as `status` shows it.")]


def _known_mode(value: str | None) -> str | None:
    if value is not None and value not in MODES:
        raise typer.BadParameter(f"choose one of {', '.join(MODES)}")
    return value


ModeOption = Annotated[str | None, typer.Option("--mode", callback=_known_mode, help=(
    "grounded (checked), extractive (no LLM) or free (unchecked) [default: the mode setting; auto is extractive "
    "with the local model, grounded with a model server]."))]


def _show_version(value: bool) -> None:
    if value:
        print(f"assistant {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_show_version,
                                               help="Show the version and exit.")] = False) -> None:
    """Ask questions about a folder of documents and get answers cited to the line."""
    os.umask(0o077)  # everything written (stores, reports, batch outputs) is readable by its owner only


def engine(ctx: typer.Context, store: Path | None, chroma_url: str | None, must_exist: bool = False) -> Assistant:
    """The assistant for these flags. Models come from ctx.obj when a caller (a test) injects them."""
    from assistant.config import load_settings
    from assistant.engine import Assistant

    settings = load_settings({"store": store, "chroma_url": chroma_url})
    assistant = Assistant(settings, models=ctx.find_root().obj)
    if must_exist:
        assistant.require_store()
    return assistant


def _iso_date(value: str | None, flag: str) -> str | None:
    from assistant.filters import iso_date

    if value is None:
        return None
    if (normal := iso_date(value)) is None:
        raise typer.BadParameter(f"{value!r} is not a date like 2023-12-07", param_hint=flag)
    return normal


def filters_from(since: str | None, until: str | None, source: str | None) -> Filters:
    from assistant.filters import Filters

    return Filters(since=_iso_date(since, "--since"), until=_iso_date(until, "--until"), source=source)


def ready(assistant: Assistant) -> Assistant:
    """A store with documents in it. On first use of the default store, seeds/ is indexed (said on stderr);
    a store the user named that does not exist is an error, not a new empty store."""
    from assistant.cli import render

    if not assistant.needs_first_corpus(DEFAULT_CORPUS):
        return assistant
    say(f"The store is empty: indexing {DEFAULT_CORPUS}/ first.")
    report = assistant.ingest([DEFAULT_CORPUS], progress=render.progress_bar(err()))
    err().print(render.ingest_summary(report))
    if assistant.is_empty():
        raise UserError(f"nothing in {DEFAULT_CORPUS}/ could be indexed; run: assistant ingest PATH")
    return assistant


def _not_blank(value: str, name: str) -> str:
    if not value.strip():
        raise typer.BadParameter(f"the {name.lower()} is empty", param_hint=name)
    return value


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders (.txt, .md, .pdf, .html, .docx); default seeds/ (with --rebuild: none).")] = None,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Index every file the store holds (and PATH) again, beside the old index; swap only "
                          "when complete.")] = False,
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="Also follow symbolic links that lead outside the folders given.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Index documents: only new or changed files are embedded; deleted files are removed.

    Example: assistant ingest ~/papers notes.md
    """
    from assistant.cli import render

    assistant = engine(ctx, store, chroma_url)
    report = assistant.ingest(paths or ([] if rebuild else [DEFAULT_CORPUS]), rebuild=rebuild,
                              follow_links=follow_links, progress=None if as_json else render.progress_bar(err()))
    for problem in report.problems:
        say(f"skipped {problem.path}: {problem.reason}")
    for note in report.notes:
        say(note)
    if as_json:
        print(json.dumps(report.model_dump(), indent=2, ensure_ascii=False))
    else:
        out().print(render.ingest_summary(report))
    if not report.usable and not report.removed:
        raise typer.Exit(1)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int | None, typer.Option("-k", min=1, max=50, help="How many passages [default: the top_k setting].")] = None,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the passages that best match QUERY, ranked, with no language model.

    Example: assistant search "Northern Sea Route" -k 3
    """
    from assistant.cli import render

    _not_blank(query, "QUERY")
    filters = filters_from(since, until, source)
    found = engine(ctx, store, chroma_url, must_exist=True).search(query, k, filters)
    if as_json:
        print(json.dumps({"query": query, "results": [render.passage_json(p) for p in found]}, indent=2,
                         ensure_ascii=False))
    else:
        out().print(render.passages(found) if found else "No passage matches.")


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    mode: ModeOption = None,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dropped sentences and evidence.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer QUESTION from the documents, citing file and lines for every claim.

    Example: assistant ask "What did Russia and Kuwait agree on Gaza?"
    """
    from assistant.cli import render

    _not_blank(question, "QUESTION")
    filters = filters_from(since, until, source)
    stream = None if as_json or not sys.stdout.isatty() else render.TokenStream(err())
    answer = ready(engine(ctx, store, chroma_url)).ask(question, mode=mode, filters=filters, on_token=stream)
    if stream:
        stream.done()
    if as_json:
        print(json.dumps(render.answer_json(answer), indent=2, ensure_ascii=False))
    else:
        out().print(render.answer(answer, verbose=verbose))


@app.command("config")
def show_config(store: StoreOption = None, chroma_url: ChromaOption = None, as_json: JsonOption = False) -> None:
    """Show the effective settings and where each came from (flag, env, file, default); secrets masked.
    A bad value is shown as given and marked, with what is wrong with it."""
    from assistant.cli import render
    from assistant.config import config_files, inspect

    rows, problems = inspect({"store": store, "chroma_url": chroma_url})
    files = [str(p) for p in config_files()]
    if as_json:
        print(json.dumps({"settings": rows, "files": files, "problems": problems}, indent=2, ensure_ascii=False))
    else:
        out().print(render.settings_table(rows, files))
    for problem in problems:
        say(f"error: {problem}")
    if problems:
        raise typer.Exit(1)


@app.command()
def status(ctx: typer.Context, store: StoreOption = None, chroma_url: ChromaOption = None,
           as_json: JsonOption = False) -> None:
    """Show what the store holds: documents, chunks, embedding model, last ingest."""
    from assistant.cli import render

    facts = engine(ctx, store, chroma_url, must_exist=True).status()
    if as_json:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
    else:
        out().print(render.status(facts))


@app.command("eval")
def eval_suite(
    ctx: typer.Context,
    suite: Annotated[Path, typer.Argument(help="A suite file (YAML), e.g. evals/seeds.yaml.")],
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


@app.command()
def batch(
    ctx: typer.Context,
    questions: Annotated[Path, typer.Argument(help="Questions: .txt (one a line), .jsonl, .json, .csv or .yaml.")],
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


@app.command()
def summarize(
    ctx: typer.Context,
    path: Annotated[str | None, typer.Argument(help="An ingested document to summarize.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Summarize what the documents say on this topic.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="An overview of the whole corpus.")] = False,
    length: Annotated[str, typer.Option("--length", help="short, medium or long.")] = "medium",
    mode: Annotated[str | None, typer.Option("--mode", help=(
        "grounded (model, checked) or extractive (quotes, no model) [default: the mode setting; auto is extractive "
        "with the local model, grounded with a model server]."))] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Make a fresh summary even if one is cached.")] = False,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dropped sentences.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Summarize one document, a topic across documents (--topic), or the corpus (--all); every sentence cited.

    Example: assistant summarize --topic Gaza --length short
    """
    from assistant.cli import render

    if sum(map(bool, (path, topic, everything))) != 1:
        raise typer.BadParameter("give exactly one of PATH, --topic TOPIC or --all")
    if length not in LENGTHS:
        raise typer.BadParameter(f"choose one of {', '.join(LENGTHS)}", param_hint="--length")
    if mode not in (None, "grounded", "extractive"):
        raise typer.BadParameter("choose grounded or extractive", param_hint="--mode")
    filters = filters_from(since, until, source)
    result = ready(engine(ctx, store, chroma_url)).summarize(
        path=path, topic=topic, length=length, filters=filters, use_cache=not no_cache, mode=mode)
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        out().print(render.answer(result, verbose=verbose))


@app.command()
def chat(
    ctx: typer.Context,
    mode: ModeOption = None,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show rewritten follow-ups and dropped sentences.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
) -> None:
    """Talk with your documents: follow-up questions, /sources, /open N, /summarize; /help lists all."""
    from assistant.cli.chat import ChatRepl
    from assistant.query.followups import Conversation

    assistant = ready(engine(ctx, store, chroma_url))
    conversation = Conversation(mode=mode or assistant.settings.answer_mode, filters=filters_from(since, until, source))
    ChatRepl(assistant, conversation, out(), err(), verbose=verbose,
             history_file=assistant.settings.store / "chat_history").run()
