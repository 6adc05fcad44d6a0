"""The messages between `ask` and `serve`: one JSON object per line, each way. A request is one line; the server
answers with zero or more {"token": ...} lines (a grounded answer as it is written) and then one last line:
{"answer": ...}, {"error": ..., "code": ...}, {"mismatch": true} (other settings) or {"stopped": true}."""

from __future__ import annotations

import json
import socket
from contextlib import suppress
from pathlib import Path
from typing import Any

MAX_LINE = 1 << 20  # a question is at most a few thousand characters; an answer with its passages well under this


class ProtocolError(Exception):
    """The other side sent something that is not a message, or hung up mid-way."""


def connect(path: Path, timeout: float) -> socket.socket | None:
    """A connection to whoever listens on the socket file (blocking once connected), or None."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(timeout)
        connection.connect(str(path))
        connection.settimeout(None)
        return connection
    except OSError:
        with suppress(OSError):
            connection.close()
        return None


def send(connection: socket.socket, message: dict[str, Any]) -> None:
    connection.sendall(json.dumps(message, ensure_ascii=False).encode() + b"\n")


class Lines:
    """The messages arriving on a connection, one at a time."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""

    def next(self) -> dict[str, Any]:
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_LINE:
                raise ProtocolError("a message longer than 1 MiB")
            data = self.connection.recv(65536)
            if not data:
                raise ProtocolError("the connection closed mid-message")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise ProtocolError("a message that is not JSON") from None
        if not isinstance(message, dict):
            raise ProtocolError("a message that is not a JSON object")
        return message
