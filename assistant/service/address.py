"""Where a store's server listens, and the key that says a server was started with the same settings.

The socket lives in a folder only its owner may enter ($XDG_RUNTIME_DIR, else the temp folder), named by the
store's absolute path: one server per store. A folder someone else owns, or others may enter, is never used."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from assistant import __version__
from assistant.config import Settings
from assistant.errors import UserError


class UnsafeFolder(UserError):
    """The socket folder is not private to this user."""


CLIENT_ONLY = {"use_server", "auto_serve_minutes"}  # how `ask` finds a server; they change no answer


def settings_key(settings: Settings) -> str:
    """A digest of the version and every setting that can change an answer, the store as an absolute path: a
    server answers only a client of the same version that agrees on all of them."""
    text = settings.model_copy(update={"store": settings.store.resolve()}).model_dump_json(exclude=CLIENT_ONLY)
    secret = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    return hashlib.sha256(f"{__version__}\n{text}\n{secret}".encode()).hexdigest()


def socket_path(settings: Settings) -> Path:
    """The store's socket (its folder created, private, when missing). Raises UnsafeFolder."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"assistant-{os.getuid()}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        facts = base.lstat()
    except OSError as error:
        raise UnsafeFolder(f"{base}: {error.strerror}") from None
    if not stat.S_ISDIR(facts.st_mode) or facts.st_uid != os.getuid() or facts.st_mode & 0o077:
        raise UnsafeFolder(f"{base} is not a folder private to this user")
    name = hashlib.sha1(str(settings.store.resolve()).encode()).hexdigest()[:16]
    return base / f"{name}.sock"
