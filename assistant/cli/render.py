"""Turn results into text for people and JSON for machines; the CLI prints what this returns.
Everything is built as rich Text from plain pieces (terminal.styled), so nothing is read as markup and every
control character from a document or a path is shown escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from assistant.cli.terminal import styled, visible
from assistant.evaluation.suite import better
from assistant.types import Answer, Citation, IngestReport, Passage, SetAside, Summary

if TYPE_CHECKING:
    from assistant.evaluation.run import Report

QUOTE_WIDTH = 160


def progress_bar(console: Console, label: str = "embedding"):
    """A callback (done, total) drawing a progress bar with an ETA on `console`."""
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            bar = Progress(TextColumn(label, markup=False), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           console=console, transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("embed", total=total)
        state["bar"].update(state["task"], completed=done, total=total)
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
            self.console.print(styled(("draft: ", "dim")), end="")
            self.started = True
        self.console.print(styled((token, "dim")), end="")

    def done(self) -> None:
        if self.started:
            self.console.print("\n")


def ingest_summary(report: IngestReport) -> Text:
    parts = [f"{len(report.added)} added", f"{len(report.updated)} updated", f"{len(report.unchanged)} unchanged",
             f"{len(report.removed)} removed"]
    skipped = f", {len(report.problems)} skipped" if report.problems else ""
    return styled(f"Indexed: {', '.join(parts)}{skipped}; {report.chunks_embedded} chunks embedded "
                  f"in {report.seconds:.1f} s.")


def location(item: Passage | Citation | SetAside) -> str:
    """Where a passage or quote is: `file:12-14` for text, `report.pdf p. 3:12-14` for a PDF page, with the
    section heading after it where the document has one."""
    lines = f"{item.start_line}" if item.start_line == item.end_line else f"{item.start_line}-{item.end_line}"
    place = f"{item.source} p. {item.page}:{lines}" if item.page is not None else f"{item.source}:{lines}"
    return f"{place} (§ {_short(item.section, 60)})" if item.section else place


def _short(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def passages(found: list[Passage]) -> Text:
    parts: list[str | tuple[str, str]] = []
    for rank, p in enumerate(found, start=1):
        parts += ["\n\n" if rank > 1 else "", (f"{rank}.", "bold"), f" {visible(location(p), one_line=True)}  ",
                  (f"score {p.score:.4f} · similarity {p.similarity:.2f}", "dim"), f"\n   {_short(p.text, 400)}"]
    return styled(*parts)


def passage_json(p: Passage) -> dict:
    return {"source": p.source, "page": p.page, "section": p.section, "start_line": p.start_line,
            "end_line": p.end_line, "score": p.score, "similarity": p.similarity, "title": p.title, "date": p.date,
            "text": p.text}


def sources(citations: list[Citation]) -> list[str | tuple[str, str]]:
    parts: list[str | tuple[str, str]] = [("\n\nSources", "bold")]
    for c in citations:
        parts.append(f"\n[{c.id}] {visible(location(c), one_line=True)} \"{_short(c.quote)}\"")
    return parts


def answer(result: Answer | Summary, verbose: bool = False) -> Text:
    parts: list[str | tuple[str, str]] = []
    if isinstance(result, Summary):
        parts += [(f"Summary of {result.target}", "bold"),
                  (f" ({result.length}{', cached' if result.cached else ''})", "dim"), "\n"]
    parts.append(result.answer if isinstance(result, Answer) else result.summary)
    if result.citations:
        parts += sources(result.citations)
    if isinstance(result, Answer) and result.changed_sources:
        parts.append(("\n\nChanged since indexed: ", "yellow"))
        parts.append(visible(", ".join(result.changed_sources), one_line=True)
                     + " (the quotes are the indexed text; run `assistant ingest` on them to update)")
    if isinstance(result, Answer) and result.removed_sources:
        parts.append(("\n\nNo longer on disk: ", "yellow"))
        parts.append(visible(", ".join(result.removed_sources), one_line=True)
                     + " (the quotes are the indexed text; `assistant ingest` on their folder removes them)")
    if result.set_aside:
        parts.append(("\n\nSet aside (addressed to an AI, never used as evidence)", "bold"))
        parts += [f"\n- {visible(location(s), one_line=True)} \"{_short(s.quote)}\"" for s in result.set_aside]
    dropped = [s for s in result.sentences if not s.supported]
    if verbose and dropped:
        parts.append(("\n\nUnsupported, dropped", "bold"))
        parts += [(f"\n- {s.text} ({s.reason})", "dim") for s in dropped]
    elif dropped:
        many = len(dropped) > 1
        parts.append((f"\n\n{len(dropped)} sentence{'s' if many else ''} the model wrote failed the check against the "
                      f"documents and {'were' if many else 'was'} left out (-v shows {'them' if many else 'it'}).", "dim"))
    if verbose and isinstance(result, Answer):
        parts.append((f"\n\nmode {result.mode} · retrieve {result.timings.retrieve_ms:.0f} ms · "
                       f"generate {result.timings.generate_ms:.0f} ms · {result.model.get('name', '')}", "dim"))
    return styled(*parts)


def answer_json(result: Answer) -> dict:
    data = result.model_dump()
    data["retrieved"] = [passage_json(p) for p in result.retrieved]
    return data


def status(facts: dict) -> Text:
    parts: list[str | tuple[str, str]] = [
        f"Store {facts['store']} ({facts['chroma']}): {facts['documents']} documents, {facts['chunks']} chunks\n"
        f"Embedding model {facts['embedding_model']} ({facts['dimension']} dimensions); "
        f"last ingest {facts['last_ingest'] or 'never'}"]
    for f in facts["files"]:
        parts += [f"\n  {visible(f['source'], one_line=True)}  ", (f["date"] or "----------", "dim"),
                  f"  {f['title'] or '(untitled)'}"]
        if f["state"] != "ready":
            parts.append((" (incomplete: run ingest)", "yellow"))
    if facts.get("problem"):
        parts.append((f"\n{facts['problem']}", "yellow"))
    return styled(*parts)


def settings_table(rows: dict[str, dict], files: list[str]) -> Table:
    table = Table(title="Settings: flag > env > ./assistant.toml > ~/.config/assistant/config.toml > default",
                  title_justify="left", caption=f"config files read: {visible(', '.join(files)) or 'none'}",
                  caption_justify="left")
    for column in ("setting", "value", "from"):
        table.add_column(column)
    for name, row in rows.items():
        value = "" if row["value"] is None else str(row["value"])
        table.add_row(name, styled((value, "red")) if row.get("invalid") else styled(value), styled(row["source"]))
    return table


def eval_table(report: Report, previous: dict[str, float] | None = None) -> Table:
    passed = sum(c.passed for c in report.cases)
    table = Table(title=visible(f"{report.suite} · {report.mode} · {passed}/{len(report.cases)} cases pass"),
                  title_justify="left")
    for column in ("metric", "value", "threshold", *(["was", "change"] if previous else [])):
        table.add_column(column, justify="left" if column == "metric" else "right")
    missed = {m.split()[0].rstrip(":") for m in report.missed}
    for name, value in report.metrics.items():
        bound = report.thresholds.get(name)
        row: list[Any] = [name, f"{value:g}", _threshold(bound, name in missed)]
        if previous:
            row += _delta(name, value, previous.get(name))
        table.add_row(*row)
    return table


def _threshold(bound: float | None, missed: bool) -> Text:
    if bound is None:
        return Text("")
    return styled(f"{bound:g} ", ("✗", "red") if missed else ("✓", "green"))


def _delta(name: str, value: float, old: float | None) -> list[Any]:
    if old is None:
        return ["", "new"]
    change = round(value - old, 4)
    if not change:
        return [f"{old:g}", "="]
    return [f"{old:g}", styled((f"{change:+g}", "green" if better(name, change) else "red"))]


def eval_failures(report: Report) -> Text:
    parts: list[str | tuple[str, str]] = []
    for case in report.cases:
        if case.failures:
            parts += ["\n" if parts else "", ("✗", "red"), f" {case.id}: {case.question}"]
            parts += [f"\n    {failure}" for failure in case.failures]
    return styled(*parts)


def batch_summary(summary, target) -> Text:
    skipped = f", {summary.skipped} already done" if summary.skipped else ""
    if summary.orphaned:
        skipped += f", {summary.orphaned} earlier answers for questions no longer in the file kept"
    bad = f", {summary.bad_rows} bad rows" if summary.bad_rows else ""
    return styled(f"{summary.answered} answered ({summary.abstained} abstained), {summary.failed} failed{bad}{skipped}; "
                  f"latency p50 {summary.percentile(50) / 1000:.1f} s, p95 {summary.percentile(95) / 1000:.1f} s "
                  f"→ {visible(str(target), one_line=True)}")
