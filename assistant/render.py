"""Turn results into text for people and JSON for machines; the CLI prints what this returns."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from assistant.models import Answer, IngestReport, Passage

QUOTE_WIDTH = 160


def progress_bar(console: Console):
    """A callback (done, total) drawing an embedding progress bar on `console`."""
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            bar = Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           console=console, transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("embed", total=total)
        state["bar"].update(state["task"], completed=done)
        if done >= total:
            state.pop("bar").stop()

    return update


class TokenStream:
    """Writes the model's draft as it is produced, dimmed: the checked answer follows it."""

    def __init__(self, console: Console):
        self.console = console
        self.started = False

    def __call__(self, token: str) -> None:
        if not self.started:
            self.console.print("[dim]draft:[/dim] ", end="")
            self.started = True
        self.console.print(f"[dim]{escape(token)}[/dim]", end="")

    def done(self) -> None:
        if self.started:
            self.console.print("\n")


def ingest_summary(report: IngestReport) -> str:
    parts = [f"{len(report.added)} added", f"{len(report.updated)} updated", f"{len(report.unchanged)} unchanged",
             f"{len(report.removed)} removed"]
    skipped = f", {len(report.problems)} skipped" if report.problems else ""
    return (f"Indexed: {', '.join(parts)}{skipped}; {report.chunks_embedded} chunks embedded "
            f"in {report.seconds:.1f} s.")


def _location(source: str, start: int, end: int) -> str:
    return f"{source}:{start}" if start == end else f"{source}:{start}-{end}"


def _short(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def passages(found: list[Passage]) -> str:
    return "\n\n".join(
        f"[bold]{rank}.[/bold] {escape(_location(p.source, p.start_line, p.end_line))}  "
        f"[dim]score {p.score:.4f} · similarity {p.similarity:.2f}[/dim]\n   {escape(_short(p.text, 400))}"
        for rank, p in enumerate(found, start=1))


def passage_json(p: Passage) -> dict:
    return {"source": p.source, "start_line": p.start_line, "end_line": p.end_line, "score": p.score,
            "similarity": p.similarity, "title": p.title, "date": p.date, "text": p.text}


def answer(result: Answer, verbose: bool = False) -> str:
    lines = [escape(result.answer)]
    if result.citations:
        lines.append("\n[bold]Sources[/bold]")
        lines += [f"[{c.id}] {escape(_location(c.source, c.start_line, c.end_line))} \"{escape(_short(c.quote))}\""
                  for c in result.citations]
    if verbose:
        dropped = [s for s in result.sentences if not s.supported]
        if dropped:
            lines.append("\n[bold]Unsupported, dropped[/bold]")
            lines += [f"[dim]- {escape(s.text)} ({escape(s.reason)})[/dim]" for s in dropped]
        lines.append(f"\n[dim]mode {result.mode} · retrieve {result.timings.retrieve_ms:.0f} ms · "
                     f"generate {result.timings.generate_ms:.0f} ms · {result.model.get('name', '')}[/dim]")
    return "\n".join(lines)


def answer_json(result: Answer) -> dict:
    data = result.model_dump()
    data["retrieved"] = [passage_json(p) for p in result.retrieved]
    return data


def status_facts(assistant) -> dict:
    store = assistant.store
    last = store.meta("last_ingest")
    documents = store.documents()
    return {
        "store": str(assistant.settings.store),
        "chroma": assistant.settings.chroma_url or "embedded",
        "documents": len(documents),
        "chunks": store.chunk_count(),
        "embedding_model": assistant.embedding.name,
        "dimension": assistant.embedding.dimension,
        "last_ingest": datetime.fromtimestamp(float(last)).isoformat(timespec="seconds") if last else None,
        "files": [{"source": d.source, "title": d.title, "date": d.date, "outlet": d.outlet, "chunks": d.chunks,
                   "state": d.state} for d in documents],
    }


def status(facts: dict) -> str:
    head = (f"Store {facts['store']} ({facts['chroma']}): {facts['documents']} documents, {facts['chunks']} chunks\n"
            f"Embedding model {facts['embedding_model']} ({facts['dimension']} dimensions); "
            f"last ingest {facts['last_ingest'] or 'never'}")
    rows = [f"  {escape(f['source'])}  [dim]{f['date'] or '----------'}[/dim]  {escape(f['title'] or '(untitled)')}"
            + ("" if f["state"] == "ready" else " [yellow](incomplete: run ingest)[/yellow]")
            for f in facts["files"]]
    return "\n".join([head, *rows])


def provider_error(error: Exception) -> str | None:
    """One line for a model provider's failure, or None if it is not one."""
    import openai

    if isinstance(error, openai.APITimeoutError):
        return "the model server did not answer in time (raise ASSISTANT_TIMEOUT?)"
    if isinstance(error, openai.APIConnectionError):
        return f"cannot reach the model server ({error.__cause__ or error}); is it running, and is OPENAI_BASE_URL right?"
    if isinstance(error, openai.AuthenticationError):
        return "the model server rejected the API key (401); check OPENAI_API_KEY"
    if isinstance(error, openai.NotFoundError):
        return "the model server does not know that model (404); check ASSISTANT_MODEL"
    if isinstance(error, openai.RateLimitError):
        return "the model server is rate limiting (429) and retries ran out; try again later"
    if isinstance(error, openai.InternalServerError):
        return f"the model server failed ({error.status_code}) and retries ran out"
    if isinstance(error, openai.APIStatusError):
        return f"the model server answered {error.status_code}: {_short(str(error.message), 200)}"
    return None
