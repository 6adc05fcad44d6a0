"""Turn results into text for people and JSON for machines; the CLI prints what this returns."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from assistant.evaluate import Report, better
from assistant.models import Answer, IngestReport, Passage, Summary

QUOTE_WIDTH = 160


def progress_bar(console: Console, label: str = "embedding"):
    """A callback (done, total) drawing a progress bar with an ETA on `console`."""
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
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


def answer(result: Answer | Summary, verbose: bool = False) -> str:
    if isinstance(result, Summary):
        lines = [f"[bold]Summary of {escape(result.target)}[/bold] [dim]({result.length}"
                 f"{', cached' if result.cached else ''})[/dim]", escape(result.summary)]
    else:
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
    if verbose and isinstance(result, Answer):
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


def settings_table(rows: dict[str, dict], files: list[str]) -> Table:
    table = Table(title="Settings: flag > env > ./assistant.toml > ~/.config/assistant/config.toml > default",
                  title_justify="left", caption=f"config files read: {', '.join(files) or 'none'}",
                  caption_justify="left")
    for column in ("setting", "value", "from"):
        table.add_column(column)
    for name, row in rows.items():
        value = "" if row["value"] is None else str(row["value"])
        table.add_row(name, escape(value), escape(row["source"]))
    return table


def eval_table(report: Report, previous: dict[str, float] | None = None) -> Table:
    passed = sum(c.passed for c in report.cases)
    table = Table(title=f"{report.suite} · {report.mode} · {passed}/{len(report.cases)} cases pass", title_justify="left")
    for column in ("metric", "value", "threshold", *(["was", "change"] if previous else [])):
        table.add_column(column, justify="left" if column == "metric" else "right")
    missed = {m.split()[0].rstrip(":") for m in report.missed}
    for name, value in report.metrics.items():
        bound = report.thresholds.get(name)
        mark = "" if bound is None else (" [red]✗[/red]" if name in missed else " [green]✓[/green]")
        row = [name, f"{value:g}", f"{bound:g}{mark}" if bound is not None else ""]
        if previous:
            row += _delta(name, value, previous.get(name))
        table.add_row(*row)
    return table


def _delta(name: str, value: float, old: float | None) -> list[str]:
    if old is None:
        return ["", "new"]
    change = round(value - old, 4)
    if not change:
        return [f"{old:g}", "="]
    colour = "green" if better(name, change) else "red"
    return [f"{old:g}", f"[{colour}]{change:+g}[/{colour}]"]


def eval_failures(report: Report) -> str:
    lines = []
    for case in report.cases:
        if case.failures:
            lines.append(f"[red]✗[/red] {escape(case.id)}: {escape(case.question)}")
            lines += [f"    {escape(f)}" for f in case.failures]
    return "\n".join(lines)


def batch_summary(summary, target) -> str:
    skipped = f", {summary.skipped} already done" if summary.skipped else ""
    bad = f", {summary.bad_rows} bad rows" if summary.bad_rows else ""
    return (f"{summary.answered} answered ({summary.abstained} abstained), {summary.failed} failed{bad}{skipped}; "
            f"latency p50 {summary.percentile(50) / 1000:.1f} s, p95 {summary.percentile(95) / 1000:.1f} s → {target}")
