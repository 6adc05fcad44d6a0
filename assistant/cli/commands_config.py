"""The `config` command: every effective setting and where it came from."""

from __future__ import annotations

import json

import typer

from assistant.cli.shared import ChromaOption, JsonOption, StoreOption, out, say


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
