"""The store's commands: `ingest` (index files) and `status` (what the store holds)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.shared import DEFAULT_CORPUS, ChromaOption, JsonOption, StoreOption, engine, err, out, say


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Files or folders (.txt, .md, .pdf, .html, .docx); default seeds/ (with --rebuild: none).")] = None,
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
        if not report.problems:
            given = ", ".join(str(p) for p in paths) if paths else ("the store" if rebuild else str(DEFAULT_CORPUS))
            say(f"error: no documents found in {given} (it reads .txt, .md, .pdf, .html and .docx files)")
        raise typer.Exit(1)


def status(ctx: typer.Context, store: StoreOption = None, chroma_url: ChromaOption = None,
           as_json: JsonOption = False) -> None:
    """Show what the store holds: documents, chunks, embedding model, last ingest."""
    from assistant.cli import render

    facts = engine(ctx, store, chroma_url, must_exist=True).status()
    if as_json:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
    else:
        out().print(render.status(facts))
