"""`assistant chat`: the terminal loop (prompt, slash commands, streaming, Ctrl-C) around a Conversation."""

from __future__ import annotations

import shlex
import signal
import sys
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from assistant.cli import render
from assistant.cli.terminal import styled, visible
from assistant.errors import UserError
from assistant.filters import Filters, iso_date
from assistant.ingest.reread import SourceReader
from assistant.query.followups import Conversation, standalone
from assistant.types import MODES

CONTEXT_LINES = 3
OPEN_LINE_CHARS = 400  # what /open shows of one line: a screenful, not a megabyte
HELP = """Ask a question, or:
  /sources            full quotes of the last answer's citations
  /open N             the passage cited as [N], with the lines around it
  /summarize [FILE|TOPIC]  summarize a document, or what the documents say on a topic
  /filter [since=YYYY-MM-DD] [until=YYYY-MM-DD] [source=GLOB] | /filter clear
  /mode [grounded|extractive|free]
  /reset              forget the conversation
  /exit               leave (or Ctrl-D); Ctrl-C cancels an answer in progress"""


class ChatRepl:
    def __init__(self, assistant, conversation: Conversation, out: Console, err: Console, verbose: bool = False,
                 history_file: Path | None = None):
        self.assistant = assistant
        self.conversation = conversation
        self.out, self.err = out, err
        self.verbose = verbose
        self.interactive = sys.stdin.isatty()
        self.history_file = history_file

    def say(self, message: str) -> None:
        self.err.print(visible(message))

    def run(self) -> None:
        if self.interactive:
            self.out.print(styled(("Ask about your documents. /help for commands, Ctrl-D to leave.", "dim")))
        for line in self._lines():
            line = line.strip()
            if not line:
                continue
            if line.startswith("/"):
                if self._command(line) == "exit":
                    return
            else:
                self._ask(line)

    def _lines(self):
        if not self.interactive:
            yield from sys.stdin
            return
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, History, InMemoryHistory

        history: History = InMemoryHistory()
        if self.history_file:
            self.history_file.touch(mode=0o600, exist_ok=True)
            history = FileHistory(str(self.history_file))
        session: PromptSession[str] = PromptSession(history=history)
        while True:
            try:
                line = session.prompt("› ")
                # The prompt can leave its own SIGINT handler behind, which would swallow Ctrl-C during an answer
                # or a command: give Python's back before handling the line.
                signal.signal(signal.SIGINT, signal.default_int_handler)
                yield line
            except KeyboardInterrupt:
                continue  # Ctrl-C at the prompt clears the line
            except EOFError:
                return

    # --- questions ------------------------------------------------------------------------
    def _ask(self, question: str) -> None:
        conversation = self.conversation
        stream = render.TokenStream(self.err) if self.interactive else None
        try:
            chat = self.assistant.chat if conversation.questions and conversation.mode != "extractive" else None
            rewritten = standalone(question, conversation.questions, chat, self.assistant.settings.history_turns)
            if self.verbose and rewritten != question:
                self.err.print(styled((f"rewritten: {rewritten}", "dim")))
            answer = self.assistant.ask(rewritten, mode=conversation.mode, filters=conversation.filters,
                                        on_token=stream)
        except KeyboardInterrupt:
            if stream:
                stream.done()
            self.err.print(styled(("cancelled", "yellow")))
            return
        except UserError as error:  # a failing model server, a question too long: say it, keep the session
            if stream:
                stream.done()
            self.say(f"error: {error}")
            return
        if stream:
            stream.done()
        conversation.remember(rewritten, answer)
        self.out.print(render.answer(answer, verbose=self.verbose))
        self.out.print()

    # --- slash commands -------------------------------------------------------------------
    def _command(self, line: str) -> str | None:
        name, _, argument = line[1:].partition(" ")
        argument = argument.strip()
        handlers = {"help": self._help, "sources": self._sources, "open": self._open, "filter": self._filter,
                    "mode": self._mode, "reset": self._reset, "summarize": self._summarize}
        if name in ("exit", "quit"):
            return "exit"
        handler = handlers.get(name)
        if handler is None:
            self.say(f"unknown command /{name}; /help lists them")
            return None
        try:
            handler(argument)
        except KeyboardInterrupt:
            self.err.print(styled(("cancelled", "yellow")))
        except UserError as error:
            self.say(f"error: {error}")
        return None

    def _help(self, _: str) -> None:
        self.out.print(styled(HELP))

    def _sources(self, _: str) -> None:
        last = self.conversation.last
        if not last or not last.citations:
            self.out.print("No sources yet: the last answer cited nothing.")
            return
        for c in last.citations:
            self.out.print(styled((f"[{c.id}]", "bold"), f" {visible(render.location(c), one_line=True)}\n    "
                                  f"\u201c{c.quote}\u201d"))

    def _open(self, argument: str) -> None:
        last = self.conversation.last
        citations = {str(c.id): c for c in (last.citations if last else [])}
        if argument not in citations:
            self.say(f"/open N: N is one of {', '.join(citations) or '(no citations yet)'}")
            return
        c = citations[argument]
        reader = SourceReader(self.assistant.store, self.assistant.settings.extraction)
        lines = reader.lines(c.source, c.page)
        if lines is None:
            self.say(f"cannot open {c.source}: it is no longer readable where it was indexed")
            return
        if c.source in reader.changed:
            self.say(f"note: {c.source} changed since it was indexed: these are its lines now, the answer quoted "
                     f"the indexed text; run `assistant ingest {c.source}` to update")
        first, last_line = max(1, c.start_line - CONTEXT_LINES), min(len(lines), c.end_line + CONTEXT_LINES)
        where = f"{c.source}" + (f" p. {c.page}" if c.page is not None else "") + (f" § {c.section}" if c.section else "")
        self.out.print(styled((visible(where, one_line=True), "bold"), f" lines {first}-{last_line}"))
        for number in range(first, last_line + 1):
            cited = c.start_line <= number <= c.end_line
            shown = window(lines[number - 1], c.quote if cited else "")
            self.out.print(styled(f"{'▶' if cited else ' '} {number:>4}  ", (shown, "bold" if cited else "dim")))

    def _filter(self, argument: str) -> None:
        if argument == "clear":
            self.conversation.filters = Filters()
        elif argument:
            values = {}
            for part in shlex.split(argument):
                key, _, value = part.partition("=")
                if key not in ("since", "until", "source") or not value:
                    self.say("usage: /filter since=YYYY-MM-DD until=YYYY-MM-DD source=GLOB, or /filter clear")
                    return
                if key != "source":
                    normal = iso_date(value)
                    if normal is None:
                        self.say(f"{key}: {value} is not a date like 2023-12-07")
                        return
                    value = normal
                values[key] = value
            current = self.conversation.filters
            wanted = replace(current, since=values.get("since", current.since), until=values.get("until", current.until),
                             source=values.get("source", current.source))
            if not self.assistant.store.paths_matching(wanted.source, wanted.since, wanted.until):
                self.say("no ingested document matches that filter; the filters are unchanged")
                return
            self.conversation.filters = wanted
        f = self.conversation.filters
        self.out.print(styled(f"filters: since {f.since or '-'}, until {f.until or '-'}, source {f.source or '-'}"))

    def _mode(self, argument: str) -> None:
        if argument:
            if argument not in MODES:
                self.say(f"/mode: one of {', '.join(MODES)}")
                return
            self.conversation.mode = argument
        self.out.print(f"mode: {self.conversation.mode}")

    def _reset(self, _: str) -> None:
        self.conversation.reset()
        self.out.print("Conversation forgotten.")

    def _summarize(self, argument: str) -> None:
        mode = "extractive" if self.conversation.mode == "extractive" else "grounded"
        summary = self.assistant.summarize_target(argument, filters=self.conversation.filters, mode=mode)
        self.conversation.last = summary
        self.out.print(render.answer(summary, verbose=self.verbose))
        self.out.print()


def window(line: str, quote: str, width: int = OPEN_LINE_CHARS) -> str:
    """A long line cut to `width` characters around the quote it holds (or its start), saying what was left out:
    a one-line file of a megabyte is shown as the part that was cited."""
    if len(line) <= width:
        return line
    at = line.find(quote[:80]) if quote else -1
    start = max(0, min(at - width // 4, len(line) - width)) if at >= 0 else 0
    before = f"… ({start:,} characters) " if start else ""
    after = len(line) - start - width
    return before + line[start:start + width] + (f" … ({after:,} more characters)" if after > 0 else "")
