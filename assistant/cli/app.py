"""The `assistant` command: the Typer app, its one error handler and the table of commands. The commands live by
area in commands_*.py (the store, questions, batch and eval, summaries, settings) and share their options, consoles
and engine through shared.py. No work happens in the CLI, and the heavy libraries (chromadb, langchain, llama.cpp,
onnxruntime) are imported only inside the commands that use them."""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from assistant import __version__
from assistant.cli import (
    commands_ask,
    commands_batch,
    commands_config,
    commands_serve,
    commands_store,
    commands_summarize,
)
from assistant.cli.shared import fail, say
from assistant.errors import UserError


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


def _show_version(value: bool) -> None:
    if value:
        print(f"assistant {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_show_version,
                                               help="Show the version and exit.")] = False) -> None:
    """Ask questions about a folder of documents and get answers cited to the line."""
    os.umask(0o077)  # everything written (stores, reports, batch outputs) is readable by its owner only


# The command table, in the order `assistant --help` lists them.
app.command()(commands_store.ingest)
app.command()(commands_ask.search)
app.command()(commands_ask.ask)
app.command("config")(commands_config.show_config)
app.command()(commands_store.status)
app.command("eval")(commands_batch.eval_suite)
app.command()(commands_batch.batch)
app.command()(commands_summarize.summarize)
app.command()(commands_ask.chat)
app.command()(commands_serve.serve)
