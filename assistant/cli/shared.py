"""What the commands share: the common options and their checks, the consoles and one-line messages, and the
engine for the flags given (with the first-use corpus)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.errors import UserError
from assistant.types import MODES

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.config import Settings
    from assistant.engine import Assistant
    from assistant.filters import Filters
    from assistant.types import Answer


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


StoreOption = Annotated[Path | None, typer.Option("--store", help="Store folder [env: ASSISTANT_STORE; default ./.assistant].")]
ChromaOption = Annotated[str | None, typer.Option(
    "--chroma-url", help="A Chroma server, http://host:port [env: ASSISTANT_CHROMA_URL].")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for machines (errors too).")]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only documents dated on/after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only documents dated on/before YYYY-MM-DD.")]
SourceOption = Annotated[str | None, typer.Option(
    "--source", help="Only sources matching this glob, e.g. 'seeds/00*', or exactly this path as `status` shows it.")]


def _known_mode(value: str | None) -> str | None:
    if value is not None and value not in (*MODES, "auto"):
        raise typer.BadParameter(f"choose one of {', '.join(MODES)} or auto")
    return value


ModeOption = Annotated[str | None, typer.Option("--mode", callback=_known_mode, help=(
    "grounded (checked), extractive (no LLM), free (unchecked) or auto (extractive with the local model, grounded "
    "with a model server) [default: the mode setting, auto unless set]."))]


def engine(ctx: typer.Context, store: Path | None, chroma_url: str | None, must_exist: bool = False) -> Assistant:
    """The assistant for these flags. Models come from ctx.obj when a caller (a test) injects them."""
    from assistant.config import load_settings
    from assistant.engine import Assistant

    settings = load_settings({"store": store, "chroma_url": chroma_url})
    assistant = Assistant(settings, models=ctx.find_root().obj)
    if must_exist:
        assistant.require_store()
    return assistant


def served(ctx: typer.Context, store: Path | None, chroma_url: str | None, question: str, mode: str | None,
           filters: Filters, on_token: Callable[[str], None] | None) -> Answer | None:
    """The answer of the store's `assistant serve`, or None when none runs with these settings (or a caller
    injected models, or the use_server setting is off)."""
    from assistant.config import load_settings
    from assistant.service import client

    settings = load_settings({"store": store, "chroma_url": chroma_url})
    return client.ask(settings, question, mode, filters, on_token) if _servers_allowed(ctx, settings) else None


def serve_next(ctx: typer.Context, assistant: Assistant) -> None:
    """After answering in this process: start the store's server in the background for the next `ask` (the
    auto_serve_minutes setting), unless a caller injected models or use_server is off."""
    from assistant.service import client

    if _servers_allowed(ctx, assistant.settings):
        client.start_in_background(assistant.settings)


def _servers_allowed(ctx: typer.Context, settings: Settings) -> bool:
    """A server may answer (or be started) only for the CLI's own models and with use_server on."""
    return ctx.find_root().obj is None and settings.use_server


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


def not_blank(value: str, name: str) -> str:
    if not value.strip():
        raise typer.BadParameter(f"the {name.lower()} is empty", param_hint=name)
    return value
