"""The `summarize` command: one document, a topic across documents, or the whole corpus, every sentence cited."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.shared import (
    ChromaOption,
    JsonOption,
    SinceOption,
    SourceOption,
    StoreOption,
    UntilOption,
    engine,
    filters_from,
    out,
    ready,
)
from assistant.types import LENGTHS


def summarize(
    ctx: typer.Context,
    path: Annotated[str | None, typer.Argument(metavar="PATH", help="An ingested document to summarize.")] = None,
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
