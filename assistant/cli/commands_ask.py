"""The questions' commands: `search` (passages, no model), `ask` (one cited answer) and `chat` (follow-ups)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.cli.shared import (
    ChromaOption,
    JsonOption,
    ModeOption,
    SinceOption,
    SourceOption,
    StoreOption,
    UntilOption,
    engine,
    err,
    filters_from,
    not_blank,
    out,
    ready,
    serve_next,
    served,
)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(metavar="QUERY", help="What to look for.")],
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

    not_blank(query, "QUERY")
    filters = filters_from(since, until, source)
    found = engine(ctx, store, chroma_url, must_exist=True).search(query, k, filters)
    if as_json:
        print(json.dumps({"query": query, "results": [render.passage_json(p) for p in found]}, indent=2,
                         ensure_ascii=False))
    else:
        out().print(render.passages(found) if found else "No passage matches.")


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="Your question, in quotes.")],
    mode: ModeOption = None,
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show dropped sentences and evidence.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer QUESTION from the documents, citing file and lines for every claim. When `assistant serve` runs for
    the store with the same settings, it answers (faster: its models are loaded); when none does, one is started
    in the background after this answer, for the next (auto_serve_minutes; `assistant serve --stop` stops it).

    Example: assistant ask "What did Russia and Kuwait agree on Gaza?"
    """
    from assistant.cli import render

    not_blank(question, "QUESTION")
    filters = filters_from(since, until, source)
    stream = None if as_json or not sys.stdout.isatty() else render.TokenStream(err())
    answer = served(ctx, store, chroma_url, question, mode, filters, stream)
    local = None
    if answer is None:
        local = ready(engine(ctx, store, chroma_url))
        answer = local.ask(question, mode=mode, filters=filters, on_token=stream)
    if stream:
        stream.done()
    if as_json:
        print(json.dumps(render.answer_json(answer), indent=2, ensure_ascii=False))
    else:
        out().print(render.answer(answer, verbose=verbose))
    if local is not None:
        serve_next(ctx, local)


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
    conversation = Conversation(mode=assistant.settings.mode_for(mode), filters=filters_from(since, until, source))
    ChatRepl(assistant, conversation, out(), err(), verbose=verbose,
             history_file=assistant.settings.store / "chat_history").run()
