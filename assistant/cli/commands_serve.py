"""`serve`: keep one store's models loaded so `assistant ask` answers without loading them again."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.shared import ChromaOption, StoreOption, engine, ready, say


def serve(
    ctx: typer.Context,
    idle_minutes: Annotated[float, typer.Option("--idle-minutes", min=0.05, help=(
        "Stop after this many minutes without a question."))] = 30.0,
    stop: Annotated[bool, typer.Option("--stop", help="Stop the server running for the store, and exit.")] = False,
    store: StoreOption = None,
    chroma_url: ChromaOption = None,
) -> None:
    """Keep the store's models loaded: `assistant ask` run meanwhile (same store, same settings) is answered here.
    Runs until Ctrl-C, `assistant serve --stop`, or --idle-minutes without a question. Only you can reach it (a
    socket in a folder private to your user).

    Example: assistant serve &   then   assistant ask "What did Russia and Kuwait agree on Gaza?"
    """
    from assistant.service import client
    from assistant.service.address import settings_key, socket_path
    from assistant.service.server import Server

    assistant = engine(ctx, store, chroma_url)
    settings = assistant.settings
    if stop:
        say(f"stopped the server for {settings.store}" if client.stop(settings)
            else f"no server runs for {settings.store}")
        return
    ready(assistant)
    server = Server(assistant, socket_path(settings), settings_key(settings), idle_minutes * 60)
    say(f"loading the models for {settings.store} ...")
    server.warm()
    say(f"serving {settings.store}: `assistant ask` uses it now; stop it with Ctrl-C or `assistant serve --stop`")
    why = server.run()
    say("stopped" if why == "stopped" else f"stopped after {idle_minutes:g} minutes without a question")
