"""`ask`'s side: hand the question to the store's server when one runs with the same settings, else None (the
caller answers in its own process). Nothing heavy is imported here: that is the point."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from assistant.config import Settings
from assistant.errors import UserError
from assistant.filters import Filters
from assistant.service.address import UnsafeFolder, settings_key, socket_path
from assistant.service.protocol import Lines, ProtocolError, connect, send
from assistant.types import Answer

CONNECT_SECONDS = 2.0


class ServerFailed(UserError):
    """The server stopped answering mid-way (after part of the answer was shown)."""


class Refused(UserError):
    """The server refused the question; the message is its error, the exit status its code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def ask(settings: Settings, question: str, mode: str | None, filters: Filters,
        on_token: Callable[[str], None] | None = None) -> Answer | None:
    """The server's answer, or None when no server answers for these settings."""
    connection = _connect(settings)
    if connection is None:
        return None
    shown = False
    with connection:
        try:
            send(connection, {"op": "ask", "key": settings_key(settings), "question": question, "mode": mode,
                              "filters": asdict(filters), "stream": on_token is not None})
            lines = Lines(connection)
            while True:
                message = lines.next()
                if "token" in message and on_token is not None:
                    on_token(str(message["token"]))
                    shown = True
                elif "answer" in message:
                    return Answer.model_validate(message["answer"])
                elif "error" in message:
                    raise Refused(str(message["error"]), int(message.get("code", 1)))
                elif message.get("mismatch"):
                    return None
        except (ProtocolError, OSError):
            if shown:
                raise ServerFailed("the assistant server stopped mid-answer; ask again") from None
            return None


def stop(settings: Settings) -> bool:
    """Ask the store's server to stop; False when none was running."""
    connection = _connect(settings)
    if connection is None:
        return False
    with connection:
        try:
            send(connection, {"op": "stop"})
            return bool(Lines(connection).next().get("stopped"))
        except (ProtocolError, OSError):
            return False


def start_in_background(settings: Settings) -> bool:
    """Start `assistant serve` for the store, detached from this process and its terminal, unless one answers for
    it already (with these settings or others: one server per store) or auto_serve_minutes is 0. It loads the
    models after this process has answered, and stops itself after auto_serve_minutes without a question. True when
    one was started."""
    if settings.auto_serve_minutes <= 0:
        return False
    if (connection := _connect(settings)) is not None:
        connection.close()
        return False
    command = [sys.executable, "-m", "assistant", "serve", "--idle-minutes", f"{settings.auto_serve_minutes:g}",
               "--store", str(settings.store.resolve())]
    if settings.chroma_url:
        command += ["--chroma-url", settings.chroma_url]
    try:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)
    except OSError:
        return False  # the answer is already shown; the next ask is only slower
    return True


def _connect(settings: Settings) -> socket.socket | None:
    try:
        path: Path = socket_path(settings)
    except UnsafeFolder:
        return None
    # once connected, no timeout: a grounded answer may take a while
    return connect(path, CONNECT_SECONDS) if path.exists() else None
