"""The `assistant` command: parses arguments, calls the engine, prints. No work happens here."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from assistant import render
from assistant.config import load_settings
from assistant.engine import DEFAULT_CORPUS, Assistant
from assistant.retrieve import Filters

app = typer.Typer(help="Ask questions about a folder of documents and get answers cited to the line.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="Store folder [env: ASSISTANT_STORE; default ./.assistant].")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for machines.")]
SinceOption = Annotated[Optional[str], typer.Option("--since", help="Only documents dated on/after YYYY-MM-DD.")]
UntilOption = Annotated[Optional[str], typer.Option("--until", help="Only documents dated on/before YYYY-MM-DD.")]
SourceOption = Annotated[Optional[str], typer.Option("--source", help="Only sources matching this glob, e.g. 'seeds/00*'.")]
ModeOption = Annotated[str, typer.Option("--mode", help="grounded (checked), extractive (no LLM) or free (unchecked).")]
MODES = ("grounded", "extractive", "free")


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@contextmanager
def friendly_errors():
    """Expected failures become one line on stderr and a non-zero exit; bugs still show a traceback."""
    from assistant.documents import UnreadableFile
    from assistant.embeddings import AssetMissing
    from assistant.providers import ProviderError
    from assistant.retrieve import NoMatchingDocuments
    from assistant.store import StoreError

    try:
        yield
    except (StoreError, ProviderError, NoMatchingDocuments, AssetMissing, UnreadableFile) as error:
        fail(str(error))
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except Exception as error:  # provider SDK errors: named so the user can act on them
        if message := render.provider_error(error):
            fail(message)
        raise


def engine(store: Path | None = None) -> Assistant:
    return Assistant(load_settings().with_overrides(store=store))


def _iso_date(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2023-12-07", param_hint=flag) from None


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
    as_json: JsonOption = False,
) -> None:
    """Index documents: only new or changed files are embedded; deleted files are removed."""
    with friendly_errors():
        assistant = engine(store)
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
    as_json: JsonOption = False,
) -> None:
    """Show the passages that best match QUERY, ranked, with no language model."""
    if not query.strip():
        raise typer.BadParameter("the query is empty", param_hint="QUERY")
    filters = filters_from(since, until, source)
    with friendly_errors():
        assistant = engine(store)
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
    as_json: JsonOption = False,
) -> None:
    """Answer QUESTION from the documents, citing file and lines for every claim."""
    if not question.strip():
        raise typer.BadParameter("the question is empty", param_hint="QUESTION")
    if mode not in MODES:
        raise typer.BadParameter(f"choose one of {', '.join(MODES)}", param_hint="--mode")
    filters = filters_from(since, until, source)
    stream = None if as_json or not sys.stdout.isatty() else render.TokenStream(err)
    with friendly_errors():
        assistant = engine(store)
        _ensure_indexed(assistant)
        answer = assistant.ask(question, mode=mode, filters=filters, on_token=stream)
    if stream:
        stream.done()
    if as_json:
        print(json.dumps(render.answer_json(answer), indent=2, ensure_ascii=False))
    else:
        out.print(render.answer(answer, verbose=verbose))


@app.command()
def status(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Show what the store holds: documents, chunks, embedding model, last ingest."""
    with friendly_errors():
        assistant = engine(store)
        facts = render.status_facts(assistant)
    if as_json:
        print(json.dumps(facts, indent=2))
    else:
        out.print(render.status(facts))
