"""The warm process: one store's assistant, its models loaded once, answering `ask` requests one at a time on a
Unix socket (assistant.service.protocol) until it is stopped or left idle.

Another process may ingest into the store meanwhile: before each question the server looks at the index's file
and its SQLite data version, and when either changed it reopens the store (the models stay loaded)."""

from __future__ import annotations

import os
import socket
import sqlite3
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.engine import Assistant
from assistant.errors import UsageError, UserError
from assistant.filters import Filters
from assistant.service.protocol import Lines, ProtocolError, connect, send
from assistant.store.folders import StoreError, forget_clients
from assistant.types import MODES

WARM_QUESTION = "What are these documents about?"
READ_SECONDS = 30.0  # a client that connects and sends nothing is dropped after this


class AlreadyServing(UserError):
    """Another server answers for this store."""


class Server:
    def __init__(self, assistant: Assistant, path: Path, key: str, idle_seconds: float) -> None:
        self.assistant, self.path, self.key, self.idle_seconds = assistant, path, key, idle_seconds
        self.index = assistant.settings.store / "index.sqlite"
        self._watch: sqlite3.Connection | None = None
        self._inode: int | None = None
        self._seen: tuple[int, int] | None = None

    def warm(self) -> None:
        """Load what the first question would: the store, the embedder, the reader (and the chat model unless
        answers are extractive), by answering one question."""
        self.assistant.warm()
        self.assistant.ask(WARM_QUESTION, mode="extractive")
        self._seen = self._stamp()

    def run(self) -> str:
        """Serve until stopped ("stopped") or idle for idle_seconds ("idle"). The socket file is removed after."""
        listener = self._listen()
        try:
            listener.settimeout(self.idle_seconds)
            while True:
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    return "idle"
                with connection:
                    if self._handle(connection) == "stop":
                        return "stopped"
        finally:
            listener.close()
            with suppress(FileNotFoundError):
                self.path.unlink()
            if self._watch is not None:
                self._watch.close()

    def _listen(self) -> socket.socket:
        if self.path.exists():
            if probe := connect(self.path, 1.0):
                probe.close()
                raise AlreadyServing(f"a server already answers for {self.assistant.settings.store} "
                                     f"(stop it with `assistant serve --stop`)")
            self.path.unlink()  # left by a server that was killed
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        staging = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        with suppress(FileNotFoundError):
            staging.unlink()
        listener.bind(str(staging))
        try:
            staging.chmod(0o600)
            listener.listen(8)
            # The socket file appears under its name only once it accepts and only its owner may use it: a client
            # that finds the file never meets a refusal, and linking (unlike binding there) fails if another
            # server took the name meanwhile.
            os.link(staging, self.path)
        except FileExistsError:
            listener.close()
            raise AlreadyServing(f"a server already answers for {self.assistant.settings.store} "
                                 f"(stop it with `assistant serve --stop`)") from None
        finally:
            staging.unlink()
        return listener

    def _handle(self, connection: socket.socket) -> str | None:
        connection.settimeout(READ_SECONDS)
        try:
            request = Lines(connection).next()
            connection.settimeout(None)
            if request.get("op") == "stop":
                send(connection, {"stopped": True})
                return "stop"
            if request.get("key") != self.key:
                send(connection, {"mismatch": True})
                return None
            send(connection, self._answer(request, connection))
        except (ProtocolError, OSError):
            pass  # the client went away or spoke nonsense: nothing to answer, keep serving
        return None

    def _answer(self, request: dict[str, Any], connection: socket.socket) -> dict[str, Any]:
        try:
            question, mode, filters = _parsed(request)
            self._refresh()
            stream = (lambda token: send(connection, {"token": token})) if request.get("stream") else None
            answer = self.assistant.ask(question, mode=mode, filters=filters, on_token=stream)
            return {"answer": answer.model_dump(mode="json")}
        except UserError as error:
            return {"error": str(error), "code": error.code}
        except (ProtocolError, OSError):
            raise  # the client hung up while tokens streamed
        except Exception as error:  # a fault in answering this question must not take the server down for the next
            return {"error": f"the server failed on this question ({type(error).__name__}: {error})", "code": 1}

    def _refresh(self) -> None:
        """Reopen the store when another process has written to it since the last question."""
        stamp = self._stamp()
        if stamp != self._seen:
            self.assistant.close()
            if not self.assistant.settings.chroma_url:
                forget_clients()
            self._seen = stamp

    def _stamp(self) -> tuple[int, int]:
        try:
            inode = self.index.stat().st_ino
        except FileNotFoundError:
            raise StoreError(f"the store at {self.assistant.settings.store} is gone") from None
        if self._watch is None or inode != self._inode:
            if self._watch is not None:
                self._watch.close()
            self._watch = sqlite3.connect(f"file:{self.index}?mode=ro", uri=True, check_same_thread=False)
            self._inode = inode
        return inode, self._watch.execute("PRAGMA data_version").fetchone()[0]


def _parsed(request: dict[str, Any]) -> tuple[str, str | None, Filters]:
    question, mode, given = request.get("question"), request.get("mode"), request.get("filters") or {}
    known = set(asdict(Filters()))
    if not isinstance(question, str) or not question.strip():
        raise UsageError("the request holds no question")
    if mode is not None and mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}")
    if not isinstance(given, dict) or set(given) - known:
        raise UsageError("the request's filters are not since, until, source, exact")
    return question, mode, Filters(**given)
